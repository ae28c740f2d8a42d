// The board as @xyflow/react nodes and edges. Pure: the same board, lint and
// view state always give the same nodes, so the mapping is tested alone.

import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import type { Board, Diagnostic, Element, Group, Id, Kind, KindInfo, Report, Severity } from '../api/generated';
import { arrowStyle, colourOf, sizeOf, type ArrowStyle, type Catalog } from './catalog';

export interface StickyData extends Record<string, unknown> {
  element: Element;
  info: KindInfo;
  colour: string;
  /** Diagnostics whose main element this is, most severe first. */
  problems: Diagnostic[];
  editing: boolean;
  /** A hit of the current search. */
  hit: boolean;
}

export interface FrameData extends Record<string, unknown> {
  group: Group;
}

export type StickyNode = Node<StickyData, Kind>;
export type FrameNode = Node<FrameData, 'frame'>;
export type BoardNode = StickyNode | FrameNode;

export interface ArrowData extends Record<string, unknown> {
  style: ArrowStyle;
  /** How the grammar reads the arrow aloud, for its tooltip. */
  reads: string | null;
}

export type ArrowEdge = Edge<ArrowData, 'arrow'>;

/** What the view adds to the board: what is selected, edited, found. */
export interface ViewState {
  selected: ReadonlySet<string>;
  editing: Id | null;
  hits: ReadonlySet<Id>;
}

export const emptyView: ViewState = { selected: new Set(), editing: null, hits: new Set() };

/** Frames sit this far behind stickies so they never cover them. */
const FRAME_Z = -10;

/** The edge dots' size in the stylesheet (`.sticky-handle`). */
const HANDLE = 9;

/**
 * The four edge dots of a sticky, one in the middle of each side (nodes.tsx
 * draws them). Declared here, xyflow knows where they are without drawing
 * and measuring the sticky first: otherwise it draws every sticky of the
 * board once on load, even with only the visible ones wanted, and draws no
 * arrow to a sticky that has never been on screen.
 */
export function sideHandles(width: number, height: number): NodeHandle[] {
  const half = HANDLE / 2;
  const handle = (position: Position, x: number, y: number): NodeHandle => ({
    id: position,
    type: 'source',
    position,
    x: x - half,
    y: y - half,
    width: HANDLE,
    height: HANDLE,
  });
  return [
    handle(Position.Top, width / 2, 0),
    handle(Position.Right, width, height / 2),
    handle(Position.Bottom, width / 2, height),
    handle(Position.Left, 0, height / 2),
  ];
}

export function problemsByElement(lint: Report): Map<Id, Diagnostic[]> {
  const byId = new Map<Id, Diagnostic[]>();
  for (const diagnostic of lint.diagnostics) {
    const main = diagnostic.elements[0];
    if (main === undefined) continue;
    const list = byId.get(main) ?? [];
    list.push(diagnostic);
    byId.set(main, list);
  }
  return byId;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The worst severity among diagnostics, for the badge's colour. */
export function worstSeverity(diagnostics: Diagnostic[]): Severity | null {
  let worst: Severity | null = null;
  for (const d of diagnostics) if (worst === null || RANK[d.severity] < RANK[worst]) worst = d.severity;
  return worst;
}

export function frameNode(group: Group, view: ViewState): FrameNode {
  return {
    id: group.id,
    type: 'frame',
    position: { x: group.position.x, y: group.position.y },
    width: group.size.width,
    height: group.size.height,
    measured: { width: group.size.width, height: group.size.height },
    // None, and known to be none: nothing to measure before drawing.
    handles: [],
    zIndex: FRAME_Z,
    selected: view.selected.has(group.id),
    // Only the title bar drags a frame: a drag inside it pans or selects as on the open board.
    dragHandle: '.frame-title',
    className: 'frame-node',
    data: { group },
  };
}

export function stickyNode(element: Element, catalog: Catalog, problems: Diagnostic[], view: ViewState): StickyNode {
  const info = catalog.info(element.kind);
  const size = sizeOf(element, info);
  return {
    id: element.id,
    type: element.kind,
    position: { x: element.position.x, y: element.position.y },
    width: size.width,
    height: size.height,
    // The size is known, so a rebuilt node counts as measured: xyflow then
    // keeps its handle positions, without which it draws no arrows.
    measured: { width: size.width, height: size.height },
    handles: sideHandles(size.width, size.height),
    selected: view.selected.has(element.id),
    className: `sticky-node kind-${element.kind}`,
    data: {
      element,
      info,
      colour: colourOf(element, info),
      problems,
      editing: view.editing === element.id,
      hit: view.hits.has(element.id),
    },
  };
}

/** Frames first (drawn behind), then stickies in board order. */
export function boardToNodes(board: Board, catalog: Catalog, lint: Report, view: ViewState): BoardNode[] {
  const problems = problemsByElement(lint);
  const frames: BoardNode[] = board.groups.map((g) => frameNode(g, view));
  const stickies: BoardNode[] = board.elements.map((e) => stickyNode(e, catalog, problems.get(e.id) ?? [], view));
  return frames.concat(stickies);
}

export const edgeId = (from: Id, to: Id): string => `${from}->${to}`;

export function boardToEdges(board: Board, catalog: Catalog, selected: ReadonlySet<string>): ArrowEdge[] {
  const kinds = new Map(board.elements.map((e) => [e.id, e.kind]));
  const edges: ArrowEdge[] = [];
  for (const c of board.connections) {
    const from = kinds.get(c.from);
    const to = kinds.get(c.to);
    // The backend never sends an arrow to nothing; skip one rather than crash the canvas.
    if (from === undefined || to === undefined) continue;
    const id = edgeId(c.from, c.to);
    const style = arrowStyle(catalog, from, to);
    const edge: ArrowEdge = {
      id,
      type: 'arrow',
      source: c.from,
      target: c.to,
      selected: selected.has(id),
      className: `arrow-${style}`,
      data: { style, reads: catalog.rule(from, to)?.reads ?? null },
    };
    if (c.label) edge.label = c.label;
    edges.push(edge);
  }
  return edges;
}
