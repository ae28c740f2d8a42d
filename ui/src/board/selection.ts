// Selection, clipboard, drag and search helpers: the board's pure logic
// between xyflow's events and the API's ops.

import type { NodeChange } from '@xyflow/react';
import type { Board, Connection, Element, Id, Point } from '../api/generated';

export function selectedIds(items: readonly { id: string; selected?: boolean }[]): string[] {
  return items.filter((i) => i.selected).map((i) => i.id);
}

/**
 * The moves to send when a drag ends. A frame takes its members along in the
 * backend, so a member dragged together with its frame is not moved twice.
 */
export function movesForDrag(board: Board, dragged: readonly { id: Id; position: Point }[]): { id: Id; position: Point }[] {
  const movedFrames = new Set(dragged.map((d) => d.id).filter((id) => board.groups.some((g) => g.id === id)));
  const carried = new Set<Id>();
  for (const g of board.groups) if (movedFrames.has(g.id)) for (const m of g.members) carried.add(m);
  return dragged.filter((d) => !carried.has(d.id)).map((d) => ({ id: d.id, position: d.position }));
}

/**
 * While a frame is dragged, its members follow on screen: for each frame
 * position change, the same shift for every member that is not itself being
 * dragged. `positions` are where nodes are drawn now.
 */
export function followFrames(
  board: Board,
  changes: NodeChange[],
  positions: ReadonlyMap<string, Point>,
): NodeChange[] {
  const extra: NodeChange[] = [];
  const moving = new Set(changes.filter((c) => c.type === 'position').map((c) => c.id));
  for (const change of changes) {
    if (change.type !== 'position' || !change.position) continue;
    const group = board.groups.find((g) => g.id === change.id);
    const was = positions.get(change.id);
    if (!group || !was) continue;
    const dx = change.position.x - was.x;
    const dy = change.position.y - was.y;
    if (dx === 0 && dy === 0) continue;
    for (const member of group.members) {
      const at = positions.get(member);
      if (!at || moving.has(member)) continue;
      extra.push({ type: 'position', id: member, position: { x: at.x + dx, y: at.y + dy }, dragging: true });
    }
  }
  return extra;
}

/** What Ctrl+C keeps: the selected elements and the arrows among them. */
export interface Clipboard {
  elements: Element[];
  connections: Connection[];
}

export function copySelection(board: Board, ids: readonly string[]): Clipboard | null {
  const chosen = new Set(ids);
  const elements = board.elements.filter((e) => chosen.has(e.id));
  if (elements.length === 0) return null;
  const connections = board.connections.filter((c) => chosen.has(c.from) && chosen.has(c.to));
  return { elements, connections };
}

/** Each paste of the same copy lands a step further, so copies do not stack exactly. */
export function pasteOffset(times: number): Point {
  const step = 40 * Math.max(1, times);
  return { x: step, y: step };
}

/** A copy held for pasting: how often it was pasted, and where the pointer was the last time. */
export interface HeldClip {
  clip: Clipboard;
  times: number;
  lastAt: Point | null;
}

const PASTE_GRID = 20;
const onGrid = (v: number) => Math.round(v / PASTE_GRID) * PASTE_GRID;

/**
 * Where the next paste lands, as the offset from the copied stickies. With
 * the pointer on the board they land centred under it (on the grid), and
 * pasted again without moving the pointer, a step further each time; with
 * the pointer elsewhere, or for a duplicate (`at` null), a step from the
 * originals as before.
 */
export function placePaste(held: HeldClip, at: Point | null): { offset: Point; held: HeldClip } {
  if (!at) {
    const times = held.times + 1;
    return { offset: pasteOffset(times), held: { ...held, times, lastAt: null } };
  }
  const same = held.lastAt !== null && Math.abs(held.lastAt.x - at.x) < 1 && Math.abs(held.lastAt.y - at.y) < 1;
  const times = same ? held.times + 1 : 1;
  const { elements } = held.clip;
  const left = Math.min(...elements.map((e) => e.position.x));
  const top = Math.min(...elements.map((e) => e.position.y));
  const right = Math.max(...elements.map((e) => e.position.x + e.size.width));
  const bottom = Math.max(...elements.map((e) => e.position.y + e.size.height));
  const step = 40 * (times - 1);
  const offset = { x: onGrid(at.x - (left + right) / 2) + step, y: onGrid(at.y - (top + bottom) / 2) + step };
  return { offset, held: { ...held, times, lastAt: at } };
}

/** The index of the next (or previous) search hit, wrapping around; -1 when there are none. */
export function nextHit(count: number, current: number, direction: 1 | -1): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}

/** Where the current hit is among new hits, or -1 when it is not one of them. */
export function keepHit(old: readonly { id: string }[], current: number, hits: readonly { id: string }[]): number {
  const id = old[current]?.id;
  return id === undefined ? -1 : hits.findIndex((h) => h.id === id);
}

/** Whether a key press is meant for a text field rather than the board. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as { tagName?: string; isContentEditable?: boolean };
  const tag = el.tagName?.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}

/** The board's file name for the title: the last part of the path, or the board's name if unsaved. */
export function fileLabel(path: string | null, boardName: string): string {
  if (!path) return boardName.length > 0 ? boardName : 'Untitled board';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

export function documentTitle(path: string | null, boardName: string, dirty: boolean): string {
  return `${dirty ? '● ' : ''}${fileLabel(path, boardName)} — Squall`;
}

/** Tags as typed in one box: comma-separated, `#` optional, no blanks or repeats. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().replace(/^#/, '').trim();
    if (tag.length > 0 && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}
