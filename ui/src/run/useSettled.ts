// A value that follows another once it has stopped changing for a while:
// panels that fetch again when the run changes wait for a playing run to
// pause, instead of asking after every step.

import { useEffect, useState } from 'react';

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
