import { describe, expect, it } from 'vitest';
import { throttle, type Timers } from './throttle';

/** A clock the test moves by hand. */
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      seq += 1;
      pending.set(seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now) {
        pending.delete(id);
        t.fn();
      }
    }
  };
  return { timers, advance };
}

describe('throttle', () => {
  it('given a pointer moving every 10 ms for a second, sends about ten positions, the first at once', () => {
    const { timers, advance } = fakeTimers();
    const sent: number[] = [];
    const cursor = throttle((x: number) => sent.push(x), 100, timers);

    for (let t = 0; t < 1000; t += 10) {
      cursor(t);
      advance(10);
    }

    expect(sent[0]).toBe(0);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(11);
  });

  it('sends where the pointer stopped once the interval is over, not a stale position', () => {
    const { timers, advance } = fakeTimers();
    const sent: number[] = [];
    const cursor = throttle((x: number) => sent.push(x), 100, timers);

    cursor(1);
    cursor(2);
    cursor(3);
    expect(sent).toEqual([1]);
    advance(100);

    expect(sent).toEqual([1, 3]);
  });

  it('flush sends what waits now; cancel drops it', () => {
    const { timers, advance } = fakeTimers();
    const sent: string[] = [];
    const view = throttle((v: string) => sent.push(v), 100, timers);

    view('a');
    view('b');
    view.flush();
    expect(sent).toEqual(['a', 'b']);

    advance(10);
    view('c');
    view.cancel();
    advance(500);
    expect(sent).toEqual(['a', 'b']);
  });
});
