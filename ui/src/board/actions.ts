// What a sticky or frame on the canvas may ask of the editor.

import { createContext, useContext } from 'react';
import type { Id } from '../api/generated';
import type { Rect } from './geometry';

export interface BoardActions {
  startEditing(id: Id): void;
  /** Enter in the inline editor: rename (a no-op when unchanged). */
  commitName(id: Id, name: string): void;
  /** Escape in the inline editor. */
  cancelEditing(): void;
  /** The end of a resize by the handles: size and top-left corner. */
  resized(id: Id, rect: Rect): void;
}

const noop = () => {};

export const BoardActionsContext = createContext<BoardActions>({
  startEditing: noop,
  commitName: noop,
  cancelEditing: noop,
  resized: noop,
});

export const useBoardActions = (): BoardActions => useContext(BoardActionsContext);
