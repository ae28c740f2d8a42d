// Which mode a reload comes back to: a facilitator who reloads the page in
// the middle of a run stays in Run mode. Kept per tab (sessionStorage).

export type Mode = 'design' | 'run';

const KEY = 'squall.mode';

export function rememberedMode(storage: Pick<Storage, 'getItem'> | null = safeSession()): Mode {
  try {
    return storage?.getItem(KEY) === 'run' ? 'run' : 'design';
  } catch {
    return 'design';
  }
}

export function rememberMode(mode: Mode, storage: Pick<Storage, 'setItem'> | null = safeSession()): void {
  try {
    storage?.setItem(KEY, mode);
  } catch {
    // Storage refused: the next load starts in Design mode.
  }
}

function safeSession(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
