// The run of the open board as Run mode sees it: the backend's last
// RunStatus, the steps to show on the board one after another, the
// controls' state machine, and the position people look at (time travel).
// Every client's steps arrive as `run` pushes, so a workshop sees one run.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type Api } from '../api/api';
import type { Board, Id, JsonValue, RunAnswer, RunRequest, RunStatus, StickyCount, Trace } from '../api/generated';
import type { WorkspaceView } from '../board/useWorkspace';
import { indexBoard, mergeHighlights, noHighlight, traceHighlight, type Highlight } from './chain';
import { freshTraces, noteErrors, noteRejections, sendRun } from './notes';
import { MarkStore } from './marks';
import { advance, beatMs, idle, SPEEDS, type PlayerInput, type PlayerState } from './player';

/** Steps waiting to be shown beyond this are shown at once, so the board never lags the run. */
const SHOW_ONE_BY_ONE = 6;
/** How many processed commands the run panels remember (newest first). */
const RECENT = 200;

export type SubmitThen = 'play' | 'queue';

export interface RunView {
  status: RunStatus | null;
  loadError: string | null;
  /** A run request; rejects with the backend's message. A status or traces in the answer are applied. */
  send(request: RunRequest): Promise<RunAnswer>;
  /** The same, with a failure shown as a toast and answered with null. */
  ask(request: RunRequest): Promise<RunAnswer | null>;
  /** Queue a command; then play its cascade, or leave it queued. Rejects with the backend's message. */
  submit(command: Id, data: Record<string, JsonValue>, then: SubmitThen): Promise<string>;
  player: PlayerState;
  speedMs: number;
  setSpeedMs(ms: number): void;
  control(input: 'step' | 'play' | 'pause' | 'quiet'): void;
  /** The position looked at; null is the head. */
  at: number | null;
  setAt(at: number | null): void;
  highlight: Highlight;
  /** Light a chain picked in the event log. */
  focus(highlight: Highlight): void;
  /** Processed commands seen by this client, newest first. */
  recent: Trace[];
  /** The command whose form is open, drawn as chosen. */
  chosen: Id | null;
  choose(id: Id | null): void;
  marks: MarkStore;
  /** New with every change of the run: what shows the run's data fetches again. */
  revision: number;
  newRun(): Promise<void>;
}

/** Whether two statuses say the same (a status is small: 100 queued commands at most). */
export function sameStatus(a: RunStatus, b: RunStatus): boolean {
  return a.head === b.head && a.pending === b.pending && a.branch === b.branch && a.now === b.now && JSON.stringify(a) === JSON.stringify(b);
}

