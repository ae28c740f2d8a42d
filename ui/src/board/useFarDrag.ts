// From far, stickies are painted on a canvas (FarCanvas), so xyflow cannot
// drag them: a press there would pan the board. This hook gives a painted
// sticky the same gesture as a drawn one: press on it, drag, release. The
// sticky is selected (and so drawn as itself) as soon as it moves, follows
// the pointer on the grid, and the move is saved like any other drag.

import type { NodeChange, ReactFlowInstance } from '@xyflow/react';
import { useCallback, type PointerEvent as ReactPointerEvent } from 'react';
import type { Point } from '../api/generated';
import { stickyAt } from './geometry';
import type { ArrowEdge, BoardNode } from './mapping';

/** How far the pointer travels, in screen pixels, before a press becomes a drag. */
export const DRAG_THRESHOLD = 4;

/** Where a sticky that started at `from` goes when the pointer moves from `pressed` to `now` (flow coordinates), on the grid. */
export function dragged(from: Point, pressed: Point, now: Point, grid: number): Point {
  const snap = (v: number) => Math.round(v / grid) * grid;
  return { x: snap(from.x + now.x - pressed.x), y: snap(from.y + now.y - pressed.y) };
}

interface FarDrag {
  far: boolean;
  nodes: readonly BoardNode[];
  flow: ReactFlowInstance<BoardNode, ArrowEdge>;
  grid: number;
  select: (ids: ReadonlySet<string>) => void;
  onNodesChange: (changes: NodeChange<BoardNode>[]) => void;
  /** The drag is over: save where the sticky went. */
  onDragStop: (moved: { id: string; position: Point }[]) => void;
}

/** A capture-phase pointer-down handler for the canvas around the board. */
export function useFarDrag({ far, nodes, flow, grid, select, onNodesChange, onDragStop }: FarDrag) {
  return useCallback(
    (e: ReactPointerEvent) => {
      if (!far || e.button !== 0 || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return;
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const pressed = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const id = stickyAt(nodes, pressed);
      const node = id ? nodes.find((n) => n.id === id) : undefined;
      if (!id || !node) return;
      // The press belongs to the sticky: without the mouse events it sends
      // after this one, the pane does not start panning. The click still
      // comes, and selects the sticky as a click from far does.
      e.preventDefault();
      const screen = { x: e.clientX, y: e.clientY };
      const from = node.position;
      let moving = false;
      let position = from;

      const move = (m: PointerEvent) => {
        if (!moving && Math.hypot(m.clientX - screen.x, m.clientY - screen.y) < DRAG_THRESHOLD) return;
        if (!moving) {
          moving = true;
          select(new Set([id]));
        }
        position = dragged(from, pressed, flow.screenToFlowPosition({ x: m.clientX, y: m.clientY }), grid);
        onNodesChange([{ type: 'position', id, position, dragging: true }]);
      };
      const end = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', end);
        window.removeEventListener('pointercancel', end);
        if (!moving) return;
        onNodesChange([{ type: 'position', id, position, dragging: false }]);
        onDragStop([{ id, position }]);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', end);
      window.addEventListener('pointercancel', end);
    },
    [far, flow, grid, nodes, onDragStop, onNodesChange, select],
  );
}
