import { describe, expect, it } from 'vitest';
import { titleScale } from './zoom';

describe('a frame title seen from far', () => {
  it('keeps its size up close', () => {
    expect(titleScale(1.5)).toBe(1);
    expect(titleScale(1)).toBe(1);
  });

  it('grows as the board shrinks, in half steps, to stay readable', () => {
    expect(titleScale(0.8)).toBe(1.5);
    expect(titleScale(0.4)).toBe(3);
    expect(titleScale(0.1)).toBe(12);
    expect(titleScale(0.045)).toBe(26.5);
  });

  it('stays about 18 px on screen (15 px of the board, grown) wherever the board is seen from', () => {
    for (const zoom of [0.05, 0.2, 0.52, 0.9]) expect(15 * titleScale(zoom) * zoom).toBeGreaterThan(16);
  });

  it('never grows wider than its frame', () => {
    expect(titleScale(0.1, 3.3)).toBe(3);
    expect(titleScale(0.1, 0.5)).toBe(1);
  });
});
