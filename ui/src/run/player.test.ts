import { describe, expect, it } from 'vitest';
import { advance, beatMs, idle, type PlayerInput, type PlayerState } from './player';

/** Feed inputs with the queue's length at each; the effects asked for. */
function play(inputs: [PlayerInput, number][], from: PlayerState = idle) {
  let state = from;
  const effects: string[] = [];
  for (const [input, pending] of inputs) {
    const next = advance(state, input, pending);
    state = next.state;
    if (next.effect) effects.push(next.effect);
  }
  return { state, effects };
}

describe('the run controls', () => {
  it('Step asks for one step and waits for its answer', () => {
    const { state, effects } = play([
      [{ type: 'step' }, 3],
      [{ type: 'step' }, 3],
    ]);
    expect(effects).toEqual(['step']);
    expect(state).toMatchObject({ playing: false, busy: 'step' });
  });

  it('Step pressed while a step is on its way follows its answer, and pauses Play', () => {
    const { state, effects } = play([
      [{ type: 'play' }, 3],
      [{ type: 'step' }, 3],
      [{ type: 'answered', pending: 2 }, 2],
      [{ type: 'answered', pending: 1 }, 1],
      [{ type: 'tick' }, 1],
    ]);
    expect(effects).toEqual(['step', 'step']);
    expect(state).toEqual(idle);
  });

  it('Step does nothing with an empty queue', () => {
    expect(play([[{ type: 'step' }, 0]]).effects).toEqual([]);
  });

  it('Play steps, pauses a beat, steps again, and stops when the queue is empty', () => {
    const { state, effects } = play([
      [{ type: 'play' }, 2],
      [{ type: 'answered', pending: 1 }, 1],
      [{ type: 'tick' }, 1],
      [{ type: 'answered', pending: 0 }, 0],
    ]);
    expect(effects).toEqual(['step', 'wait', 'step']);
    expect(state).toEqual(idle);
  });

  it('Pause lets the step on its way finish and asks for no more', () => {
    const { state, effects } = play([
      [{ type: 'play' }, 5],
      [{ type: 'pause' }, 5],
      [{ type: 'answered', pending: 4 }, 4],
      [{ type: 'tick' }, 4],
    ]);
    expect(effects).toEqual(['step']);
    expect(state).toEqual(idle);
  });

  it('Step while playing pauses, then steps once', () => {
    const { state, effects } = play([
      [{ type: 'play' }, 5],
      [{ type: 'answered', pending: 4 }, 4],
      [{ type: 'step' }, 4],
      [{ type: 'tick' }, 3],
    ]);
    expect(effects).toEqual(['step', 'wait', 'step']);
    expect(state.playing).toBe(false);
  });

  it('Run to quiet asks once and stops playing', () => {
    const { state, effects } = play([
      [{ type: 'quiet' }, 4],
      [{ type: 'quiet' }, 4],
      [{ type: 'answered', pending: 0 }, 0],
    ]);
    expect(effects).toEqual(['run_until_quiet']);
    expect(state).toEqual(idle);
  });

  it('a failure stops everything', () => {
    expect(play([[{ type: 'play' }, 2], [{ type: 'failed' }, 2]]).state).toEqual(idle);
  });

  it('fits a step’s beats in the pause before the next', () => {
    expect(beatMs(800, 4)).toBe(160);
    expect(beatMs(60, 4)).toBe(20);
    expect(beatMs(1600, 1)).toBe(260);
  });
});
