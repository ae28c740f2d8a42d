import { describe, expect, it } from 'vitest';
import type { Response } from './generated';
import * as req from './requests';
import { bankAccount } from '../test/fixtures';

describe('requests', () => {
  it('add a sticky at whole pixels, naming its frame only when it has one', () => {
    expect(req.addElement('Event', 'Event', { x: 10.4, y: 19.6 })).toEqual({
      type: 'edit',
      op: { type: 'add_element', kind: 'Event', name: 'Event', position: { x: 10, y: 20 } },
    });
    expect(req.addElement('Policy', 'Policy', { x: 0, y: 0 }, 'ctx-banking')).toEqual({
      type: 'edit',
      op: { type: 'add_element', kind: 'Policy', name: 'Policy', position: { x: 0, y: 0 }, group: 'ctx-banking' },
    });
  });

  it('move a multi-selection as one op', () => {
    const request = req.moveElements([
      { id: 'cmd-open-account', position: { x: 240.2, y: 60 } },
      { id: 'evt-account-opened', position: { x: 780, y: 59.5 } },
    ]);
    expect(request).toEqual({
      type: 'edit',
      op: {
        type: 'move_elements',
        moves: [
          { id: 'cmd-open-account', position: { x: 240, y: 60 } },
          { id: 'evt-account-opened', position: { x: 780, y: 60 } },
        ],
      },
    });
  });

  it('resize with the new corner, rounded', () => {
    expect(req.resize('agg-bank-account', { width: 240.7, height: 200 }, { x: 450.2, y: 200 })).toEqual({
      type: 'edit',
      op: { type: 'resize', id: 'agg-bank-account', size: { width: 241, height: 200 }, position: { x: 450, y: 200 } },
    });
  });

  it('paste elements with their arrows, leaving out an empty arrow list', () => {
    const board = bankAccount().board;
    const element = board.elements[0];
    if (!element) throw new Error('fixture has elements');
    expect(req.paste([element], [], { x: 40, y: 40 })).toEqual({
      type: 'edit',
      op: { type: 'paste', elements: [element], offset: { x: 40, y: 40 } },
    });
    const arrow = { from: 'a', to: 'b' };
    expect(req.paste([element], [arrow], { x: 80, y: 80 }).type).toBe('edit');
    const op = (req.paste([element], [arrow], { x: 80, y: 80 }) as { op: { connections?: unknown } }).op;
    expect(op.connections).toEqual([arrow]);
  });

  it('ask the grammar about an arrow by kinds', () => {
    expect(req.judge('Event', 'Command')).toEqual({ type: 'judge_connection', from_kind: 'Event', to_kind: 'Command' });
  });

  it('read the state and the minted ids out of an answer', () => {
    const state = bankAccount();
    const edited: Response = { type: 'edited', state, created: ['evt-x1'] };
    expect(req.stateOf(edited)).toBe(state);
    expect(req.createdBy(edited)).toEqual(['evt-x1']);
    expect(req.stateOf({ type: 'state', state })).toBe(state);
    expect(req.stateOf({ type: 'file_status', changed: true })).toBeNull();
    expect(req.createdBy({ type: 'state', state })).toEqual([]);
  });
});
