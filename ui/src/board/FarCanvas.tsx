// The board seen from far, painted on one canvas. Below FAR_ZOOM a sticky's
// text is a few pixels high; drawing thousands of stickies and arrows as
// page elements then costs more than the browser can do sixty times a
// second. So the editor hands xyflow only the frames and the stickies being
// worked on (selected, renamed), and this canvas paints the rest as
// coloured cards and lines, again on every pan and zoom: only what is in
// view, a few milliseconds for thousands.

import { useStoreApi, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import type { Id, Severity } from '../api/generated';
import { useStickyMarks, type StickyMark } from '../run/marks';
import { strokeOf } from './ArrowEdge';
import { arrowEnds, type Rect } from './geometry';
import { worstSeverity, type ArrowEdge, type BoardNode } from './mapping';

/** What Run mode says of a sticky, as far as a card can show it: the worst first. */
export type CardMark = 'error' | 'rejected' | 'active' | 'counted' | null;

export interface Card extends Rect {
  colour: string;
  hit: boolean;
  badge: Severity | null;
  mark: CardMark;
}

function cardMark(mark: StickyMark | undefined): CardMark {
  if (!mark) return null;
  if (mark.error) return 'error';
  if (mark.rejected) return 'rejected';
  if (mark.active || mark.beat !== null) return 'active';
  if (mark.count !== null) return 'counted';
  return null;
}

export interface Line {
  from: { x: number; y: number };
  to: { x: number; y: number };
  colour: string;
  dash: number[];
}

export interface Scene {
  cards: Card[];
  lines: Line[];
}

const BADGE: Partial<Record<Severity, string>> = { error: '#cf222e', warning: '#bf8700' };
/** Run mode's outlines, as the stickies' own marks colour them: a script error, a refusal (dashed), the step under way. */
const MARK_OUTLINE: Partial<Record<NonNullable<CardMark>, string>> = { error: '#82071e', rejected: '#d1242f', active: '#f59f00' };

const rectOf = (n: BoardNode): Rect => ({ x: n.position.x, y: n.position.y, width: n.width ?? 0, height: n.height ?? 0 });

/**
 * What to paint: every sticky xyflow does not draw itself (`drawn`), with
 * its Run mode mark if `marks` has one, and every arrow, from border to
 * border as ArrowEdge draws it.
 */
export function scene(
  nodes: readonly BoardNode[],
  edges: readonly ArrowEdge[],
  drawn: ReadonlySet<string>,
  marks: ReadonlyMap<Id, StickyMark> | null = null,
): Scene {
  const rects = new Map<string, Rect>();
  const cards: Card[] = [];
  for (const n of nodes) {
    if (n.type === 'frame') continue;
    const rect = rectOf(n);
    rects.set(n.id, rect);
    if (drawn.has(n.id)) continue;
    const { colour, hit, problems } = n.data as { colour: string; hit: boolean; problems: Parameters<typeof worstSeverity>[0] };
    const worst = worstSeverity(problems);
    const badge = worst === 'error' || worst === 'warning' ? worst : null;
    cards.push({ ...rect, colour, hit, badge, mark: cardMark(marks?.get(n.id)) });
  }
  const lines: Line[] = [];
  for (const e of edges) {
    const a = rects.get(e.source);
    const b = rects.get(e.target);
    if (!a || !b) continue;
    const { start, end } = arrowEnds(a, b);
    const stroke = strokeOf(e.data?.style, e.selected ?? false);
    const dash = typeof stroke.strokeDasharray === 'string' ? stroke.strokeDasharray.split(' ').map(Number) : [];
    lines.push({ from: start, to: end, colour: String(stroke.stroke), dash });
  }
  return { cards, lines };
}

const overlaps = (r: Rect, view: Rect) =>
  r.x < view.x + view.width && r.x + r.width > view.x && r.y < view.y + view.height && r.y + r.height > view.y;

/** Paint the part of the scene in view; `transform` is xyflow's [x, y, zoom]. */
export function paint(canvas: HTMLCanvasElement, s: Scene, transform: ReactFlowState['transform'], width: number, height: number) {
  const ratio = window.devicePixelRatio || 1;
  const pixels = { width: Math.round(width * ratio), height: Math.round(height * ratio) };
  if (canvas.width !== pixels.width || canvas.height !== pixels.height) {
    canvas.width = pixels.width;
    canvas.height = pixels.height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const [tx, ty, zoom] = transform;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
  const view: Rect = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };

  // Arrows first, under the cards, one stroke per look.
  ctx.lineWidth = 1.2 / zoom;
  const looks = new Map<string, Line[]>();
  for (const line of s.lines) {
    const box = {
      x: Math.min(line.from.x, line.to.x),
      y: Math.min(line.from.y, line.to.y),
      width: Math.abs(line.to.x - line.from.x) + 1,
      height: Math.abs(line.to.y - line.from.y) + 1,
    };
    if (!overlaps(box, view)) continue;
    const key = `${line.colour}|${line.dash.join(' ')}`;
    const group = looks.get(key) ?? [];
    group.push(line);
    looks.set(key, group);
  }
  for (const group of looks.values()) {
    const first = group[0];
    if (!first) continue;
    ctx.strokeStyle = first.colour;
    ctx.setLineDash(first.dash.map((d) => d / zoom));
    ctx.beginPath();
    for (const line of group) {
      ctx.moveTo(line.from.x, line.from.y);
      ctx.lineTo(line.to.x, line.to.y);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);

  let painted = 0;
  const marked: Record<string, number> = {};
  for (const card of s.cards) {
    if (!overlaps(card, view)) continue;
    painted += 1;
    if (card.mark) marked[card.mark] = (marked[card.mark] ?? 0) + 1;
    ctx.fillStyle = card.colour;
    ctx.fillRect(card.x, card.y, card.width, card.height);
    if (card.mark === 'counted') {
      // Events recorded: a dark foot, as the sticky's count sits at its bottom.
      ctx.fillStyle = 'rgb(0 0 0 / 30%)';
      ctx.fillRect(card.x, card.y + card.height * 0.8, card.width, card.height * 0.2);
    }
    const outline = card.hit ? '#e8590c' : card.mark ? MARK_OUTLINE[card.mark] : undefined;
    if (outline) {
      ctx.strokeStyle = outline;
      ctx.lineWidth = 3 / zoom;
      ctx.setLineDash(card.mark === 'rejected' && !card.hit ? [6 / zoom, 4 / zoom] : []);
      ctx.strokeRect(card.x, card.y, card.width, card.height);
      ctx.setLineDash([]);
    }
    const badge = card.badge ? BADGE[card.badge] : undefined;
    if (badge) {
      // As large on screen as the sticky's own badge, but never larger than the card.
      const radius = Math.min(6 / zoom, card.width / 4);
      ctx.fillStyle = badge;
      ctx.beginPath();
      ctx.arc(card.x + card.width - radius, card.y + radius, radius, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  // How many stickies the canvas shows, and with which Run mode marks, for tests and the curious.
  canvas.dataset.cards = String(painted);
  canvas.dataset.marks = Object.entries(marked)
    .map(([mark, n]) => `${mark}:${n}`)
    .join(' ');
}

/** The canvas, repainted whenever the view or the scene changes. */
export function FarCanvas({ nodes, edges, drawn }: { nodes: readonly BoardNode[]; edges: readonly ArrowEdge[]; drawn: ReadonlySet<string> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const marks = useStickyMarks();
  const painted = useMemo(() => scene(nodes, edges, drawn, marks), [nodes, edges, drawn, marks]);
  useEffect(() => {
    const repaint = (s: ReactFlowState) => {
      if (canvas.current) paint(canvas.current, painted, s.transform, s.width, s.height);
    };
    repaint(store.getState());
    // Painted as the view changes, in the same frame as xyflow moves the frames.
    return store.subscribe((s, before) => {
      if (s.transform !== before.transform || s.width !== before.width || s.height !== before.height) repaint(s);
    });
  }, [painted, store]);
  return <canvas ref={canvas} className="far-canvas" aria-hidden="true" />;
}
