// Tidying up and arranging, as the editor offers them: each an edit the
// backend checks and records as one undo step.

import { useCallback, useMemo, useState } from 'react';
import type { Board, Element } from '../api/generated';
import * as req from '../api/requests';
import { arrange, type Arrangement } from './arrange';
import { sizeOf, type Catalog } from './catalog';
import { layoutInWorker } from './layoutEngine';
import type { BoardNode } from './mapping';
import { movesForDrag } from './selection';
import { tidy, tidyScope, type Scope } from './tidy';
import type { WorkspaceView } from './useWorkspace';

export interface Arranging {
  /** Lay the selected bounded contexts (or, with none selected, the whole board) out as a timeline. */
  tidyUp(): Promise<void>;
  tidying: boolean;
  /** What Tidy up would act on, in words, for its button. */
  tidyTitle: string;
  arrangeSelection(how: Arrangement): void;
}

export function useArrange(board: Board, catalog: Catalog, selected: readonly BoardNode[], ws: WorkspaceView, onTidied: (scope: Scope) => void): Arranging {
  const [tidying, setTidying] = useState(false);
  const scope = useMemo(() => tidyScope(board, selected.map((n) => n.id)), [board, selected]);
  const frameNames = scope.frames.map((id) => board.groups.find((g) => g.id === id)?.name ?? id).join(', ');

  const tidyUp = useCallback(async () => {
    if (tidying || board.elements.length === 0) return;
    setTidying(true);
    try {
      const op = await tidy(board, scope, (e: Element) => sizeOf(e, catalog.info(e.kind)), layoutInWorker);
      if (op.type === 'batch' && op.ops.length === 0) return;
      const done = await ws.edit(req.edit(op));
      if (done) {
        ws.toast(`Tidied ${frameNames || 'the board'} as a timeline; Undo puts it back.`, 'info');
        onTidied(scope);
      }
    } catch (err) {
      ws.toast(`Tidy up failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setTidying(false);
    }
  }, [board, catalog, frameNames, onTidied, scope, tidying, ws]);

  const arrangeSelection = useCallback(
    (how: Arrangement) => {
      const boxes = selected.map((n) => ({
        id: n.id,
        x: n.position.x,
        y: n.position.y,
        width: n.width ?? n.measured?.width ?? 0,
        height: n.height ?? n.measured?.height ?? 0,
      }));
      const moves = movesForDrag(board, arrange(boxes, how));
      if (moves.length > 0) void ws.edit(req.moveElements(moves));
    },
    [board, selected, ws],
  );

  const tidyTitle =
    scope.frames.length > 0
      ? `Tidy up ${frameNames} as a timeline, left to right (one undo step)`
      : 'Tidy up the whole board as a timeline, left to right (one undo step); select a bounded context to tidy only it';
  return { tidyUp, tidying, tidyTitle, arrangeSelection };
}
