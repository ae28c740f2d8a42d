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

/** The sticky drawn on top at a point, if any: the last one in drawing order. */
export function stickyAt(nodes: readonly { id: string; type?: string; position: Point; width?: number; height?: number }[], p: Point): Id | null {
  for (let i = nodes.length - 1; i >= 0; i -= 1) {
    const n = nodes[i];
    if (!n || n.type === 'frame') continue;
    if (contains({ ...n.position, width: n.width ?? 0, height: n.height ?? 0 }, p)) return n.id;
  }
  return null;
}

/** Room left around the stickies a new frame is drawn around, and above them for its title. */
const FRAME_MARGIN = 40;

/**
 * Where a new frame goes: around the given stickies with a margin, snapped
 * outwards to the grid, or a default-sized frame centred on `centre`.
 */
export function frameAround(
  members: readonly { position: Point; width?: number; height?: number }[],
  centre: Point,
  grid = 20,
): { position: Point; size: { width: number; height: number } } {
  if (members.length === 0) {
    const size = { width: 600, height: 400 };
    return { position: { x: Math.round((centre.x - 300) / grid) * grid, y: Math.round((centre.y - 200) / grid) * grid }, size };
  }
  const left = Math.min(...members.map((m) => m.position.x)) - FRAME_MARGIN;
  const top = Math.min(...members.map((m) => m.position.y)) - FRAME_MARGIN;
  const right = Math.max(...members.map((m) => m.position.x + (m.width ?? 0))) + FRAME_MARGIN;
  const bottom = Math.max(...members.map((m) => m.position.y + (m.height ?? 0))) + FRAME_MARGIN;
  const x = Math.floor(left / grid) * grid;
  const y = Math.floor(top / grid) * grid;
  return {
    position: { x, y },
    size: { width: Math.ceil((right - x) / grid) * grid, height: Math.ceil((bottom - y) / grid) * grid },
  };
}
