import { describe, expect, it } from 'vitest';
import { bankAccount } from '../test/fixtures';
import { indexBoard, noHighlight, traceHighlight } from './chain';
import { composeMarks, MarkStore, type MarkInput } from './marks';
import { depositTrace } from './testing';

const board = indexBoard(bankAccount().board);

const input = (patch: Partial<MarkInput> = {}): MarkInput => ({
  counts: [],
  highlight: noHighlight,
  generation: 1,
  beatMs: 100,
  rejections: new Map(),
  errors: new Map(),
  chosen: null,
  ...patch,
});

describe('marks on the board', () => {
  it('puts counts on event stickies, a refusal on its command and the lights of a step', () => {
    const { stickies, arrows } = composeMarks(
      input({
        counts: [{ sticky: 'evt-money-deposited', count: 2 }, { sticky: 'evt-money-withdrawn', count: 0 }],
        highlight: traceHighlight(depositTrace(), board),
        rejections: new Map([['cmd-withdraw-money', 'insufficient funds']]),
      }),
    );
    expect(stickies.get('evt-money-deposited')).toMatchObject({ count: 2, beat: 2, active: false });
    expect(stickies.has('evt-money-withdrawn')).toBe(false);
    expect(stickies.get('agg-bank-account')).toMatchObject({ active: true, beat: 1 });
    expect(stickies.get('cmd-withdraw-money')).toMatchObject({ rejected: 'insufficient funds', beat: null });
    expect(arrows.get('cmd-deposit-money->agg-bank-account')).toEqual({ beat: 1, generation: 1, beatMs: 100 });
  });

  it('tells only the stickies whose mark changed', () => {
    const store = new MarkStore();
    store.set(input({ counts: [{ sticky: 'evt-money-deposited', count: 1 }, { sticky: 'evt-account-opened', count: 2 }] }));
    const opened = store.sticky('evt-account-opened');
    const deposited = store.sticky('evt-money-deposited');
    store.set(input({ generation: 2, counts: [{ sticky: 'evt-money-deposited', count: 2 }, { sticky: 'evt-account-opened', count: 2 }] }));
    expect(store.sticky('evt-account-opened')).toBe(opened);
    expect(store.sticky('evt-money-deposited')).not.toBe(deposited);
    expect(store.sticky('evt-money-deposited')?.count).toBe(2);
    expect(store.sticky('cmd-open-account')).toBeNull();
  });
});
