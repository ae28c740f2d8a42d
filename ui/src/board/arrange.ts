// Align and distribute the selection: pure, from the boxes the canvas
// draws to the moves one `move_elements` sends (one undo step each).

import type { Id, Point } from '../api/generated';

export interface Box {
  id: Id;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Arrangement = 'left' | 'centre' | 'right' | 'top' | 'middle' | 'bottom' | 'across' | 'down';

export const ARRANGEMENTS: { kind: Arrangement; label: string; title: string }[] = [
  { kind: 'left', label: '⇤', title: 'Align left edges' },
  { kind: 'centre', label: '↔', title: 'Align centres, one above the other' },
  { kind: 'right', label: '⇥', title: 'Align right edges' },
  { kind: 'top', label: '⤒', title: 'Align top edges' },
  { kind: 'middle', label: '↕', title: 'Align middles, side by side' },
  { kind: 'bottom', label: '⤓', title: 'Align bottom edges' },
  { kind: 'across', label: '⋯', title: 'Distribute across: the same gap between each and the next' },
  { kind: 'down', label: '⋮', title: 'Distribute down: the same gap between each and the next' },
];

/** At least this many boxes for each arrangement to mean something. */
export const NEEDS: Record<Arrangement, number> = { left: 2, centre: 2, right: 2, top: 2, middle: 2, bottom: 2, across: 3, down: 3 };

/**
 * Where each box goes. Aligning lines the boxes up on the outermost one
 * (the leftmost left edge, the topmost top edge) or on the middle of their
 * extent; distributing keeps the first and the last where they are and
 * spaces the others so the gaps between neighbours are equal. Boxes that
 * would not move are left out.
 */
export function arrange(boxes: readonly Box[], how: Arrangement): { id: Id; position: Point }[] {
  if (boxes.length < NEEDS[how]) return [];
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const top = Math.min(...boxes.map((b) => b.y));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const place = (b: Box): Point => {
    switch (how) {
      case 'left':
        return { x: left, y: b.y };
      case 'centre':
        return { x: (left + right) / 2 - b.width / 2, y: b.y };
      case 'right':
        return { x: right - b.width, y: b.y };
      case 'top':
        return { x: b.x, y: top };
      case 'middle':
        return { x: b.x, y: (top + bottom) / 2 - b.height / 2 };
      case 'bottom':
        return { x: b.x, y: bottom - b.height };
      default:
        return { x: b.x, y: b.y };
    }
  };
  const placed =
    how === 'across' ? distribute(boxes, 'x', 'width') : how === 'down' ? distribute(boxes, 'y', 'height') : new Map(boxes.map((b) => [b.id, place(b)]));
  return boxes
    .map((b) => ({ id: b.id, position: round(placed.get(b.id) ?? b) }))
    .filter((m, i) => {
      const b = boxes[i];
      return b !== undefined && (m.position.x !== Math.round(b.x) || m.position.y !== Math.round(b.y));
    });
}

function distribute(boxes: readonly Box[], axis: 'x' | 'y', extent: 'width' | 'height'): Map<Id, Point> {
  // In the order they stand along the axis; ties keep the selection's order.
  const sorted = [...boxes].sort((a, b) => a[axis] - b[axis]);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const out = new Map<Id, Point>();
  if (!first || !last) return out;
  const span = last[axis] + last[extent] - first[axis];
  const filled = sorted.reduce((sum, b) => sum + b[extent], 0);
  const gap = (span - filled) / (sorted.length - 1);
  let at = first[axis];
  for (const b of sorted) {
    out.set(b.id, axis === 'x' ? { x: at, y: b.y } : { x: b.x, y: at });
    at += b[extent] + gap;
  }
  return out;
}

const round = (p: Point): Point => ({ x: Math.round(p.x), y: Math.round(p.y) });