export function useRun(api: Api, ws: WorkspaceView, board: Board, active: boolean): RunView {
  // The workspace's toast and run pushes are stable; the workspace view itself is new with every state.
  const { toast, onRun } = ws;
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [player, setPlayer] = useState<PlayerState>(idle);
  const [speedMs, setSpeedMs] = useState<number>(SPEEDS[1].ms);
  const [at, setAtState] = useState<number | null>(null);
  const [highlight, setHighlight] = useState<Highlight>(noHighlight);
  const [generation, setGeneration] = useState(0);
  const [recent, setRecent] = useState<Trace[]>([]);
  const [rejections, setRejections] = useState<ReadonlyMap<Id, string>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<Id, string>>(new Map());
  const [chosen, choose] = useState<Id | null>(null);
  const [marks] = useState(() => new MarkStore());

  const statusRef = useRef<RunStatus | null>(null);
  const playerRef = useRef<PlayerState>(idle);
  const speedRef = useRef(speedMs);
  const index = useMemo(() => indexBoard(board), [board]);
  const indexRef = useRef(index);
  useEffect(() => {
    speedRef.current = speedMs;
    indexRef.current = index;
  }, [index, speedMs]);
  // Timers call the latest of these (they call themselves again later).
  const showNextRef = useRef<() => void>(() => {});
  const dispatchRef = useRef<(input: PlayerInput) => void>(() => {});
  const seen = useRef(new Set<string>());
  const showQueue = useRef<Trace[]>([]);
  const showTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const tickTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const applyStatus = useCallback((next: RunStatus) => {
    const before = statusRef.current;
    // Our own step comes back as a push too: the same status once more redraws nothing.
    if (before && sameStatus(before, next)) return;
    statusRef.current = next;
    setStatus(next);
    setRevision((r) => r + 1);
    setLoadError(null);
    // Looking back in time stays where it was, unless the branch changed or the position is gone.
    if (before && before.branch !== next.branch) {
      // Another branch has its own story: the refusals and lights of this one do not belong to it.
      setAtState(null);
      setRejections(new Map());
      setErrors(new Map());
      setHighlight(noHighlight);
      showQueue.current = [];
    } else {
      setAtState((a) => (a !== null && a >= next.head ? null : a));
    }
  }, []);

  // ---- showing steps on the board -------------------------------------------

  const showNext = useCallback(() => {
    showTimer.current = null;
    const waiting = showQueue.current;
    if (waiting.length === 0) return;
    const many = waiting.length > SHOW_ONE_BY_ONE;
    const shown = many ? waiting.splice(0) : waiting.splice(0, 1);
    const lit = mergeHighlights(shown.map((t) => traceHighlight(t, indexRef.current)));
    const beat = beatMs(speedRef.current, lit.beats);
    setHighlight(lit);
    setGeneration((g) => g + 1);
    if (waiting.length > 0) showTimer.current = setTimeout(() => showNextRef.current(), Math.max(250, lit.beats * beat + 120));
  }, []);
  useEffect(() => {
    showNextRef.current = showNext;
  }, [showNext]);

  const showTraces = useCallback(
    (traces: Trace[]) => {
      if (seen.current.size > 5000) seen.current = new Set();
      const fresh = freshTraces(seen.current, traces);
      if (fresh.length === 0) return;
      setRecent((list) => [...fresh].reverse().concat(list).slice(0, RECENT));
      setRejections((map) => noteRejections(map, fresh));
      setErrors((map) => noteErrors(map, fresh));
      showQueue.current.push(...fresh);
      if (!showTimer.current) showNext();
    },
    [showNext],
  );

  useEffect(
    () => () => {
      if (showTimer.current) clearTimeout(showTimer.current);
      if (tickTimer.current) clearTimeout(tickTimer.current);
    },
    [],
  );

  const apply = useCallback(
    (answer: RunAnswer) => {
      if ('status' in answer) applyStatus(answer.status);
      if (answer.type === 'stepped') {
        showTraces(answer.traces);
        if (answer.end?.stopped) toast(`The run was stopped: ${answer.end.stopped}`);
      }
    },
    [applyStatus, showTraces, toast],
  );

  const send = useCallback(
    async (request: RunRequest): Promise<RunAnswer> => {
      const answer = await sendRun(api, request);
      apply(answer);
      return answer;
    },
    [api, apply],
  );

  const ask = useCallback(
    async (request: RunRequest) => {
      try {
        return await send(request);
      } catch (err) {
        toast(errorMessage(err));
        return null;
      }
    },
    [send, toast],
  );

  // Other clients' steps, and our own echoed back (shown once: `seen`).
  useEffect(
    () =>
      onRun((push) => {
        applyStatus(push.status);
        showTraces(push.traces);
      }),
    [applyStatus, onRun, showTraces],
  );

  useEffect(() => {
    if (!active) return;
    let live = true;
    void (async () => {
      try {
        await send({ type: 'status' });
      } catch (err) {
        if (live) setLoadError(errorMessage(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [active, send]);

  // ---- the controls -----------------------------------------------------------

  const dispatch = useCallback(
    (input: PlayerInput) => {
      const pending = statusRef.current?.pending ?? 0;
      const { state, effect } = advance(playerRef.current, input, pending);
      playerRef.current = state;
      setPlayer(state);
      if (effect === 'wait') {
        if (tickTimer.current) clearTimeout(tickTimer.current);
        tickTimer.current = setTimeout(() => {
          tickTimer.current = null;
          dispatchRef.current({ type: 'tick' });
        }, speedRef.current);
      } else if (effect === 'step' || effect === 'run_until_quiet') {
        const request: RunRequest = effect === 'step' ? { type: 'step' } : { type: 'run_until_quiet' };
        send(request)
          .then(() => dispatchRef.current({ type: 'answered', pending: statusRef.current?.pending ?? 0 }))
          .catch((err: unknown) => {
            toast(errorMessage(err));
            dispatchRef.current({ type: 'failed' });
          });
      }
    },
    [send, toast],
  );
  useEffect(() => {
    dispatchRef.current = dispatch;
  }, [dispatch]);

  const control = useCallback((input: 'step' | 'play' | 'pause' | 'quiet') => dispatch({ type: input }), [dispatch]);

  const submit = useCallback(
    async (command: Id, data: Record<string, JsonValue>, then: SubmitThen) => {
      const answer = await send({ type: 'submit', command, data });
      if (then === 'play') dispatch({ type: 'play' });
      return answer.type === 'submitted' ? answer.command_id : '';
    },
    [dispatch, send],
  );

  const newRun = useCallback(async () => {
    const answer = await ask({ type: 'new_run' });
    if (!answer) return;
    showQueue.current = [];
    setHighlight(noHighlight);
    setRecent([]);
    setRejections(new Map());
    setErrors(new Map());
    setAtState(null);
  }, [ask]);

  const focus = useCallback((lit: Highlight) => {
    showQueue.current = [];
    setHighlight(lit);
    setGeneration((g) => g + 1);
  }, []);

  const setAt = useCallback((next: number | null) => {
    const head = statusRef.current?.head ?? 0;
    setAtState(next === null || next >= head ? null : Math.max(0, next));
  }, []);

  // Looking back in time, the event stickies count what the branch held then.
  const [countsAt, setCountsAt] = useState<{ at: number; counts: StickyCount[] } | null>(null);
  const branch = status?.branch;
  useEffect(() => {
    if (at === null) return;
    let live = true;
    const events = board.elements.filter((e) => e.kind === 'Event');
    const timer = setTimeout(() => {
      void Promise.all(
        events.map(async (e): Promise<StickyCount> => {
          const answer = await send({ type: 'events', filter: { event_type: e.name, up_to: at }, offset: 0, limit: 1 });
          return { sticky: e.id, count: answer.type === 'events' ? answer.page.total : 0 };
        }),
      )
        .then((counts) => {
          if (live) setCountsAt({ at, counts });
        })
        .catch(() => {
          // The counts of the head stay shown.
        });
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [at, board.elements, branch, send]);
  const counts = useMemo(
    () => (at !== null && countsAt?.at === at ? countsAt.counts : (status?.event_counts ?? [])),
    [at, countsAt, status?.event_counts],
  );

  // The board's marks follow the run; the beat fits the chosen speed.
  useEffect(() => {
    marks.set({
      counts,
      highlight,
      generation,
      beatMs: beatMs(speedMs, highlight.beats),
      rejections,
      errors,
      chosen,
    });
  }, [chosen, counts, errors, generation, highlight, marks, rejections, speedMs]);

  return useMemo(
    () => ({
      status,
      loadError,
      send,
      ask,
      submit,
      player,
      speedMs,
      setSpeedMs,
      control,
      at,
      setAt,
      highlight,
      focus,
      recent,
      chosen,
      choose,
      marks,
      revision,
      newRun,
    }),
    [ask, at, chosen, control, focus, highlight, loadError, marks, newRun, player, recent, revision, send, setAt, speedMs, status, submit],
  );
}
