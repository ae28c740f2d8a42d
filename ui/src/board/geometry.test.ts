import { describe, expect, it } from 'vitest';
import { bankAccount } from '../test/fixtures';
import { arrowEnds, borderPoint, frameAround, groupAt, stickyAt } from './geometry';

describe('arrow ends', () => {
  const box = { x: 0, y: 0, width: 100, height: 50 };

  it('lie on the border facing the other end', () => {
    expect(borderPoint(box, { x: 500, y: 25 })).toEqual({ x: 100, y: 25 });
    expect(borderPoint(box, { x: 50, y: -300 })).toEqual({ x: 50, y: 0 });
    expect(borderPoint(box, { x: 50, y: 25 })).toEqual({ x: 50, y: 25 });
  });

  it('join two stickies side by side at their facing sides', () => {
    const { start, end } = arrowEnds(box, { x: 200, y: 0, width: 100, height: 50 });
    expect(start).toEqual({ x: 100, y: 25 });
    expect(end).toEqual({ x: 200, y: 25 });
  });
});

describe('the frame under a point', () => {
  it('is the smallest frame containing it, or none', () => {
    const board = bankAccount().board;
    board.groups.push({ id: 'lane', kind: 'Swimlane', name: 'Lane', position: { x: 100, y: 100 }, size: { width: 200, height: 100 }, members: [] });
    expect(groupAt(board, { x: 150, y: 150 })).toBe('lane');
    expect(groupAt(board, { x: 1000, y: 300 })).toBe('ctx-banking');
    expect(groupAt(board, { x: 3000, y: 300 })).toBeNull();
  });
});

describe('a new frame', () => {
  it('surrounds the selected stickies with a margin, on the grid', () => {
    const area = frameAround(
      [
        { position: { x: 220, y: 60 }, width: 160, height: 110 },
        { position: { x: 760, y: 205 }, width: 160, height: 110 },
      ],
      { x: 0, y: 0 },
    );
    expect(area).toEqual({ position: { x: 180, y: 20 }, size: { width: 780, height: 340 } });
  });

  it('is a default size centred on the view when nothing is selected', () => {
    expect(frameAround([], { x: 1000, y: 500 })).toEqual({ position: { x: 700, y: 300 }, size: { width: 600, height: 400 } });
  });
});

describe('the sticky at a point', () => {
  const nodes = [
    { id: 'ctx', type: 'frame', position: { x: 0, y: 0 }, width: 1000, height: 1000 },
    { id: 'under', type: 'Event', position: { x: 100, y: 100 }, width: 160, height: 110 },
    { id: 'over', type: 'Command', position: { x: 200, y: 150 }, width: 160, height: 110 },
  ];

  it('is the one drawn last where stickies overlap, and never a frame', () => {
    expect(stickyAt(nodes, { x: 220, y: 160 })).toBe('over');
    expect(stickyAt(nodes, { x: 120, y: 120 })).toBe('under');
    expect(stickyAt(nodes, { x: 900, y: 900 })).toBe(null);
  });
});
