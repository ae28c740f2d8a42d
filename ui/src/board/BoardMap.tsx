// The small map of the whole board in the corner, with the part in view
// outlined. xyflow's own minimap keeps an element and a store subscription
// per sticky and draws only what xyflow holds, which from far is the frames
// alone; this one paints the board's cards on a canvas when the board
// changes, and moves the outline as the view moves, nothing else.

import { getNodesBounds, Panel, useReactFlow, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { Rect } from './geometry';
import type { BoardNode, StickyData } from './mapping';

const WIDTH = 200;
const HEIGHT = 150;
/** Room around the board inside the map, in map pixels. */
const MARGIN = 6;

/** Where the board's bounds go in the map: a scale and an offset, the board centred. */
export function mapFrame(bounds: Rect, width = WIDTH, height = HEIGHT) {
  const scale = Math.min((width - 2 * MARGIN) / Math.max(bounds.width, 1), (height - 2 * MARGIN) / Math.max(bounds.height, 1));
  return {
    scale,
    x: (width - bounds.width * scale) / 2 - bounds.x * scale,
    y: (height - bounds.height * scale) / 2 - bounds.y * scale,
  };
}

type Frame = ReturnType<typeof mapFrame>;

function paintMap(canvas: HTMLCanvasElement, nodes: readonly BoardNode[], frame: Frame) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio * frame.scale, 0, 0, ratio * frame.scale, ratio * frame.x, ratio * frame.y);
  ctx.lineWidth = 1 / frame.scale;
  for (const n of nodes) {
    const [x, y, w, h] = [n.position.x, n.position.y, n.width ?? 0, n.height ?? 0];
    if (n.type === 'frame') {
      ctx.fillStyle = 'rgba(120,130,180,0.15)';
      ctx.strokeStyle = '#7986cb';
      ctx.fillRect(x, y, w, h);
      ctx.strokeRect(x, y, w, h);
    } else {
      ctx.fillStyle = (n.data as StickyData).colour;
      ctx.fillRect(x, y, w, h);
    }
  }
}

export function BoardMap({ nodes }: { nodes: readonly BoardNode[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const outline = useRef<HTMLDivElement>(null);
  const store = useStoreApi();
  const flow = useReactFlow();
  const frame = useMemo(() => mapFrame(nodes.length > 0 ? getNodesBounds(nodes as BoardNode[]) : { x: 0, y: 0, width: 1, height: 1 }), [nodes]);

  useEffect(() => {
    if (canvas.current) paintMap(canvas.current, nodes, frame);
  }, [frame, nodes]);

  useEffect(() => {
    const place = (s: ReactFlowState) => {
      const el = outline.current;
      if (!el) return;
      const [tx, ty, zoom] = s.transform;
      const left = (-tx / zoom) * frame.scale + frame.x;
      const top = (-ty / zoom) * frame.scale + frame.y;
      el.style.transform = `translate(${left}px, ${top}px)`;
      el.style.width = `${(s.width / zoom) * frame.scale}px`;
      el.style.height = `${(s.height / zoom) * frame.scale}px`;
    };
    place(store.getState());
    return store.subscribe((s, before) => {
      if (s.transform !== before.transform || s.width !== before.width || s.height !== before.height) place(s);
    });
  }, [frame, store]);

  /** A press or a drag on the map brings that part of the board into view. */
  const goTo = (e: ReactPointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - box.left - frame.x) / frame.scale;
    const y = (e.clientY - box.top - frame.y) / frame.scale;
    void flow.setCenter(x, y, { zoom: flow.getZoom() });
  };

  return (
    <Panel position="bottom-right" className="board-map">
      <div
        className="board-map-area"
        style={{ width: WIDTH, height: HEIGHT }}
        role="img"
        aria-label="Map of the whole board"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          goTo(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) goTo(e);
        }}
      >
        <canvas ref={canvas} style={{ width: WIDTH, height: HEIGHT }} />
        <div ref={outline} className="board-map-view" />
      </div>
    </Panel>
  );
}
