// Tidy up: lay a bounded context, or the whole board, out as a timeline
// from left to right with ELK's layered algorithm (elkjs), and turn the
// layout into one batch of edits, so one undo puts everything back.
//
// Pure apart from the layout function it is given: the app hands it ELK in
// a web worker (layoutEngine.ts), the tests ELK in the same thread.

import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Board, Connection, Element, Group, Id, Kind, Op, Point, Size } from '../api/generated';

export type Layout = (graph: ElkNode) => Promise<ElkNode>;

/** The board's grid: a tidied sticky sits on it, as a dragged one does. */
const GRID = 20;
/** Room around a tidied frame's stickies; the top leaves room for its title. */
export const FRAME_PADDING = { top: 80, left: 40, bottom: 40, right: 40 };
/** Between stickies of one step of the timeline, and between steps. Twice the grid, so snapping cannot make them touch. */
const NODE_GAP = 40;
const LAYER_GAP = 80;

/**
 * The layered algorithm, left to right, on graphs of one level (a frame's
 * stickies; frames and loose stickies): elkjs 0.12 lays nested graphs out
 * in one go only without the model-order options below.
 *
 * Where arrows go round in a loop (a policy issues a command to an
 * aggregate that recorded an earlier event), the arrow that goes back is
 * the one that goes back in the order the nodes are given (`timeline`), and
 * stickies of one step keep that order top down.
 */
export const LAYERED: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  'elk.spacing.nodeNode': String(NODE_GAP),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
  'elk.spacing.componentComponent': String(LAYER_GAP),
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
};

/** What to tidy: the frames named, each on its own; or, with none, the whole board. */
export interface Scope {
  frames: Id[];
}

/**
 * How a command is decided and what reacts, in the order it happens: who
 * asks, the command, who decides, what is recorded, then the policies and
 * read models that take it up. An arrow back down this order (a policy
 * issuing a command, a read model read by an actor) closes a loop.
 */
const STEP: Partial<Record<Kind, number>> = { Actor: 0, Command: 1, Aggregate: 2, ExternalSystem: 2, Event: 3, Policy: 4, ReadModel: 4 };

/**
 * The stickies in timeline order: left to right, then top down, as the
 * team drew them (and as the simulator reads reactions), except that along
 * an arrow that goes forward in STEP the earlier always comes first. So the
 * layout never puts an event before the aggregate that records it, a
 * command after its aggregate, or a policy before the event that triggers
 * it; which arrow of a loop goes back is the one the team drew going back.
 *
 * One aggregate sticky takes every command it handles, so all of them come
 * before all the events it records: a board of few aggregates reads as
 * columns (commands, aggregates, events, reactions) more than as one long
 * line of events.
 */
export function timeline(elements: readonly Element[], connections: readonly Connection[]): Element[] {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const before = new Map<Id, Id[]>();
  const waiting = new Map<Id, number>(elements.map((e) => [e.id, 0]));
  for (const c of connections) {
    const from = byId.get(c.from);
    const to = byId.get(c.to);
    const a = from && STEP[from.kind];
    const b = to && STEP[to.kind];
    if (from && to && a !== undefined && b !== undefined && a < b) {
      before.set(c.from, [...(before.get(c.from) ?? []), c.to]);
      waiting.set(c.to, (waiting.get(c.to) ?? 0) + 1);
    }
  }
  const ready = elements.filter((e) => waiting.get(e.id) === 0).sort(drawnOrder);
  const order: Element[] = [];
  while (ready.length > 0) {
    const next = ready.shift() as Element;
    order.push(next);
    for (const id of before.get(next.id) ?? []) {
      const left = (waiting.get(id) ?? 0) - 1;
      waiting.set(id, left);
      const e = byId.get(id);
      if (left === 0 && e) {
        // Kept sorted: the earliest drawn of what may come next goes next.
        const at = ready.findIndex((r) => drawnOrder(e, r) < 0);
        ready.splice(at < 0 ? ready.length : at, 0, e);
      }
    }
  }
  return order;
}

