import { describe, expect, it } from 'vitest';
import { titleScale } from './zoom';

describe('a frame title seen from far', () => {
  it('keeps its size up close', () => {
    expect(titleScale(1)).toBe(1);
    expect(titleScale(0.8)).toBe(1);
  });

  it('grows as the board shrinks, in half steps, to stay readable', () => {
    expect(titleScale(0.4)).toBe(2);
    expect(titleScale(0.1)).toBe(8);
    expect(titleScale(0.045)).toBe(18);
  });

  it('never grows wider than its frame', () => {
    expect(titleScale(0.1, 3.3)).toBe(3);
    expect(titleScale(0.1, 0.5)).toBe(1);
  });
});
