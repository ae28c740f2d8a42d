import { describe, expect, it } from 'vitest';
import { permissions, readOnlyKey, roleBadge } from './roles';

const key = (key: string, mods: { ctrl?: boolean; alt?: boolean } = {}) => ({ key, ctrlKey: mods.ctrl ?? false, metaKey: false, altKey: mods.alt ?? false });

describe('role permissions', () => {
  it('a viewer changes nothing and sees why', () => {
    expect(permissions('viewer', false)).toEqual({ edit: false, present: false, lock: false });
    expect(roleBadge('viewer', false)).toBe('Viewing');
  });

  it('a participant edits until the facilitator locks the board', () => {
    expect(permissions('participant', false).edit).toBe(true);
    expect(permissions('participant', true).edit).toBe(false);
    expect(roleBadge('participant', true)).toBe('Locked by the facilitator');
    expect(roleBadge('participant', false)).toBeNull();
  });

  it('the facilitator edits a locked board, presents and locks', () => {
    expect(permissions('facilitator', true)).toEqual({ edit: true, present: true, lock: true });
    expect(roleBadge('facilitator', true)).toBeNull();
  });

  it('before joining (and on the desktop) the backend decides: nothing is hidden, nothing is offered to present', () => {
    expect(permissions(null, false)).toEqual({ edit: true, present: false, lock: false });
  });
});

describe('keys on a read-only board', () => {
  it('finding, switching modes and Escape still work', () => {
    expect(readOnlyKey(key('f', { ctrl: true }))).toBe(true);
    expect(readOnlyKey(key('F5'))).toBe(true);
    expect(readOnlyKey(key('Escape'))).toBe(true);
  });

  it('undo, delete, paste, a kind’s shortcut and the run’s keys do not', () => {
    for (const k of [key('z', { ctrl: true }), key('Delete'), key('v', { ctrl: true }), key('e'), key('F10'), key(' '), key('ArrowLeft')]) {
      expect(readOnlyKey(k), k.key).toBe(false);
    }
  });
});
