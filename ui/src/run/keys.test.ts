import { describe, expect, it } from 'vitest';
import { isRunKey, runKey } from './keys';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('Run mode’s keys', () => {
  it('steps with F10 or Ctrl+Enter, plays with Space, runs to quiet with Shift', () => {
    expect(runKey(key('F10'), false)).toBe('step');
    expect(runKey(key('Enter', { ctrlKey: true }), false)).toBe('step');
    expect(runKey(key(' '), false)).toBe('toggle');
    expect(runKey(key('Enter', { ctrlKey: true, shiftKey: true }), false)).toBe('quiet');
    expect(runKey(key('F10', { shiftKey: true }), false)).toBe('quiet');
  });

  it('leaves Space and Enter to a field being typed in, but F10 still steps', () => {
    expect(runKey(key(' '), true)).toBeNull();
    expect(runKey(key('Enter', { ctrlKey: true }), true)).toBeNull();
    expect(runKey(key('F10'), true)).toBe('step');
  });

  it('claims only its own keys', () => {
    expect(isRunKey(key('a'))).toBe(false);
    expect(isRunKey(key('z', { ctrlKey: true }))).toBe(false);
    expect(isRunKey(key('F10'))).toBe(true);
  });
});
