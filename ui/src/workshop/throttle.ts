// At most one call per interval, and always the latest value: a pointer
// moving at 120 Hz goes out ten times a second, and where it stopped is
// never lost.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttled<T> {
  /** Send `value` now if the interval has passed, or as the latest value once it has. */
  (value: T): void;
  /** Send what waits now. */
  flush(): void;
  /** Drop what waits. */
  cancel(): void;
}

export function throttle<T>(send: (value: T) => void, intervalMs: number, timers: Timers = realTimers): Throttled<T> {
  let last = -Infinity;
  let waiting: { value: T } | null = null;
  let timer: unknown = null;

  const fire = () => {
    timer = null;
    if (!waiting) return;
    const { value } = waiting;
    waiting = null;
    last = timers.now();
    send(value);
  };

  const throttled = ((value: T) => {
    waiting = { value };
    const since = timers.now() - last;
    if (since >= intervalMs) {
      if (timer !== null) timers.clearTimeout(timer);
      fire();
    } else if (timer === null) {
      timer = timers.setTimeout(fire, intervalMs - since);
    }
  }) as Throttled<T>;

  throttled.flush = () => {
    if (timer !== null) timers.clearTimeout(timer);
    fire();
  };
  throttled.cancel = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    waiting = null;
  };
  return throttled;
}
