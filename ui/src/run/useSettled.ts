// A value that follows another once it has stopped changing for a while:
// panels that fetch again when the run changes wait for a playing run to
// pause, instead of asking after every step.

import { useEffect, useState } from 'react';
import type { RunView } from './useRun';

/** How long the run must stay still before the panels ask again. */
export const SETTLE_MS = 150;

export function useSettled<T>(value: T, ms = SETTLE_MS): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [ms, settled, value]);
  return settled;
}

/**
 * What an inspector panel asks the run with: the run's revision once a
 * playing run pauses, and the position the scrubber rests on (dragging it
 * passes many).
 */
export function useSettledRun(run: RunView): { send: RunView['send']; revision: RunView['revision']; at: RunView['at'] } {
  const revision = useSettled(run.revision);
  const at = useSettled(run.at, 100);
  return { send: run.send, revision, at };
}
