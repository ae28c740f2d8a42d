import { describe, expect, it } from 'vitest';
import type { NodeChange } from '@xyflow/react';
import { bankAccount } from '../test/fixtures';
import { copySelection, documentTitle, fileLabel, followFrames, isTyping, keepHit, movesForDrag, nextHit, parseTags, pasteOffset, placePaste, selectedIds } from './selection';

describe('dragging', () => {
  const board = bankAccount().board;

  it('sends one move per dragged sticky', () => {
    const moves = movesForDrag(board, [
      { id: 'cmd-open-account', position: { x: 240, y: 60 } },
      { id: 'evt-account-opened', position: { x: 780, y: 60 } },
    ]);
    expect(moves.map((m) => m.id)).toEqual(['cmd-open-account', 'evt-account-opened']);
  });

  it('does not move a member twice when its frame is dragged with it', () => {
    const moves = movesForDrag(board, [
      { id: 'ctx-banking', position: { x: 20, y: 20 } },
      { id: 'cmd-open-account', position: { x: 240, y: 80 } },
    ]);
    expect(moves).toEqual([{ id: 'ctx-banking', position: { x: 20, y: 20 } }]);
  });

  it('lets a frame’s members follow it on screen while it is dragged', () => {
    const positions = new Map([
      ['ctx-banking', { x: 0, y: 0 }],
      ['actor-owner', { x: 40, y: 250 }],
      ['cmd-open-account', { x: 220, y: 60 }],
    ]);
    const changes: NodeChange[] = [
      { type: 'position', id: 'ctx-banking', position: { x: 20, y: 40 }, dragging: true },
      // Dragged along in the same selection: xyflow moves it already.
      { type: 'position', id: 'cmd-open-account', position: { x: 240, y: 100 }, dragging: true },
    ];
    const extra = followFrames(board, changes, positions);
    expect(extra).toEqual([{ type: 'position', id: 'actor-owner', position: { x: 60, y: 290 }, dragging: true }]);
  });

  it('moves nothing extra when a sticky, not a frame, is dragged', () => {
    const positions = new Map([['actor-owner', { x: 40, y: 250 }]]);
    const changes: NodeChange[] = [{ type: 'position', id: 'actor-owner', position: { x: 60, y: 250 }, dragging: true }];
    expect(followFrames(board, changes, positions)).toEqual([]);
  });
});

describe('copying', () => {
  const board = bankAccount().board;

  it('keeps the selected stickies and only the arrows between them', () => {
    const clip = copySelection(board, ['cmd-deposit-money', 'agg-bank-account', 'ctx-banking']);
    expect(clip?.elements.map((e) => e.id).sort()).toEqual(['agg-bank-account', 'cmd-deposit-money']);
    expect(clip?.connections).toEqual([{ from: 'cmd-deposit-money', to: 'agg-bank-account' }]);
  });

  it('copies nothing from a selection without stickies', () => {
    expect(copySelection(board, ['ctx-banking'])).toBeNull();
  });

  it('pastes each copy a step further away', () => {
    expect(pasteOffset(1)).toEqual({ x: 40, y: 40 });
    expect(pasteOffset(3)).toEqual({ x: 120, y: 120 });
  });

  it('pastes under the pointer: the copy centred there, on the grid, not on top of the original', () => {
    // DepositMoney is 160 by 110 at (220, 200): its centre is (300, 255).
    const clip = copySelection(board, ['cmd-deposit-money']);
    if (!clip) throw new Error('nothing copied');
    const { offset, held } = placePaste({ clip, times: 0, lastAt: null }, { x: 1000, y: 700 });
    expect(offset).toEqual({ x: 700, y: 440 });
    expect(held.times).toBe(1);

    const again = placePaste(held, { x: 1000, y: 700 });
    expect(again.offset, 'pasted again without moving the pointer: a step further').toEqual({ x: 740, y: 480 });
    expect(placePaste(again.held, { x: 500, y: 300 }).offset, 'elsewhere: centred again').toEqual({ x: 200, y: 40 });
  });

  it('duplicates beside the original, a step further each time', () => {
    const clip = copySelection(board, ['cmd-deposit-money', 'agg-bank-account']);
    if (!clip) throw new Error('nothing copied');
    const first = placePaste({ clip, times: 0, lastAt: null }, null);
    expect(first.offset).toEqual({ x: 40, y: 40 });
    expect(placePaste(first.held, null).offset).toEqual({ x: 80, y: 80 });
  });
});

describe('search hits', () => {
  it('go forward and back, wrapping around', () => {
    expect(nextHit(3, -1, 1)).toBe(0);
    expect(nextHit(3, -1, -1)).toBe(2);
    expect(nextHit(3, 2, 1)).toBe(0);
    expect(nextHit(3, 0, -1)).toBe(2);
    expect(nextHit(0, 0, 1)).toBe(-1);
  });

  it('keep their place when a longer query still finds the current one', () => {
    const old = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(keepHit(old, 1, [{ id: 'b' }, { id: 'c' }])).toBe(0);
    expect(keepHit(old, 0, [{ id: 'b' }])).toBe(-1);
    expect(keepHit(old, -1, old)).toBe(-1);
  });
});

describe('small helpers', () => {
  it('list what is selected', () => {
    expect(selectedIds([{ id: 'a', selected: true }, { id: 'b' }, { id: 'c', selected: false }])).toEqual(['a']);
  });

  it('tell typing from board shortcuts', () => {
    expect(isTyping({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  it('title the page with the file name and a dirty mark', () => {
    expect(documentTitle('/home/ann/models/bank_account.ron', 'Bank account', false)).toBe('bank_account.ron — Squall');
    expect(documentTitle('models\\bank_account.ron', 'Bank account', true)).toBe('● bank_account.ron — Squall');
    expect(fileLabel(null, 'Shop')).toBe('Shop');
    expect(fileLabel(null, '')).toBe('Untitled board');
  });

  it('read tags from one comma-separated box', () => {
    expect(parseTags(' #payments, core ,, payments, core')).toEqual(['payments', 'core']);
    expect(parseTags('')).toEqual([]);
  });
});
