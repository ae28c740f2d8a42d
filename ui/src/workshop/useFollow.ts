// Following the presenter: while the facilitator presents, this canvas
// shows their viewport and mode. Panning or zooming by hand (wheel, a drag
// of the open board, the zoom buttons) or switching modes stops following;
// a programmatic move (fitting the board after a mode switch) is undone, so
// the view stays the presenter's.

import { useReactFlow, useStore, useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Participant, View } from '../api/generated';
import type { Mode } from '../run/mode';
import { asMode, followTarget, NOT_FOLLOWING, presenterOf, seePresenter, sameViewport, setFollowing, type Follow } from './follow';

/** How far, in screen pixels, a press on the open board travels before it is a pan. */
const PAN_THRESHOLD = 4;

export interface Following {
  presenter: Participant | null;
  following: boolean;
  setFollowing(following: boolean): void;
}

export function useFollow(participants: readonly Participant[], me: string | null, mode: Mode, onMode: (mode: Mode) => void): Following {
  const flow = useReactFlow();
  const store = useStoreApi();
  const domNode = useStore((s) => s.domNode);
  const presenter = presenterOf(participants, me);
  const [follow, setFollow] = useState<Follow>(NOT_FOLLOWING);
  const seen = seePresenter(follow, presenter?.id ?? null);
  if (seen !== follow) setFollow(seen);
  const target = followTarget(presenter, seen);

  // Read by listeners outside React's render: the latest target, and whether a hand gesture already stopped following.
  const targetRef = useRef<View | null>(null);
  useEffect(() => {
    targetRef.current = target;
  });

  const stop = useCallback(() => {
    targetRef.current = null;
    setFollow((f) => setFollowing(f, false));
  }, [setFollow]);
  const setFollowingTo = useCallback((following: boolean) => setFollow((f) => setFollowing(f, following)), [setFollow]);

  // Apply the presenter's mode and viewport; a mode switched by hand while following stops following.
  const last = useRef<{ mode: Mode; wanted: Mode | null }>({ mode, wanted: null });
  const tx = target?.x;
  const ty = target?.y;
  const tzoom = target?.zoom;
  const tmode = target ? asMode(target.mode) : null;
  useEffect(() => {
    const before = last.current;
    last.current = { mode, wanted: tmode };
    if (tx === undefined || ty === undefined || tzoom === undefined) return;
    if (before.mode !== mode && before.wanted === tmode && mode !== tmode) {
      stop();
      return;
    }
    if (tmode && tmode !== mode) onMode(tmode);
    if (!sameViewport(flow.getViewport(), { x: tx, y: ty, zoom: tzoom })) void flow.setViewport({ x: tx, y: ty, zoom: tzoom });
  }, [flow, mode, onMode, stop, tmode, tx, ty, tzoom]);

  // A move nobody's hand made (the board fitted after a mode switch) is taken back while following.
  useEffect(() => {
    let frame = 0;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.transform === previous.transform || !targetRef.current) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const wanted = targetRef.current;
        if (wanted && !sameViewport(flow.getViewport(), wanted)) void flow.setViewport({ x: wanted.x, y: wanted.y, zoom: wanted.zoom });
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      unsubscribe();
    };
  }, [flow, store]);

  // A hand on the view stops following, before the view moves.
  useEffect(() => {
    if (!domNode) return;
    let pressed: { x: number; y: number } | null = null;
    const following = () => targetRef.current !== null;
    const onWheel = () => {
      if (following()) stop();
    };
    const onDown = (e: PointerEvent) => {
      const target = e.target as Element;
      if (target.closest('.react-flow__controls')) {
        if (following()) stop();
      } else if (target.classList.contains('react-flow__pane')) {
        pressed = { x: e.clientX, y: e.clientY };
      }
    };
    const onMove = (e: PointerEvent) => {
      if (pressed && e.buttons !== 0 && Math.hypot(e.clientX - pressed.x, e.clientY - pressed.y) >= PAN_THRESHOLD) {
        pressed = null;
        if (following()) stop();
      }
    };
    const onUp = () => {
      pressed = null;
    };
    domNode.addEventListener('wheel', onWheel, { capture: true, passive: true });
    domNode.addEventListener('pointerdown', onDown, true);
    domNode.addEventListener('pointermove', onMove, true);
    window.addEventListener('pointerup', onUp, true);
    return () => {
      domNode.removeEventListener('wheel', onWheel, { capture: true });
      domNode.removeEventListener('pointerdown', onDown, true);
      domNode.removeEventListener('pointermove', onMove, true);
      window.removeEventListener('pointerup', onUp, true);
    };
  }, [domNode, stop]);

  return { presenter, following: presenter !== null && seen.following, setFollowing: setFollowingTo };
}
