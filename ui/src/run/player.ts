// Step, Play, Pause and Run to quiet as a state machine: what to ask the
// backend next, and whether to wait a beat first. Pure, so the controls'
// behaviour is tested without timers or a server; usePlayer runs it.

export type Busy = 'step' | 'quiet' | null;

export interface PlayerState {
  /** Play is on: after each step, another once the speed's pause is over. */
  playing: boolean;
  /** A request on its way; nothing else is sent until it is answered. */
  busy: Busy;
  /** Step was pressed while a request was on its way: one step follows its answer. */
  stepNext: boolean;
}

export type PlayerInput =
  | { type: 'step' }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'quiet' }
  /** The pause between two steps of Play is over. */
  | { type: 'tick' }
  /** The backend answered; `pending` commands still wait. */
  | { type: 'answered'; pending: number }
  | { type: 'failed' };

/** What the machine asks for: a request, a timer for the next tick, or nothing. */
export type PlayerEffect = 'step' | 'run_until_quiet' | 'wait' | null;

export const idle: PlayerState = { playing: false, busy: null, stepNext: false };

export function advance(state: PlayerState, input: PlayerInput, pending: number): { state: PlayerState; effect: PlayerEffect } {
  const stay = { state, effect: null };
  switch (input.type) {
    case 'step':
      // A step while playing pauses first: people step to look closely. Pressed while a
      // request is on its way, it is not lost: it follows the answer.
      if (state.busy) return { state: { ...state, playing: false, stepNext: true }, effect: null };
      if (pending === 0) return { state: { ...state, playing: false }, effect: null };
      return { state: { playing: false, busy: 'step', stepNext: false }, effect: 'step' };
    case 'play':
      if (state.busy) return { state: { ...state, playing: true, stepNext: false }, effect: null };
      if (pending === 0) return stay;
      return { state: { playing: true, busy: 'step', stepNext: false }, effect: 'step' };
    case 'tick':
      if (!state.playing || state.busy) return stay;
      if (pending === 0) return { state: idle, effect: null };
      return { state: { playing: true, busy: 'step', stepNext: false }, effect: 'step' };
    case 'pause':
      return { state: { ...state, playing: false, stepNext: false }, effect: null };
    case 'quiet':
      if (state.busy === 'quiet') return stay;
      if (state.busy) return { state: { ...state, playing: false, stepNext: false }, effect: null };
      if (pending === 0) return stay;
      return { state: { playing: false, busy: 'quiet', stepNext: false }, effect: 'run_until_quiet' };
    case 'answered': {
      if (state.stepNext && input.pending > 0) return { state: { playing: false, busy: 'step', stepNext: false }, effect: 'step' };
      const playing = state.playing && input.pending > 0;
      return { state: { playing, busy: null, stepNext: false }, effect: playing ? 'wait' : null };
    }
    case 'failed':
      return { state: idle, effect: null };
  }
}

/** Play's speeds: the pause between two steps, in ms. */
export const SPEEDS = [
  { label: 'Slow', ms: 1600 },
  { label: 'Normal', ms: 800 },
  { label: 'Fast', ms: 300 },
  { label: 'Fastest', ms: 60 },
] as const;

/** How long one beat of a step's highlight lasts, so a step's lights fit in the pause before the next. */
export function beatMs(speedMs: number, beats: number): number {
  return Math.max(20, Math.min(260, Math.floor(speedMs / Math.max(1, beats + 1))));
}
