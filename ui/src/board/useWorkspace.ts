// The open board as the backend last described it, and the one way the UI
// changes it: requests through the Api. The history, the lint and the dirty
// flag live in the backend; this keeps only its latest answer.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type Api, type LinkStatus } from '../api/api';
import type { Id, Kind, Push, Request, Response, State, Verdict } from '../api/generated';
import { createdBy, judge, stateOf } from '../api/requests';
import { makeCatalog, type Catalog } from './catalog';

export type ToastTone = 'error' | 'info';

export interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
}

export interface WorkspaceView {
  state: State | null;
  catalog: Catalog | null;
  loadError: string | null;
  link: LinkStatus;
  /** Set when the backend pushed that the file changed on disk. */
  fileChanged: string | null;
  toasts: Toast[];
  /** Send a request; on failure show the backend's message and resolve to null. */
  request(request: Request): Promise<Response | null>;
  /** Send an edit; the ids it created, or null when it was refused. */
  edit(request: Request): Promise<Id[] | null>;
  verdict(from: Kind, to: Kind): Promise<Verdict | null>;
  /** A verdict already known, for feedback while an arrow is being drawn. */
  knownVerdict(from: Kind, to: Kind): Verdict | null;
  toast(message: string, tone?: ToastTone): void;
  dismissToast(id: number): void;
  dismissFileChanged(): void;
  /** Hear the run's pushes (every client's steps); returns the unsubscribe. */
  onRun(listener: RunListener): () => void;
}

export type RunListener = (push: Extract<Push, { type: 'run' }>) => void;

/** Whether a pushed state is the one already shown (our own edit echoed back). */
export function sameState(a: State | null, b: State): boolean {
  return a !== null && a.revision === b.revision && a.dirty === b.dirty && a.path === b.path &&
    a.can_undo === b.can_undo && a.can_redo === b.can_redo && a.recovery?.path === b.recovery?.path && a.locked === b.locked;
}

export function useWorkspace(api: Api): WorkspaceView {
  const [state, setState] = useState<State | null>(null);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [link, setLink] = useState<LinkStatus>('connecting');
  const [fileChanged, setFileChanged] = useState<string | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const stateRef = useRef<State | null>(null);
  const nextToast = useRef(1);
  // One request at a time: answers then arrive in the order the edits were made.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const verdicts = useRef(new Map<string, Verdict>());
  const runListeners = useRef(new Set<RunListener>());

  const show = useCallback((next: State) => {
    stateRef.current = next;
    setState(next);
  }, []);

  const toast = useCallback((message: string, tone: ToastTone = 'error') => {
    const id = nextToast.current++;
    setToasts((list) => [...list.filter((t) => t.message !== message), { id, tone, message }].slice(-4));
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 8000 : 4000);
  }, []);

  const request = useCallback(
    (req: Request): Promise<Response | null> => {
      const run = queue.current.then(async () => {
        try {
          const response = await api.send(req);
          const next = stateOf(response);
          if (next) show(next);
          return response;
        } catch (err) {
          toast(errorMessage(err));
          return null;
        }
      });
      queue.current = run;
      return run;
    },
    [api, show, toast],
  );

  const edit = useCallback(
    async (req: Request) => {
      const response = await request(req);
      return response ? createdBy(response) : null;
    },
    [request],
  );

  const verdict = useCallback(
    async (from: Kind, to: Kind) => {
      const key = `${from}>${to}`;
      const known = verdicts.current.get(key);
      if (known) return known;
      try {
        const response = await api.send(judge(from, to));
        if (response.type !== 'verdict') return null;
        verdicts.current.set(key, response.verdict);
        return response.verdict;
      } catch {
        return null;
      }
    },
    [api],
  );

  const knownVerdict = useCallback((from: Kind, to: Kind) => verdicts.current.get(`${from}>${to}`) ?? null, []);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [grammar, current] = await Promise.all([api.send({ type: 'grammar' }), api.send({ type: 'get_state' })]);
        if (!live) return;
        if (grammar.type === 'grammar') setCatalog(makeCatalog(grammar.grammar));
        const s = stateOf(current);
        if (s) show(s);
      } catch (err) {
        if (live) setLoadError(errorMessage(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [api, show]);

  useEffect(
    () =>
      api.subscribe(
        (push: Push) => {
          switch (push.type) {
            case 'changed':
              if (!sameState(stateRef.current, push.state)) show(push.state);
              break;
            case 'file_changed': {
              // Pushes can trail a reload that already read the new file; ask before warning,
              // in turn with our own requests, so a reload on its way is answered first.
              const asked = queue.current.then(() => api.send({ type: 'check_file' }));
              queue.current = asked.catch(() => undefined);
              asked
                .then((r) => {
                  if (r.type !== 'file_status' || r.changed) setFileChanged(push.path);
                })
                .catch(() => setFileChanged(push.path));
              break;
            }
            case 'lint_updated': {
              const current = stateRef.current;
              if (current) show({ ...current, lint: push.lint });
              break;
            }
            case 'run':
              for (const listener of runListeners.current) listener(push);
              break;
          }
        },
        setLink,
      ),
    [api, show],
  );

  const dismissToast = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const dismissFileChanged = useCallback(() => setFileChanged(null), []);
  const onRun = useCallback((listener: RunListener) => {
    runListeners.current.add(listener);
    return () => void runListeners.current.delete(listener);
  }, []);

  return useMemo(
    () => ({
      state,
      catalog,
      loadError,
      link,
      fileChanged,
      toasts,
      request,
      edit,
      verdict,
      knownVerdict,
      toast,
      dismissToast,
      dismissFileChanged,
      onRun,
    }),
    [state, catalog, loadError, link, fileChanged, toasts, request, edit, verdict, knownVerdict, toast, dismissToast, dismissFileChanged, onRun],
  );
}
