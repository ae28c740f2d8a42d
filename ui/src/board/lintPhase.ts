// Early in a workshop the team throws events on the board as fast as it
// can, and a lint that points at every policy without a command drowns
// that. "Big picture" keeps only the errors (what cannot run or load at
// all) until the team asks for the rest.
//
// Where the setting lives: the board file has no settings of its own, and
// this is a lens on the lint, not part of the model: `squall check` and CI
// keep reporting every finding. So it is kept in this browser, per board
// (by its file), which is what a facilitator expects: they switch it on at
// the screen the room is looking at, and it is still on when they open the
// board tomorrow; someone working the model over at their desk later, in
// their own browser, sees every finding as before.

import { useCallback, useState } from 'react';
import type { Report } from '../api/generated';

/** The lint as shown: in big picture, only its errors, and how many findings wait. */
export function phaseLint(report: Report, bigPicture: boolean): { report: Report; held: number } {
  if (!bigPicture) return { report, held: 0 };
  const diagnostics = report.diagnostics.filter((d) => d.severity === 'error');
  return { report: { ...report, diagnostics }, held: report.diagnostics.length - diagnostics.length };
}

/** The storage key of a board's setting: its file, or its name while it has none. */
export const bigPictureKey = (path: string | null, boardName: string) => `squall.big-picture:${path ?? `unsaved:${boardName}`}`;

function stored(key: string): boolean {
  try {
    return window.localStorage.getItem(key) === 'on';
  } catch {
    // Storage can be refused (a private window, a sandbox): the setting then lasts as long as the page.
    return false;
  }
}

/** The board's big-picture setting and its switch. */
export function useBigPicture(key: string): [boolean, (on: boolean) => void] {
  const [state, setState] = useState(() => ({ key, on: stored(key) }));
  // Another board opened in the same page reads its own setting.
  const on = state.key === key ? state.on : stored(key);
  if (state.key !== key) setState({ key, on });
  const set = useCallback(
    (next: boolean) => {
      setState({ key, on: next });
      try {
        if (next) window.localStorage.setItem(key, 'on');
        else window.localStorage.removeItem(key);
      } catch {
        // As above: kept for this page only.
      }
    },
    [key],
  );
  return [on, set];
}
