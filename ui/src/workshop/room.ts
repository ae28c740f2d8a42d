// Who is on the board, as this page knows it: its own participant once the
// server answered its join, and everyone the last presence push listed. A
// reducer, so the order of pushes and a dropped socket are tested without
// a server.

import type { Participant, State } from '../api/generated';

export interface Room {
  /** This page's participant, once the server answered its join. */
  me: Participant | null;
  /** Everyone on the board, this page included, in the order they came in. */
  participants: Participant[];
}

export type RoomEvent =
  | { type: 'joined'; participant: Participant }
  | { type: 'presence'; participants: Participant[] }
  /** The socket closed: the server forgot this page; it joins again on reconnecting. */
  | { type: 'left' };

export const EMPTY_ROOM: Room = { me: null, participants: [] };

export function reduceRoom(room: Room, event: RoomEvent): Room {
  switch (event.type) {
    case 'joined': {
      const { participant } = event;
      const listed = room.participants.some((p) => p.id === participant.id);
      return {
        me: participant,
        participants: listed ? room.participants.map((p) => (p.id === participant.id ? participant : p)) : [...room.participants, participant],
      };
    }
    case 'presence': {
      const me = room.me ? (event.participants.find((p) => p.id === room.me?.id) ?? room.me) : null;
      return { me, participants: event.participants };
    }
    case 'left':
      return room.me === null && room.participants.length === 0 ? room : EMPTY_ROOM;
  }
}

/** Everyone but this page. */
export function othersIn(room: Room): Participant[] {
  const mine = room.me?.id;
  return room.participants.filter((p) => p.id !== mine);
}

export interface History {
  can_undo: boolean;
  can_redo: boolean;
}

/**
 * What this page's person can undo: their own entry in `histories` once
 * joined (each participant undoes only their own edits); before that, and
 * on the desktop, requests go as the local user, whose history is
 * `can_undo`/`can_redo`.
 */
export function ownHistory(state: State, me: string | null): History {
  if (me === null) return { can_undo: state.can_undo, can_redo: state.can_redo };
  const mine = state.histories.find((h) => h.participant === me);
  return { can_undo: mine?.can_undo ?? false, can_redo: mine?.can_redo ?? false };
}

/** The state with this person's own undo and redo in `can_undo`/`can_redo`; the same object when they are already there. */
export function withOwnHistory(state: State, me: string | null): State {
  const own = ownHistory(state, me);
  return own.can_undo === state.can_undo && own.can_redo === state.can_redo ? state : { ...state, ...own };
}

/**
 * The backend names participants by id (`participant p2 has changed it
 * since`); people know each other by name.
 */
export function withNames(message: string, participants: readonly Participant[]): string {
  return message.replace(/\bparticipant (p\d+)\b/g, (said, id: string) => participants.find((p) => p.id === id)?.name ?? said);
}