/** Left to right, then top down: the order a board is read in. */
function drawnOrder(a: { id: Id; position: Point }, b: { id: Id; position: Point }): number {
  return a.position.x - b.position.x || a.position.y - b.position.y || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const snap = (v: number) => Math.round(v / GRID) * GRID;
const snapUp = (v: number) => Math.ceil(v / GRID) * GRID;

/**
 * Which frame each sticky is laid out in: the first bounded context that
 * holds it, else the first swimlane (a sticky in two frames can be inside
 * only one of them once they no longer overlap).
 */
export function homes(board: Board): Map<Id, Id> {
  const home = new Map<Id, Id>();
  const ordered = [...board.groups.filter((g) => g.kind === 'BoundedContext'), ...board.groups.filter((g) => g.kind !== 'BoundedContext')];
  for (const g of ordered) for (const m of g.members) if (!home.has(m)) home.set(m, g.id);
  return home;
}

/** One level's graph: its boxes in timeline order, and the arrows between different boxes, once each. */
function graph(id: string, boxes: { id: Id; width: number; height: number }[], arrows: [Id, Id][]): ElkNode {
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const [from, to] of arrows) {
    const key = `${from}\u0000${to}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    edges.push({ id: `e${edges.length}`, sources: [from], targets: [to] });
  }
  return { id, layoutOptions: LAYERED, children: boxes, edges };
}

/** Some of the board's stickies as a graph of their own, with the arrows among them. */
export function stickyGraph(id: string, board: Board, members: ReadonlySet<Id>, sizeOf: (e: Element) => Size): ElkNode {
  const elements = board.elements.filter((e) => members.has(e.id));
  const connections = board.connections.filter((c) => members.has(c.from) && members.has(c.to));
  const boxes = timeline(elements, connections).map((e) => ({ id: e.id, ...sizeOf(e) }));
  return graph(id, boxes, connections.map((c) => [c.from, c.to]));
}

interface Placed {
  moves: { id: Id; position: Point }[];
  frames: { id: Id; position: Point; size: Size }[];
}

/** Where ELK put a graph's boxes, relative to `corner`, snapped to the grid. */
function placesIn(laid: ElkNode, corner: Point): Map<Id, Point> {
  return new Map((laid.children ?? []).map((c) => [c.id, { x: snap(corner.x + (c.x ?? 0)), y: snap(corner.y + (c.y ?? 0)) }]));
}

/** The frame around laid-out stickies: their extent, the padding, on the grid. */
function frameSize(laid: ElkNode): Size {
  return {
    width: snapUp(FRAME_PADDING.left + (laid.width ?? 0) + FRAME_PADDING.right),
    height: snapUp(FRAME_PADDING.top + (laid.height ?? 0) + FRAME_PADDING.bottom),
  };
}

/** The edits a tidy-up makes: stickies moved (frames not moved, so they carry nothing), then frames reshaped. */
export function tidyOps(placed: Placed): Op {
  const ops: Op[] = [];
  if (placed.moves.length > 0) ops.push({ type: 'move_elements', moves: placed.moves });
  for (const f of placed.frames) ops.push({ type: 'resize', id: f.id, size: f.size, position: f.position });
  return { type: 'batch', ops };
}

/** Each frame's stickies laid out inside it: the layout, and the frame's new size. */
async function layFrames(board: Board, frames: readonly Group[], home: ReadonlyMap<Id, Id> | null, sizeOf: (e: Element) => Size, layout: Layout) {
  const laid = new Map<Id, { graph: ElkNode; size: Size }>();
  for (const frame of frames) {
    const members = new Set(home ? [...home].filter(([, g]) => g === frame.id).map(([id]) => id) : frame.members);
    if (members.size === 0) continue;
    const graph = await layout(stickyGraph(frame.id, board, members, sizeOf));
    laid.set(frame.id, { graph, size: frameSize(graph) });
  }
  return laid;
}

/**
 * Lay out what `scope` names and return the one edit that puts it there.
 * A frame tidied on its own keeps its corner and takes the size its
 * stickies need. The whole board is laid out twice over: each frame's
 * stickies inside it, then the frames (as the boxes they have become) and
 * the stickies in no frame, by the arrows between them; the board keeps
 * its top-left corner.
 */
export async function tidy(board: Board, scope: Scope, sizeOf: (e: Element) => Size, layout: Layout): Promise<Op> {
  const placed: Placed = { moves: [], frames: [] };
  const putInside = (corner: Point, graph: ElkNode) => {
    const inner = { x: corner.x + FRAME_PADDING.left, y: corner.y + FRAME_PADDING.top };
    for (const [id, position] of placesIn(graph, inner)) placed.moves.push({ id, position });
  };

  const chosen = scope.frames.map((id) => board.groups.find((g) => g.id === id)).filter((g): g is Group => g !== undefined);
  if (chosen.length > 0) {
    const laid = await layFrames(board, chosen, null, sizeOf, layout);
    for (const frame of chosen) {
      const inside = laid.get(frame.id);
      if (!inside) continue;
      putInside(frame.position, inside.graph);
      placed.frames.push({ id: frame.id, position: frame.position, size: inside.size });
    }
    return tidyOps(placed);
  }

  const home = homes(board);
  const laid = await layFrames(board, board.groups, home, sizeOf, layout);
  // The top level: each frame as one box (its new size, or as it is if it holds nothing of its own), and the
  // stickies in no frame, in the order they were drawn; an arrow into a frame is an arrow to its box.
  const loose = board.elements.filter((e) => !home.has(e.id));
  const boxes = [
    ...board.groups.map((g) => ({ id: g.id, position: g.position, ...(laid.get(g.id)?.size ?? g.size) })),
    ...loose.map((e) => ({ id: e.id, position: e.position, ...sizeOf(e) })),
  ].sort(drawnOrder);
  const boxOf = (id: Id) => home.get(id) ?? id;
  const arrows = board.connections.map((c): [Id, Id] => [boxOf(c.from), boxOf(c.to)]);
  const top = await layout(graph('board', boxes.map(({ id, width, height }) => ({ id, width, height })), arrows));

  const corner = topLeft([...board.elements, ...board.groups]);
  const at = placesIn(top, { x: snap(corner.x), y: snap(corner.y) });
  for (const g of board.groups) {
    const position = at.get(g.id);
    if (!position) continue;
    const inside = laid.get(g.id);
    placed.frames.push({ id: g.id, position, size: inside?.size ?? g.size });
    if (inside) putInside(position, inside.graph);
  }
  for (const e of loose) {
    const position = at.get(e.id);
    if (position) placed.moves.push({ id: e.id, position });
  }
  return tidyOps(placed);
}

/** The top-left corner of what is laid out, so a tidied board stays where it was. */
function topLeft(items: readonly { position: Point }[]): Point {
  if (items.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...items.map((i) => i.position.x)), y: Math.min(...items.map((i) => i.position.y)) };
}

/** What a tidy-up acts on: the frames selected; with none, the whole board. */
export function tidyScope(board: Board, selected: readonly Id[]): Scope {
  return { frames: selected.filter((id) => board.groups.some((g) => g.id === id)) };
}
