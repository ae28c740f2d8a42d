// The command launcher: pick a command (its sticky, or an actor and then
// one of its commands), fill in a form made from its fields, and submit it.
// The script constants a model needs before it runs are shown first.

import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/api';
import type { Board, Element, FieldSuggestions, Id, RunStatus } from '../api/generated';
import { errorsByField, inputFor, parseForm, recall, remember, type RawValues } from './formValues';
import { shortValue } from './jsonDiff';
import { useSettled } from './useSettled';
import type { RunView, SubmitThen } from './useRun';

const storage = (): Storage | null => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
};

/** The commands an actor's arrows lead to. */
export function commandsOf(board: Board, actor: Id): Element[] {
  const targets = new Set(board.connections.filter((c) => c.from === actor).map((c) => c.to));
  return board.elements.filter((e) => e.kind === 'Command' && targets.has(e.id));
}

/** Who issued a queued command, in words: `user`, `CEO bonus (policy)`, `scenario “…”`. */
export function actorText(board: Board, actor: string | null): string {
  if (!actor) return 'unknown';
  if (actor.startsWith('policy:')) {
    const id = actor.slice('policy:'.length);
    return `${board.elements.find((e) => e.id === id)?.name ?? id} (policy)`;
  }
  if (actor.startsWith('scenario:')) return `scenario “${actor.slice('scenario:'.length)}”`;
  return actor;
}

