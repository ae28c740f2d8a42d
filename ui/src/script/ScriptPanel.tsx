// The script panel: a sticky's Rhai script in CodeMirror, checked by the
// backend as it is typed (CheckScript, debounced by the linter), completed
// and explained from the sticky's contract, saved with WriteScript. While
// a run is on, a save offers to replay the read models and to resend the
// last command, so a changed rule is tried at once.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab, toggleComment } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, lintKeymap, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, hoverTooltip, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import type { Api } from '../api/api';
import { errorMessage } from '../api/api';
import type { Id, Request, Response, ScriptInfo } from '../api/generated';
import { Replay } from '../run/Replay';
import type { RunView } from '../run/useRun';
import { PANEL_WIDTH, contextAt, diagnosticRange, hoverText, lastUserCommand, offers, panelWidth } from './logic';
import { rhaiHighlight, rhaiLanguage } from './rhai';
import './script.css';

/** A line to show, e.g. where a run's script error happened; `seq` tells two jumps to one line apart. */
export interface ScriptJump {
  line: number;
  seq: number;
}

interface Props {
  api: Api;
  /** Requests that change the board (create, write) go through the workspace, which applies their state. */
  request(request: Request): Promise<Response | null>;
  id: Id;
  name: string;
  jump: ScriptJump | null;
  /** The run, while Run mode is on. */
  run: RunView | null;
  /** Asks to close the panel; the caller asks first when there are unsaved changes. */
  onClose(): void;
  /** Told whether the text differs from the saved script, so closing or opening another can ask first. */
  onDirty(dirty: boolean): void;
}

/** Where the width the panel was last dragged to is kept, for every board. */
const WIDTH_KEY = 'squall.scriptPanelWidth';

function keptWidth(): number | null {
  try {
    const kept = Number(window.localStorage.getItem(WIDTH_KEY));
    return Number.isFinite(kept) && kept > 0 ? kept : null;
  } catch {
    return null;
  }
}

function keepWidth(width: number) {
  try {
    window.localStorage.setItem(WIDTH_KEY, String(width));
  } catch {
    // A browser that keeps nothing starts from the default next time.
  }
}

/** The room the panel shares with the board: its parent's width. */
function roomOf(panel: HTMLElement | null): number {
  return panel?.parentElement?.clientWidth ?? window.innerWidth;
}

/**
 * The panel's width, fitted to the room it shares with the board when it opens and whenever
 * the window is resized, and dragged at its left edge.
 */
