import { describe, expect, it } from 'vitest';
import type { State } from '../api/generated';
import { EMPTY_ROOM, othersIn, ownHistory, reduceRoom, withNames, withOwnHistory } from './room';
import { person } from './testing';

describe('the room', () => {
  it('given a join answered, this page is in the room before any presence push', () => {
    const ann = person('p1', 'Ann', { role: 'facilitator' });

    const room = reduceRoom(EMPTY_ROOM, { type: 'joined', participant: ann });

    expect(room.me?.id).toBe('p1');
    expect(room.participants.map((p) => p.name)).toEqual(['Ann']);
    expect(othersIn(room)).toEqual([]);
  });

  it('a presence push lists everyone and keeps this page’s own entry up to date', () => {
    const joined = reduceRoom(EMPTY_ROOM, { type: 'joined', participant: person('p2', 'Bob') });

    const room = reduceRoom(joined, {
      type: 'presence',
      participants: [person('p1', 'Ann', { role: 'facilitator', cursor: { x: 5, y: 6 } }), person('p2', 'Bob', { selection: ['evt-a'] })],
    });

    expect(room.me?.selection).toEqual(['evt-a']);
    expect(othersIn(room).map((p) => [p.name, p.cursor])).toEqual([['Ann', { x: 5, y: 6 }]]);
  });

  it('a dropped socket empties the room: the page joins again when it reconnects', () => {
    const joined = reduceRoom(EMPTY_ROOM, { type: 'joined', participant: person('p2', 'Bob') });

    const left = reduceRoom(joined, { type: 'left' });

    expect(left).toEqual(EMPTY_ROOM);
    expect(reduceRoom(left, { type: 'left' })).toBe(left);
  });
});

const state = (extra: Partial<State>): State =>
  ({ can_undo: true, can_redo: false, histories: [], ...extra }) as State;

describe('own undo history', () => {
  it('given two participants, each sees only their own undo and redo', () => {
    const s = state({
      histories: [
        { participant: 'p1', can_undo: true, can_redo: false },
        { participant: 'p2', can_undo: false, can_redo: true },
      ],
    });

    expect(ownHistory(s, 'p1')).toEqual({ can_undo: true, can_redo: false });
    expect(ownHistory(s, 'p2')).toEqual({ can_undo: false, can_redo: true });
  });

  it('a participant who has edited nothing can undo nothing, whatever the local user can', () => {
    expect(ownHistory(state({ can_undo: true }), 'p9')).toEqual({ can_undo: false, can_redo: false });
  });

  it('before joining, and on the desktop, the local user’s history is the page’s', () => {
    const s = state({ can_undo: true, can_redo: true });
    expect(ownHistory(s, null)).toEqual({ can_undo: true, can_redo: true });
    expect(withOwnHistory(s, null)).toBe(s);
  });

  it('withOwnHistory puts the participant’s own entry where the toolbar reads it', () => {
    const s = state({ can_undo: true, histories: [{ participant: 'p2', can_undo: false, can_redo: true }] });

    const own = withOwnHistory(s, 'p2');

    expect([own.can_undo, own.can_redo]).toEqual([false, true]);
    expect(s.can_undo).toBe(true);
  });
});

describe('messages naming participants', () => {
  it('name them as people know them, and leave ids nobody here has', () => {
    const message = 'cannot undo your change of event `X`: participant p2 has changed it since; participant p12 too';

    const named = withNames(message, [person('p2', 'Bob'), person('p1', 'Ann')]);

    expect(named).toBe('cannot undo your change of event `X`: Bob has changed it since; participant p12 too');
  });
});
