import { describe, expect, it } from 'vitest';
import { arrange, type Box } from './arrange';

const box = (id: string, x: number, y: number, width = 160, height = 110): Box => ({ id, x, y, width, height });
const where = (moves: ReturnType<typeof arrange>) => Object.fromEntries(moves.map((m) => [m.id, [m.position.x, m.position.y]]));

describe('aligning the selection', () => {
  const boxes = [box('a', 100, 0), box('b', 140, 200, 220, 180), box('c', 60, 500, 90, 90)];

  it('lines left edges up on the leftmost, leaving that one where it is', () => {
    expect(where(arrange(boxes, 'left'))).toEqual({ a: [60, 0], b: [60, 200] });
  });

  it('lines right edges up on the rightmost', () => {
    expect(where(arrange(boxes, 'right'))).toEqual({ a: [200, 0], c: [270, 500] });
  });

  it('centres them one above the other, on the middle of their extent', () => {
    // From 60 to 360: the middle is 210.
    expect(where(arrange(boxes, 'centre'))).toEqual({ a: [130, 0], b: [100, 200], c: [165, 500] });
  });

  it('lines top edges up on the topmost, and middles and bottoms likewise', () => {
    expect(where(arrange(boxes, 'top'))).toEqual({ b: [140, 0], c: [60, 0] });
    expect(where(arrange(boxes, 'bottom'))).toEqual({ a: [100, 480], b: [140, 410] });
    expect(arrange(boxes, 'middle').find((m) => m.id === 'b')?.position).toEqual({ x: 140, y: 205 });
  });

  it('does nothing with one sticky', () => {
    expect(arrange([box('a', 5, 5)], 'left')).toEqual([]);
  });
});

describe('distributing the selection', () => {
  it('keeps the first and the last and makes every gap between neighbours the same', () => {
    const boxes = [box('a', 0, 0, 100), box('c', 1000, 0, 100), box('b', 150, 30, 200)];
    const moves = arrange(boxes, 'across');
    // Span 0..1100, 400 wide filled: two gaps of 350.
    expect(where(moves)).toEqual({ b: [450, 30] });
  });

  it('spaces them down as well, whatever order they were selected in', () => {
    const boxes = [box('c', 0, 900, 160, 100), box('a', 0, 0, 160, 100), box('b', 0, 100, 160, 100), box('d', 0, 1200, 160, 100)];
    const moves = arrange(boxes, 'down');
    // Span 0..1300, 400 tall filled: three gaps of 300.
    expect(where(moves)).toEqual({ b: [0, 400], c: [0, 800] });
  });

  it('needs three stickies', () => {
    expect(arrange([box('a', 0, 0), box('b', 500, 0)], 'across')).toEqual([]);
  });
});
