// Requests shaped as the backend reads them, and the parts of responses the
// UI needs. Pure, so the shapes are tested without a server.

import type {
  Connection,
  Element,
  ElementPatch,
  Id,
  Kind,
  Op,
  Point,
  Request,
  Response,
  Size,
  State,
} from './generated';

export const edit = (op: Op): Request => ({ type: 'edit', op });

/** Positions go to the file as whole pixels; rounding here keeps the undo step honest. */
export const roundPoint = (p: Point): Point => ({ x: Math.round(p.x), y: Math.round(p.y) });

export function addElement(kind: Kind, name: string, position: Point, group?: Id | null): Request {
  const op: Op = { type: 'add_element', kind, name, position: roundPoint(position) };
  if (group) op.group = group;
  return edit(op);
}

export const updateElement = (id: Id, patch: ElementPatch): Request => edit({ type: 'update_element', id, patch });

/** One op, so one undo step, however many move. */
export function moveElements(moves: { id: Id; position: Point }[]): Request {
  return edit({ type: 'move_elements', moves: moves.map((m) => ({ id: m.id, position: roundPoint(m.position) })) });
}

export function resize(id: Id, size: Size, position?: Point): Request {
  const op: Op = {
    type: 'resize',
    id,
    size: { width: Math.round(size.width), height: Math.round(size.height) },
  };
  if (position) op.position = roundPoint(position);
  return edit(op);
}

export const deleteElements = (ids: Id[]): Request => edit({ type: 'delete_elements', ids });

export const connect = (from: Id, to: Id): Request => edit({ type: 'connect', from, to });

export const disconnect = (from: Id, to: Id): Request => edit({ type: 'disconnect', from, to });

export function paste(elements: Element[], connections: Connection[], offset: Point): Request {
  const op: Op = { type: 'paste', elements, offset: roundPoint(offset) };
  if (connections.length > 0) op.connections = connections;
  return edit(op);
}

export const judge = (fromKind: Kind, toKind: Kind): Request => ({
  type: 'judge_connection',
  from_kind: fromKind,
  to_kind: toKind,
});

/** The workspace's state, from any response that carries one. */
export function stateOf(response: Response): State | null {
  return response.type === 'state' || response.type === 'edited' || response.type === 'script_written' ? response.state : null;
}

/** The ids an edit minted (added or pasted elements, in order). */
export function createdBy(response: Response): Id[] {
  return response.type === 'edited' ? response.created : [];
}
