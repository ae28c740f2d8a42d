import { describe, expect, it } from 'vitest';
import { cleanName, COLOUR_NAMES, freeColour, initials, isColour, PALETTE, rememberedIdentity, rememberIdentity } from './identity';

function memory() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('identity', () => {
  it('is remembered, so a reload joins under the same name and colour', () => {
    const storage = memory();
    rememberIdentity({ name: 'Ann', colour: '#e91e63' }, storage);
    expect(rememberedIdentity(storage)).toEqual({ name: 'Ann', colour: '#e91e63' });
  });

  it('nothing remembered, or something the server would refuse, means asking again', () => {
    const storage = memory();
    expect(rememberedIdentity(storage)).toBeNull();
    storage.setItem('squall.workshop.identity', '{"name":"  ","colour":"#e91e63"}');
    expect(rememberedIdentity(storage)).toBeNull();
    storage.setItem('squall.workshop.identity', '{"name":"Eve","colour":"red; background: url(x)"}');
    expect(rememberedIdentity(storage)).toBeNull();
    storage.setItem('squall.workshop.identity', 'not json');
    expect(rememberedIdentity(storage)).toBeNull();
  });

  it('names are trimmed, without control characters, 1 to 40 characters as the server wants', () => {
    expect(cleanName('  Ann\u0007 ')).toBe('Ann');
    expect(cleanName('   ')).toBeNull();
    expect(cleanName('x'.repeat(41))).toBeNull();
    expect(isColour('#0a0')).toBe(true);
    expect(isColour('#00aa0')).toBe(false);
  });

  it('offers a colour nobody wears yet, and eight distinct ones', () => {
    expect(new Set(PALETTE).size).toBe(8);
    expect(PALETTE.every((c) => COLOUR_NAMES[c] !== undefined)).toBe(true);
    const taken = PALETTE.slice(0, 7);
    expect(freeColour(taken, 3)).toBe(PALETTE[7]);
    expect(PALETTE).toContain(freeColour(PALETTE, 5));
  });

  it('initials: first and last word', () => {
    expect(initials('Ann Lee')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('Jean Claude van Damme')).toBe('JD');
  });
});
