// What Run mode draws on the board's own stickies and arrows: counts,
// lights along a chain, a refusal, a script error. The board's node and
// edge components read their mark from this store by id, so a step redraws
// only the stickies whose mark changed, and Design mode (no store) draws
// exactly as it always did.

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Id, StickyCount } from '../api/generated';
import { arrowId, type Highlight } from './chain';

export interface StickyMark {
  /** Events of this event sticky in the branch seen. */
  count: number | null;
  /** The beat at which it lights, while a chain is shown. */
  beat: number | null;
  /** Handling the current message. */
  active: boolean;
  /** Why its last command was refused. */
  rejected: string | null;
  /** The script error of its last step, `file:line` first. */
  error: string | null;
  /** The command the launcher has open. */
  chosen: boolean;
  /** Changes with each new highlight, so its animation starts again. */
  generation: number;
  /** How long one beat lasts, in ms. */
  beatMs: number;
}

export interface ArrowMark {
  beat: number;
  generation: number;
  beatMs: number;
}

export interface MarkInput {
  counts: readonly StickyCount[];
  highlight: Highlight;
  generation: number;
  beatMs: number;
  rejections: ReadonlyMap<Id, string>;
  errors: ReadonlyMap<Id, string>;
  chosen: Id | null;
}

const sameSticky = (a: StickyMark, b: StickyMark) =>
  a.count === b.count &&
  a.beat === b.beat &&
  a.active === b.active &&
  a.rejected === b.rejected &&
  a.error === b.error &&
  a.chosen === b.chosen &&
  (a.beat === null || (a.generation === b.generation && a.beatMs === b.beatMs));

/** The marks of every sticky and arrow that has one. */
export function composeMarks(input: MarkInput): { stickies: Map<Id, StickyMark>; arrows: Map<string, ArrowMark> } {
  const stickies = new Map<Id, StickyMark>();
  const mark = (id: Id): StickyMark => {
    let m = stickies.get(id);
    if (!m) {
      m = { count: null, beat: null, active: false, rejected: null, error: null, chosen: false, generation: input.generation, beatMs: input.beatMs };
      stickies.set(id, m);
    }
    return m;
  };
  for (const c of input.counts) if (c.count > 0) mark(c.sticky).count = c.count;
  for (const [id, beat] of input.highlight.stickies) mark(id).beat = beat;
  if (input.highlight.active) mark(input.highlight.active).active = true;
  for (const [id, reason] of input.rejections) mark(id).rejected = reason;
  for (const [id, error] of input.errors) mark(id).error = error;
  if (input.chosen) mark(input.chosen).chosen = true;
  const arrows = new Map<string, ArrowMark>();
  for (const [id, beat] of input.highlight.edges) arrows.set(id, { beat, generation: input.generation, beatMs: input.beatMs });
  return { stickies, arrows };
}

/** Marks by id, read by each sticky and arrow; a mark that did not change keeps its object, so nothing redraws. */
export class MarkStore {
  private stickies = new Map<Id, StickyMark>();
  private arrows = new Map<string, ArrowMark>();
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  sticky = (id: Id): StickyMark | null => this.stickies.get(id) ?? null;
  /** Every sticky's mark; a new map after each change. */
  stickyMarks = (): ReadonlyMap<Id, StickyMark> => this.stickies;
  arrow = (id: string): ArrowMark | null => this.arrows.get(id) ?? null;

  set(input: MarkInput) {
    const next = composeMarks(input);
    for (const [id, m] of next.stickies) {
      const old = this.stickies.get(id);
      if (old && sameSticky(old, m)) next.stickies.set(id, old);
    }
    for (const [id, m] of next.arrows) {
      const old = this.arrows.get(id);
      if (old && old.beat === m.beat && old.generation === m.generation && old.beatMs === m.beatMs) next.arrows.set(id, old);
    }
    this.stickies = next.stickies;
    this.arrows = next.arrows;
    for (const l of this.listeners) l();
  }
}

/** Run mode's marks; null in Design mode. */
export const RunMarksContext = createContext<MarkStore | null>(null);

const never = () => () => {};
const none = () => null;

export function useStickyMark(id: Id): StickyMark | null {
  const store = useContext(RunMarksContext);
  return useSyncExternalStore(store?.subscribe ?? never, store ? () => store.sticky(id) : none);
}

/** Every sticky's mark, for the far view's canvas; null in Design mode. */
export function useStickyMarks(): ReadonlyMap<Id, StickyMark> | null {
  const store = useContext(RunMarksContext);
  return useSyncExternalStore(store?.subscribe ?? never, store ? store.stickyMarks : none);
}

export function useArrowMark(from: Id, to: Id): ArrowMark | null {
  const store = useContext(RunMarksContext);
  const id = arrowId(from, to);
  return useSyncExternalStore(store?.subscribe ?? never, store ? () => store.arrow(id) : none);
}
