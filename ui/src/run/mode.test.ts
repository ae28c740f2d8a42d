import { describe, expect, it } from 'vitest';
import { rememberedMode, rememberMode } from './mode';

describe('the mode a reload comes back to', () => {
  it('is Run mode after running, Design mode otherwise', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(rememberedMode(storage)).toBe('design');
    rememberMode('run', storage);
    expect(rememberedMode(storage)).toBe('run');
    rememberMode('design', storage);
    expect(rememberedMode(storage)).toBe('design');
    expect(rememberedMode(null)).toBe('design');
  });
});
