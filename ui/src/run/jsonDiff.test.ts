import { describe, expect, it } from 'vitest';
import { cellText, changedOnly, columnsOf, diffRows, markedLines, shortValue } from './jsonDiff';

describe('a before/after diff', () => {
  it('shows each changed leaf with its path', () => {
    const before = { balance: 0, owner: 'Alice', recent_changes: ['opened for Alice'] };
    const after = { balance: 1000, owner: 'Alice', recent_changes: ['opened for Alice', 'deposited 1000'] };
    expect(changedOnly(diffRows(before, after))).toEqual([
      { path: 'balance', before: 0, after: 1000, change: 'changed' },
      { path: 'recent_changes[1]', before: undefined, after: 'deposited 1000', change: 'added' },
    ]);
  });

  it('treats a document that did not exist as all added, and one gone as all removed', () => {
    expect(diffRows(null, { balance: 10 })).toEqual([{ path: 'balance', before: undefined, after: 10, change: 'added' }]);
    expect(diffRows({ balance: 10 }, null)).toEqual([{ path: 'balance', before: 10, after: undefined, change: 'removed' }]);
  });

  it('compares values that are not objects', () => {
    expect(diffRows(1, 2)).toEqual([{ path: '(value)', before: 1, after: 2, change: 'changed' }]);
    expect(changedOnly(diffRows({ a: { b: [1] } }, { a: { b: [1] } }))).toEqual([]);
  });
});

describe('a document as JSON', () => {
  it('marks the lines of the fields that changed, nested lines included', () => {
    const lines = markedLines({ account_id: 'acc-1', balance: 1000, recent_changes: ['a', 'b'] }, ['balance', 'recent_changes']);
    expect(lines.filter((l) => l.changed).map((l) => l.text.trim())).toEqual(['"balance": 1000,', '"recent_changes": [', '"a",', '"b"', ']']);
    expect(lines[1]).toEqual({ text: '  "account_id": "acc-1",', changed: false });
  });

  it('marks nothing when nothing changed', () => {
    expect(markedLines({ a: 1 }, []).some((l) => l.changed)).toBe(false);
  });
});

describe('tables', () => {
  it('has a column per top-level key, in first-seen order', () => {
    expect(columnsOf([{ account_id: 'a', balance: 1 }, { account_id: 'b', owner: 'Bob' }, 7])).toEqual(['account_id', 'balance', 'owner']);
  });

  it('shows strings bare and everything else as JSON', () => {
    expect(cellText('acc-1')).toBe('acc-1');
    expect(cellText(2.5)).toBe('2.5');
    expect(cellText(null)).toBe('');
    expect(cellText(['x'])).toBe('["x"]');
    expect(shortValue(undefined)).toBe('—');
    expect(shortValue('x'.repeat(100), 10)).toBe(`"${'x'.repeat(8)}…`);
  });
});
