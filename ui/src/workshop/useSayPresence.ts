// What this page tells the others: where its pointer is on the board (in
// board coordinates, so every viewport draws it in the same place), what
// is selected, and what is in view. Pointer and view are throttled; the
// server pushes the room at most 20 times a second anyway.

import { useReactFlow, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import type { Point } from '../api/generated';
import type { Mode } from '../run/mode';
import type { PresenceChannel } from './channel';
import { throttle } from './throttle';

/** About ten pointer positions a second: smooth enough to follow, cheap for fifty people. */
export const CURSOR_MS = 100;
/** A presenter's view goes out as often as the server pushes, so followers keep up. */
const PRESENTING_VIEW_MS = 50;
const VIEW_MS = 150;

/** The selected stickies and frames as one string, so a selector's answer compares by value. */
const selectedKey = (s: ReactFlowState) =>
  s.nodes
    .filter((n) => n.selected)
    .map((n) => n.id)
    .join('\n');

export function useSayPresence(channel: PresenceChannel, mode: Mode, presenting: boolean): void {
  const flow = useReactFlow();
  const store = useStoreApi();
  const domNode = useStore((s) => s.domNode);
  const selected = useStore(selectedKey);

  const out = useMemo(
    () => ({
      cursor: throttle((cursor: Point | null) => channel.say({ cursor }), CURSOR_MS),
      view: throttle((view: { x: number; y: number; zoom: number; mode: Mode }) => channel.say({ view }), VIEW_MS),
      presentingView: throttle((view: { x: number; y: number; zoom: number; mode: Mode }) => channel.say({ view }), PRESENTING_VIEW_MS),
    }),
    [channel],
  );
  useEffect(
    () => () => {
      out.cursor.cancel();
      out.view.cancel();
      out.presentingView.cancel();
    },
    [out],
  );

  useEffect(() => {
    if (!domNode) return;
    const onMove = (e: PointerEvent) => {
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }, { snapToGrid: false });
      out.cursor({ x: Math.round(at.x), y: Math.round(at.y) });
    };
    const onLeave = () => {
      out.cursor.cancel();
      channel.say({ cursor: null });
    };
    domNode.addEventListener('pointermove', onMove);
    domNode.addEventListener('pointerleave', onLeave);
    return () => {
      domNode.removeEventListener('pointermove', onMove);
      domNode.removeEventListener('pointerleave', onLeave);
    };
  }, [channel, domNode, flow, out]);

  useEffect(() => {
    channel.say({ selection: selected === '' ? [] : selected.split('\n') });
  }, [channel, selected]);

  // The view as the canvas keeps it, and the mode beside it; at once when the mode or presenting changes.
  const sayView = useRef<(now: boolean) => void>(() => {});
  useEffect(() => {
    sayView.current = (now: boolean) => {
      const { x, y, zoom } = flow.getViewport();
      const send = presenting ? out.presentingView : out.view;
      send({ x, y, zoom, mode });
      if (now) send.flush();
    };
    sayView.current(true);
  }, [flow, mode, out, presenting]);
  useEffect(
    () =>
      store.subscribe((state, previous) => {
        if (state.transform !== previous.transform) sayView.current(false);
      }),
    [store],
  );
}
