// Plane geometry of the board: where arrows meet stickies, which frame a
// point lies in.

import type { Board, Id, Point } from '../api/generated';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const centre = (r: Rect): Point => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });

/**
 * Where the line from the rectangle's centre towards `towards` leaves the
 * rectangle: arrows start and end on a sticky's border, not its centre.
 */
export function borderPoint(r: Rect, towards: Point): Point {
  const c = centre(r);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const tx = dx === 0 ? Infinity : r.width / 2 / Math.abs(dx);
  const ty = dy === 0 ? Infinity : r.height / 2 / Math.abs(dy);
  const t = Math.min(tx, ty);
  return { x: c.x + dx * t, y: c.y + dy * t };
}

/** The two ends of an arrow between two stickies. */
export function arrowEnds(from: Rect, to: Rect): { start: Point; end: Point } {
  return { start: borderPoint(from, centre(to)), end: borderPoint(to, centre(from)) };
}

export const contains = (r: Rect, p: Point): boolean =>
  p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

/** The smallest frame that contains the point: where a new sticky belongs. */
export function groupAt(board: Board, p: Point): Id | null {
  let best: { id: Id; area: number } | null = null;
  for (const g of board.groups) {
    const rect = { ...g.position, ...g.size };
    if (!contains(rect, p)) continue;
    const area = g.size.width * g.size.height;
    if (!best || area < best.area) best = { id: g.id, area };
  }
  return best?.id ?? null;
}
