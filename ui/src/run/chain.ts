// What lights up on the board: the stickies and arrows along a causal chain,
// each with its beat (the order in which it lights), from an event log row's
// chain or from a trace. Pure, so what a person sees is tested without a canvas.

import type { Board, ChainLink, Id, Kind, Trace } from '../api/generated';

/** Stickies and arrows (by edge id `from->to`) lit, each with the beat it lights at (0, 1, …). */
export interface Highlight {
  stickies: ReadonlyMap<Id, number>;
  edges: ReadonlyMap<string, number>;
  /** The sticky handling the message, drawn as the current one. */
  active: Id | null;
  /** How many beats the whole highlight takes. */
  beats: number;
}

export const noHighlight: Highlight = { stickies: new Map(), edges: new Map(), active: null, beats: 0 };

/** The board's arrows and who is who, looked up often while a run plays. */
export interface BoardIndex {
  kind(id: Id): Kind | undefined;
  name(id: Id): string | undefined;
  hasArrow(from: Id, to: Id): boolean;
  /** Stickies an arrow goes to from `id`. */
  targets(id: Id): Id[];
}

export const arrowId = (from: Id, to: Id) => `${from}->${to}`;

export function indexBoard(board: Board): BoardIndex {
  const elements = new Map(board.elements.map((e) => [e.id, e]));
  const arrows = new Set(board.connections.map((c) => arrowId(c.from, c.to)));
  const out = new Map<Id, Id[]>();
  for (const c of board.connections) out.set(c.from, [...(out.get(c.from) ?? []), c.to]);
  return {
    kind: (id) => elements.get(id)?.kind,
    name: (id) => elements.get(id)?.name,
    hasArrow: (from, to) => arrows.has(arrowId(from, to)),
    targets: (id) => out.get(id) ?? [],
  };
}

/** Builds a highlight beat by beat; a sticky or arrow keeps the first beat it lit at. */
class Lighting {
  readonly stickies = new Map<Id, number>();
  readonly edges = new Map<string, number>();
  beat = 0;

  constructor(private readonly board: BoardIndex) {}

  sticky(id: Id | null | undefined, beat = this.beat) {
    if (id && this.board.kind(id) !== undefined && !this.stickies.has(id)) this.stickies.set(id, beat);
  }

  /** The arrow between two stickies, when the board has one; lit with its target. */
  arrow(from: Id | null | undefined, to: Id | null | undefined, beat = this.beat) {
    if (!from || !to) return;
    const id = arrowId(from, to);
    if (this.board.hasArrow(from, to) && !this.edges.has(id)) this.edges.set(id, beat);
  }

  done(active: Id | null): Highlight {
    const last = Math.max(-1, ...this.stickies.values(), ...this.edges.values());
    return { stickies: this.stickies, edges: this.edges, active, beats: last + 1 };
  }
}

/**
 * The stickies from a user's command down to an event, in order: command,
 * its handler, event, policy, command, handler, …, the event itself.
 */
export function chainPath(chain: ChainLink[], event: Id | null): Id[] {
  const path: Id[] = [];
  const push = (id: Id | null | undefined) => {
    if (id && path[path.length - 1] !== id) path.push(id);
  };
  for (const link of chain) {
    if (link.kind === 'command') {
      push(link.sticky);
      push(link.handled_by);
    } else {
      push(link.sticky);
    }
  }
  push(event);
  return path;
}

/** A path lit one sticky per beat, with the arrows between neighbours that the board has. */
export function pathHighlight(path: Id[], board: BoardIndex): Highlight {
  const light = new Lighting(board);
  path.forEach((id, i) => {
    light.sticky(id, i);
    if (i > 0) light.arrow(path[i - 1], id, i);
  });
  return light.done(null);
}

/** The command sticky a policy issues a command through: the arrow from the policy to a command of that name. */
export function issuedSticky(board: BoardIndex, policy: Id, name: string): Id | null {
  return board.targets(policy).find((t) => board.kind(t) === 'Command' && board.name(t) === name) ?? null;
}

/**
 * One step as it lights: the command (after the policy that issued it),
 * its handler, the events it emitted, then the read models they changed
 * and the policies that reacted, then the commands those issued.
 */
export function traceHighlight(trace: Trace, board: BoardIndex): Highlight {
  const light = new Lighting(board);
  const command = trace.command.sticky.id;
  const handler = trace.handled_by?.id ?? null;
  if (trace.command.origin.by === 'policy') {
    const policy = trace.command.origin.policy.id;
    light.sticky(policy, 0);
    light.arrow(policy, command, 0);
  }
  light.sticky(command, 0);
  light.beat = 1;
  light.arrow(command, handler);
  light.sticky(handler);
  if (trace.events.length === 0) return light.done(handler ?? command);
  light.beat = 2;
  for (const e of trace.events) {
    light.arrow(e.emitted_by.id, e.sticky.id);
    light.sticky(e.sticky.id);
  }
  light.beat = 3;
  const events = trace.events.map((e) => e.sticky.id);
  for (const d of trace.documents) {
    const readModel = d.read_model.id;
    for (const e of events) light.arrow(e, readModel);
    light.sticky(readModel);
  }
  const byEventId = new Map(trace.events.map((e) => [e.event_id, e.sticky.id]));
  for (const issued of trace.issued) {
    light.beat = 3;
    const policy = issued.policy.id;
    light.arrow(byEventId.get(issued.event_id), policy);
    light.sticky(policy);
    light.beat = 4;
    const next = issuedSticky(board, policy, issued.name);
    light.arrow(policy, next);
    light.sticky(next);
  }
  return light.done(handler ?? command);
}

/** Highlights of several traces shown at once (a run to quiet), each sticky at its earliest beat. */
export function mergeHighlights(list: Highlight[]): Highlight {
  const stickies = new Map<Id, number>();
  const edges = new Map<string, number>();
  for (const h of list) {
    for (const [id, beat] of h.stickies) if (!stickies.has(id) || (stickies.get(id) ?? 0) > beat) stickies.set(id, beat);
    for (const [id, beat] of h.edges) if (!edges.has(id) || (edges.get(id) ?? 0) > beat) edges.set(id, beat);
  }
  const last = list[list.length - 1];
  return { stickies, edges, active: last?.active ?? null, beats: Math.max(0, ...list.map((h) => h.beats)) };
}

/** Where a step's script error belongs: the handler that failed, else the command. */
export function errorSticky(trace: Trace): Id {
  return trace.handled_by?.id ?? trace.command.sticky.id;
}

/** `bank_account.rhai:12:5` in a script error, for the sticky's short note. */
export function fileLine(error: string): string | null {
  const match = /([\w./-]+\.rhai):(\d+)(?::(\d+))?/.exec(error);
  return match ? `${match[1]?.split('/').pop() ?? ''}:${match[2]}` : null;
}

/**
 * A script error as a sticky has room for it: `bank_account.rhai:45 in
 * \`handle_ChangeOwner\`: Variable not found: x`, without the folders of
 * the file. A message with no script place is kept as it is.
 */
export function shortError(error: string): string {
  const place = fileLine(error);
  if (!place) return error;
  const rest = error.replace(/[\w./-]*\.rhai(?::\d+)*:?\s*/, '').trim();
  return rest ? `${place} ${rest}` : place;
}
