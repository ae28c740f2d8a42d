// How far out the board is seen. Below FAR_ZOOM a sticky's text is a few
// pixels high and nobody reads it: the stickies are painted as plain
// coloured cards then (FarCanvas), so a board of thousands stays quick to
// show, pan and zoom.

import type { ReactFlowState } from '@xyflow/react';

export const FAR_ZOOM = 0.45;

/**
 * Boards with fewer stickies than this are drawn as themselves at any zoom:
 * the page draws a few hundred stickies quickly enough, and a small board
 * fitted to a small window stays readable a little further out.
 */
export const FAR_STICKIES = 300;

/** Whether the board is seen from far (a selector for xyflow's store). */
export const seenFromFar = (s: ReactFlowState): boolean => s.transform[2] < FAR_ZOOM;

/**
 * Below this zoom a sticky's details (its kind, fields, key, tags: 10–11 px
 * text) are under 8 px on screen, so stickies show only their names, written
 * as large as the sticky allows (nameFit.ts).
 */
export const DETAIL_ZOOM = 0.75;

/** Whether the board is close enough to read stickies' details (a selector for xyflow's store). */
export const showsDetails = (s: ReactFlowState): boolean => s.transform[2] >= DETAIL_ZOOM;

/**
 * Below this zoom a frame's title grows, to stay about as large on screen
 * (15 px × 1.2: a bounded context's name reads at 18 px or so from far, a
 * little larger than the stickies' names).
 */
export const TITLE_ZOOM = 1.2;

/**
 * How much a frame's title grows so it stays readable from far: 1 up close,
 * about TITLE_ZOOM/zoom further out, in half steps so frames redraw only now
 * and then while the wheel turns, and never wider than the frame (`room`:
 * how many times the title's text fits across it).
 */
export function titleScale(zoom: number, room = Infinity): number {
  if (zoom >= TITLE_ZOOM) return 1;
  const wanted = Math.round((TITLE_ZOOM / Math.max(zoom, 0.01)) * 2) / 2;
  return Math.max(1, Math.min(wanted, Math.floor(room * 2) / 2));
}