function usePanelWidth(panel: RefObject<HTMLElement | null>) {
  const [width, setWidth] = useState<number>(PANEL_WIDTH.fallback);
  const [dragging, setDragging] = useState(false);
  useLayoutEffect(() => {
    const fit = () => setWidth(panelWidth(keptWidth(), roomOf(panel.current)));
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [panel]);
  const startDrag = (e: ReactPointerEvent<HTMLDivElement>) => {
    const handle = e.currentTarget;
    const [startX, startWidth, room] = [e.clientX, width, roomOf(panel.current)];
    handle.setPointerCapture(e.pointerId);
    setDragging(true);
    let last = startWidth;
    const move = (m: PointerEvent) => {
      last = panelWidth(startWidth + (startX - m.clientX), room);
      setWidth(last);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
      setDragging(false);
      keepWidth(last);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  };
  return { width, dragging, startDrag };
}

const setErrorLine = StateEffect.define<number | null>();

/** The line a run's error points at, marked until the next jump or edit. */
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = tr.docChanged ? Decoration.none : marks;
    for (const e of tr.effects) {
      if (e.is(setErrorLine)) {
        next = e.value === null ? Decoration.none : Decoration.set([Decoration.line({ class: 'cm-script-error-line' }).range(tr.state.doc.line(e.value).from)]);
      }
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function jumpTo(view: EditorView, lineNo: number) {
  const line = view.state.doc.line(Math.min(Math.max(1, lineNo), view.state.doc.lines));
  view.dispatch({
    // The cursor at the line's start, so the mark shows rather than a selection over it.
    selection: { anchor: line.from },
    effects: [setErrorLine.of(line.number), EditorView.scrollIntoView(line.from, { y: 'center' })],
  });
  view.focus();
}

export function ScriptPanel({ api, request, id, name, jump, run, onClose, onDirty }: Props) {
  const [info, setInfo] = useState<ScriptInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedInRun, setSavedInRun] = useState(false);
  const [problems, setProblems] = useState<number | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const section = useRef<HTMLElement>(null);
  const { width, dragging, startDrag } = usePanelWidth(section);
  const view = useRef<EditorView | null>(null);
  // The latest answer, for completion and hover, which CodeMirror asks outside React.
  const infoRef = useRef<ScriptInfo | null>(null);
  const savedText = useRef('');
  const saveRef = useRef<() => void>(() => {});

  // Bumped to read the script again (after Create script).
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .send({ type: 'read_script', id })
      .then((answer) => {
        if (!live) return;
        if (answer.type !== 'script') throw new Error(`unexpected answer ${answer.type}`);
        infoRef.current = answer.script;
        setInfo(answer.script);
        setLoadError(null);
      })
      .catch((err: unknown) => {
        if (live) setLoadError(errorMessage(err));
      });
    return () => {
      live = false;
    };
  }, [api, id, reads]);

  const hasText = info !== null && info.text !== null;
  useEffect(() => {
    const parent = host.current;
    const first = infoRef.current;
    if (!hasText || !parent || !first || first.text === null) return;
    savedText.current = first.text;
    const check = linter(
      async (v): Promise<CmDiagnostic[]> => {
        const text = v.state.doc.toString();
        try {
          const answer = await api.send({ type: 'check_script', id, text });
          if (answer.type !== 'script') return [];
          infoRef.current = answer.script;
          setProblems(answer.script.diagnostics.filter((d) => d.severity === 'error').length);
          // The text may have moved on while the backend checked; the linter drops a stale answer.
          const doc = v.state.doc;
          return answer.script.diagnostics.map((d) => ({ ...diagnosticRange(doc, d), severity: d.severity, message: d.message, source: d.severity === 'error' ? 'Rhai' : 'contract' }));
        } catch (err) {
          return [{ from: 0, to: 0, severity: 'warning', message: `The check did not answer: ${errorMessage(err)}` }];
        }
      },
      { delay: 300 },
    );
    const complete = (cx: CompletionContext): CompletionResult | null => {
      const current = infoRef.current;
      if (!current) return null;
      const line = cx.state.doc.lineAt(cx.pos);
      const context = contextAt(line.text.slice(0, cx.pos - line.from));
      if (context.kind === 'none' || (context.kind === 'word' && !cx.explicit && context.from === cx.pos - line.from)) return null;
      const options = offers(current, context);
      if (options.length === 0) return null;
      return { from: line.from + context.from, options, validFor: /^[A-Za-z0-9_]*$/ };
    };
    const hover = hoverTooltip((v, pos) => {
      const current = infoRef.current;
      const word = v.state.wordAt(pos);
      if (!current || !word) return null;
      const text = hoverText(current, v.state.sliceDoc(word.from, word.to));
      if (!text) return null;
      return {
        pos: word.from,
        end: word.to,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'cm-script-hover';
          dom.textContent = text;
          return { dom };
        },
      };
    });
    const v = new EditorView({
      parent,
      state: EditorState.create({
        doc: first.text,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          bracketMatching(),
          closeBrackets(),
          indentOnInput(),
          rhaiLanguage,
          syntaxHighlighting(rhaiHighlight),
          syntaxHighlighting(defaultHighlightStyle),
          search({ top: true }),
          highlightSelectionMatches(),
          lintGutter(),
          check,
          autocompletion({ override: [complete], icons: false }),
          hover,
          errorLineField,
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                saveRef.current();
                return true;
              },
            },
            { key: 'Mod-/', run: toggleComment },
            ...closeBracketsKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...completionKeymap,
            ...lintKeymap,
            ...defaultKeymap,
            indentWithTab,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) setDirty(u.state.doc.toString() !== savedText.current);
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, [api, hasText, id]);

  useEffect(() => {
    if (jump && view.current) jumpTo(view.current, jump.line);
  }, [jump, hasText]);

  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  useEffect(() => () => onDirty(false), [onDirty]);
  // Leaving the page (a reload, a closed tab) with unsaved text asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // An edit made in an outside editor is taken up when the window is back in
  // focus, unless the panel holds changes of its own (those win until saved).
  const dirtyRef = useRef(false);
  useEffect(() => {
    dirtyRef.current = dirty;
  }, [dirty]);
  useEffect(() => {
    if (!hasText) return;
    const onFocus = () => {
      if (dirtyRef.current) return;
      void api
        .send({ type: 'read_script', id })
        .then((answer) => {
          const v = view.current;
          if (answer.type !== 'script' || answer.script.text === null || !v || dirtyRef.current) return;
          const text = answer.script.text;
          if (text === v.state.doc.toString()) return;
          savedText.current = text;
          v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
        })
        .catch(() => {});
    };
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [api, hasText, id]);

  const save = useCallback(async () => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    setSaving(true);
    const answer = await request({ type: 'write_script', id, text }).catch((err: unknown) => {
      setSaveError(errorMessage(err));
      return null;
    });
    setSaving(false);
    if (answer?.type !== 'script_written') {
      setSaveError((e) => e ?? 'The script was not saved; see the message above.');
      return;
    }
    savedText.current = text;
    infoRef.current = answer.script;
    setSaveError(null);
    setDirty(v.state.doc.toString() !== text);
    if (run) setSavedInRun(true);
  }, [id, request, run]);
  useEffect(() => {
    saveRef.current = () => void save();
  }, [save]);

  const create = async () => {
    const answer = await request({ type: 'create_script', id });
    if (answer) setReads((n) => n + 1);
  };

  const last = run ? lastUserCommand(run.recent) : null;

  return (
    <section
      ref={section}
      className={run ? 'script-panel script-panel-run' : 'script-panel'}
      style={{ width }}
      data-testid="script-panel"
      aria-label={`Script of ${name}`}
      onKeyDown={(e) => {
        // Escape closes the panel once the editor has nothing of its own to dismiss (completion, search).
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div
        className={dragging ? 'script-resize dragging' : 'script-resize'}
        role="separator"
        aria-orientation="vertical"
        aria-label="Drag to widen or narrow the script"
        data-testid="script-resize"
        onPointerDown={startDrag}
      />
      <header className="script-head">
        <strong>{name}</strong>
        <span className="script-path" title={info?.path}>
          {info?.path ?? ''}
          {dirty ? <span className="script-dirty" data-testid="script-dirty" title="Changed since it was saved"> ●</span> : null}
        </span>
        {problems !== null ? (
          <span className={problems > 0 ? 'script-problems bad' : 'script-problems'} data-testid="script-problems">
            {problems > 0 ? `${problems} error${problems === 1 ? '' : 's'}` : 'no errors'}
          </span>
        ) : null}
        <span className="script-spacer" />
        {hasText ? (
          <button type="button" onClick={() => void save()} disabled={saving || !dirty} title="Save the script (Ctrl+S)" data-testid="script-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        ) : null}
        <button type="button" onClick={onClose} title="Close the script (Escape)" data-testid="script-close">
          ✕
        </button>
      </header>
      {loadError ? <p className="script-error" role="alert">The script cannot be read: {loadError}</p> : null}
      {saveError ? (
        <p className="script-error" role="alert" data-testid="script-save-error">
          {saveError}
        </p>
      ) : null}
      {info && info.text === null ? (
        <div className="script-missing">
          <p className="prop-note">{name} has no script yet. A starting script emits the events its arrows name, with the fields copied from the command where names match.</p>
          <button type="button" onClick={() => void create()} data-testid="script-create">
            Create script
          </button>
          {info.starter ? <pre className="script-starter">{info.starter}</pre> : null}
        </div>
      ) : null}
      <div className="script-editor" ref={host} data-testid="script-editor" hidden={!hasText} />
      {run && savedInRun ? (
        <div className="script-after-save" data-testid="script-after-save">
          <p className="prop-note">Saved: the run uses the script from its next step.</p>
          {last ? (
            <button
              type="button"
              data-testid="script-resend"
              title={`Submit ${last.name} again with the same data`}
              onClick={() => void run.submit(last.sticky, last.data, 'play').catch((err: unknown) => setSaveError(errorMessage(err)))}
            >
              Resend {last.name}
            </button>
          ) : null}
          <Replay run={run} />
        </div>
      ) : null}
    </section>
  );
}