function Setup({ board, status }: { board: Board; status: RunStatus }) {
  if (status.constants.length === 0) return null;
  const name = (id: Id) => board.elements.find((e) => e.id === id)?.name ?? id;
  return (
    <div className="run-setup" data-testid="run-setup">
      <h3>Setup</h3>
      <p className="prop-note">The scripts name these values; open what they name before the first command.</p>
      <ul>
        {status.constants.map((c) => (
          <li key={`${c.sticky}.${c.name}`}>
            <span className="run-setup-where">{name(c.sticky)}:</span> <code>{c.name}</code> = <code className="run-setup-value">{shortValue(c.value)}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CommandForm({ run, command }: { run: RunView; command: Element }) {
  const fields = useMemo(() => command.fields ?? [], [command.fields]);
  const [values, setValues] = useState<RawValues>(() => recall(storage(), command.id, fields));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [suggestions, setSuggestions] = useState<FieldSuggestions[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { send, revision: latest } = run;
  // Asked again once a playing run pauses, not after every step.
  const revision = useSettled(latest);

  useEffect(() => {
    let live = true;
    send({ type: 'suggestions', command: command.id })
      .then((answer) => {
        if (live && answer.type === 'suggestions') setSuggestions(answer.fields);
      })
      .catch(() => {
        // Suggestions are a help; the form works without them.
      });
    return () => {
      live = false;
    };
    // The run's revision: new ids may have been seen.
  }, [command.id, send, revision]);

  const submit = async (then: SubmitThen) => {
    const parsed = parseForm(fields, values);
    if (!parsed.ok) {
      setFieldErrors(parsed.errors);
      setFormError(null);
      return;
    }
    setBusy(true);
    try {
      await run.submit(command.id, parsed.data, then);
      remember(storage(), command.id, values);
      setFieldErrors({});
      setFormError(null);
      setSent(then === 'play' ? `${command.name} submitted; playing its cascade` : `${command.name} queued`);
    } catch (err) {
      const split = errorsByField(errorMessage(err), fields.map((f) => f.name));
      setFieldErrors(split.fields);
      setFormError(split.form);
      setSent(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="run-form"
      data-testid="command-form"
      data-command={command.id}
      onSubmit={(e) => {
        e.preventDefault();
        void submit('play');
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.stopPropagation();
          void submit('play');
        }
      }}
    >
      <h3>
        <span className="run-form-kind">Command</span> {command.name}
      </h3>
      {fields.length === 0 ? <p className="prop-note">This command has no fields.</p> : null}
      {fields.map((field) => {
        const input = inputFor(field);
        const error = fieldErrors[field.name];
        const hints = suggestions.find((s) => s.field === field.name)?.values ?? [];
        const listId = `run-suggest-${command.id}-${field.name}`;
        const value = values[field.name];
        const set = (v: string | boolean) => {
          setValues((old) => ({ ...old, [field.name]: v }));
          setSent(null);
        };
        return (
          <div key={field.name} className={error ? 'run-field run-field-bad' : 'run-field'} data-field={field.name}>
            <label className="prop-label" htmlFor={`${listId}-input`}>
              {field.name} <span className="sticky-field-type">{input.label}</span>
            </label>
            {input.kind === 'bool' ? (
              <input id={`${listId}-input`} type="checkbox" className="run-check" checked={value === true} onChange={(e) => set(e.target.checked)} />
            ) : input.kind === 'map' ? (
              <textarea id={`${listId}-input`} rows={3} className="mono" placeholder={input.placeholder} value={String(value ?? '')} onChange={(e) => set(e.target.value)} />
            ) : (
              <input
                id={`${listId}-input`}
                name={field.name}
                inputMode={input.kind === 'int' || input.kind === 'decimal' ? 'decimal' : undefined}
                placeholder={input.placeholder}
                list={hints.length > 0 ? listId : undefined}
                value={String(value ?? '')}
                onChange={(e) => set(e.target.value)}
                aria-invalid={error ? true : undefined}
                autoComplete="off"
              />
            )}
            {hints.length > 0 ? (
              <>
                <datalist id={listId}>
                  {hints.map((h) => (
                    <option key={`${JSON.stringify(h.value)}-${h.source}`} value={typeof h.value === 'string' ? h.value : JSON.stringify(h.value)}>
                      {h.source}
                    </option>
                  ))}
                </datalist>
                <div className="run-hints" data-testid="field-hints">
                  {hints.slice(0, 6).map((h) => {
                    const text = typeof h.value === 'string' ? h.value : JSON.stringify(h.value);
                    return (
                      <button type="button" key={`${text}-${h.source}`} className="run-hint" onClick={() => set(text)} title={`Use ${text} (${h.source})`}>
                        {text} <span>{h.source}</span>
                      </button>
                    );
                  })}
                </div>
              </>
            ) : null}
            {error ? (
              <p className="prop-error" data-testid="field-error">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      {formError ? (
        <p className="prop-error run-form-error" data-testid="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className="run-form-buttons">
        <button type="submit" className="run-primary" data-testid="submit-play" disabled={busy} title="Queue it and play its cascade (Ctrl+Enter)">
          Submit &amp; play
        </button>
        <button type="button" data-testid="submit-queue" disabled={busy} onClick={() => void submit('queue')} title="Queue it without processing; Step or Play later">
          Queue only
        </button>
      </div>
      {sent ? (
        <p className="prop-note run-sent" data-testid="form-sent">
          {sent}
        </p>
      ) : null}
    </form>
  );
}

interface LauncherProps {
  run: RunView;
  board: Board;
  status: RunStatus;
  /** The sticky clicked last in Run mode. */
  picked: Id | null;
  onPick(id: Id): void;
}

export function Launcher({ run, board, status, picked, onPick }: LauncherProps) {
  const element = picked ? board.elements.find((e) => e.id === picked) : undefined;
  const commands = board.elements.filter((e) => e.kind === 'Command');
  const pickList = (list: Element[]) => (
    <div className="run-picks">
      {list.map((c) => (
        <button type="button" key={c.id} className="run-pick" data-testid="pick-command" data-id={c.id} onClick={() => onPick(c.id)}>
          {c.name}
        </button>
      ))}
    </div>
  );
  return (
    <div className="run-launcher" data-testid="launcher">
      <Setup board={board} status={status} />
      {element?.kind === 'Command' ? (
        <CommandForm key={element.id} run={run} command={element} />
      ) : element?.kind === 'Actor' ? (
        <div className="run-actor">
          <h3>{element.name} can</h3>
          {commandsOf(board, element.id).length > 0 ? pickList(commandsOf(board, element.id)) : <p className="prop-note">No arrow leads from this actor to a command.</p>}
        </div>
      ) : (
        <div className="run-start">
          <h3>Issue a command</h3>
          <p className="prop-note">Click a command sticky on the board (or an actor, then one of its commands), or pick one here.</p>
          {pickList(commands)}
        </div>
      )}
    </div>
  );
}

export function QueuePanel({ board, status }: { board: Board; status: RunStatus }) {
  return (
    <div className="run-queue" data-testid="run-queue">
      <h3>
        Queue <span className="run-queue-count">{status.pending}</span>
      </h3>
      {status.queue.length === 0 ? (
        <p className="prop-note">Nothing waits. Submit a command, or a policy will queue one.</p>
      ) : (
        <ol>
          {status.queue.map((q) => (
            <li key={q.command_id} data-testid="queued-command">
              <div className="run-queue-name">{q.name}</div>
              <div className="run-queue-data mono" title={JSON.stringify(q.data, null, 2)}>
                {shortValue(q.data, 60)}
              </div>
              <div className="run-queue-actor">by {actorText(board, q.actor)}</div>
            </li>
          ))}
          {status.pending > status.queue.length ? <li className="prop-note">and {status.pending - status.queue.length} more</li> : null}
        </ol>
      )}
    </div>
  );
}
