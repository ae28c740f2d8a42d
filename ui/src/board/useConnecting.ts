// Drawing arrows: the backend's verdicts colour the line while it is
// dragged, a drop on a sticky asks for the arrow, and a refused one shows
// the grammar's reason.

import type { Connection as FlowConnection, FinalConnectionState, IsValidConnection, OnConnectStartParams } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import type { Board, Kind } from '../api/generated';
import * as req from '../api/requests';
import type { Catalog } from './catalog';
import type { ArrowEdge } from './mapping';
import type { WorkspaceView } from './useWorkspace';

/** The id of the sticky under the pointer where a pointer event happened. */
function stickyUnder(event: MouseEvent | TouchEvent): string | null {
  const point = 'changedTouches' in event ? event.changedTouches[0] : event;
  if (!point) return null;
  const hit = document.elementFromPoint(point.clientX, point.clientY);
  const node = hit?.closest<HTMLElement>('.react-flow__node.sticky-node');
  return node?.dataset.id ?? null;
}

export function useConnecting(board: Board, catalog: Catalog, ws: WorkspaceView) {
  const kindOf = useCallback((id: string | null | undefined): Kind | null => board.elements.find((e) => e.id === id)?.kind ?? null, [board.elements]);

  const onConnectStart = useCallback(
    (_: unknown, params: OnConnectStartParams) => {
      const from = kindOf(params.nodeId);
      // Ask the grammar about every target kind now, so the line can turn red over a forbidden one.
      if (from) for (const k of catalog.kinds) void ws.verdict(from, k.kind);
    },
    [catalog.kinds, kindOf, ws],
  );

  const isValidConnection: IsValidConnection<ArrowEdge> = useCallback(
    (c) => {
      if (c.source === c.target) return false;
      const from = kindOf(c.source);
      const to = kindOf(c.target);
      if (!from || !to) return false;
      return ws.knownVerdict(from, to)?.verdict !== 'forbidden';
    },
    [kindOf, ws],
  );

  const onConnect = useCallback(
    (c: FlowConnection) => {
      if (c.source !== c.target) void ws.edit(req.connect(c.source, c.target));
    },
    [ws],
  );

  const connectOnDrop = useCallback(
    async (event: MouseEvent | TouchEvent, cs: FinalConnectionState) => {
      if (!cs.fromNode || cs.isValid === true) return;
      // xyflow connects only near a handle; a drop anywhere on a sticky means that sticky.
      const target = cs.toNode?.id ?? stickyUnder(event);
      if (!target || (cs.isValid === null && target === cs.fromNode.id)) return;
      const from = kindOf(cs.fromNode.id);
      const to = kindOf(target);
      const verdict = from && to && target !== cs.fromNode.id ? await ws.verdict(from, to) : null;
      if (verdict?.verdict === 'forbidden') ws.toast(verdict.reason);
      // Anything else: draw it, or let the backend say why not (an arrow to itself, to a frame).
      else void ws.edit(req.connect(cs.fromNode.id, target));
    },
    [kindOf, ws],
  );

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, cs: FinalConnectionState) => void connectOnDrop(event, cs),
    [connectOnDrop],
  );

  return useMemo(
    () => ({ onConnectStart, isValidConnection, onConnect, onConnectEnd }),
    [onConnectStart, isValidConnection, onConnect, onConnectEnd],
  );
}
