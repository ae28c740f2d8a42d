import { describe, expect, it } from 'vitest';
import { dragged } from './useFarDrag';

describe('a painted sticky dragged from far', () => {
  it('moves by as much as the pointer, in flow coordinates', () => {
    expect(dragged({ x: 560, y: 280 }, { x: 600, y: 300 }, { x: 1000, y: 700 }, 20)).toEqual({ x: 960, y: 680 });
  });

  it('lands on the grid, as a drawn sticky does', () => {
    expect(dragged({ x: 560, y: 280 }, { x: 600, y: 300 }, { x: 613, y: 291 }, 20)).toEqual({ x: 580, y: 280 });
    expect(dragged({ x: 560, y: 280 }, { x: 600, y: 300 }, { x: 100, y: -47 }, 20)).toEqual({ x: 60, y: -60 });
  });

  it('stays put when the pointer comes back', () => {
    expect(dragged({ x: 560, y: 280 }, { x: 600, y: 300 }, { x: 600, y: 300 }, 20)).toEqual({ x: 560, y: 280 });
  });
});
