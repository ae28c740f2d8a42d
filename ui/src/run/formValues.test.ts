import { describe, expect, it } from 'vitest';
import type { Field } from '../api/generated';
import { blankValues, errorsByField, inputFor, parseForm, parseValue, recall, remember, rawFromValue } from './formValues';

const deposit: Field[] = [
  { name: 'account_id', type: 'Id' },
  { name: 'amount', type: 'Decimal' },
];

describe('a command form', () => {
  it('gives each field the input of its type', () => {
    expect(inputFor({ name: 'n', type: 'Int' }).kind).toBe('int');
    expect(inputFor({ name: 'b', type: 'Bool' }).kind).toBe('bool');
    expect(inputFor({ name: 'l', type: { List: 'Id' } })).toMatchObject({ kind: 'list', label: 'list<id>' });
    const optional = inputFor({ name: 'o', type: { Optional: 'Timestamp' } });
    expect(optional).toMatchObject({ kind: 'timestamp', optional: true, label: 'optional<timestamp>' });
    expect(optional.placeholder).toContain('empty for none');
  });

  it('turns typed text into the payload the backend reads', () => {
    const result = parseForm(deposit, { account_id: ' acc-1 ', amount: '1 000.50' });
    expect(result).toEqual({ ok: true, data: { account_id: 'acc-1', amount: 1000.5 } });
  });

  it('names every wrong field in the form’s words', () => {
    const result = parseForm(deposit, { account_id: '', amount: 'lots' });
    expect(result).toEqual({ ok: false, errors: { account_id: 'needs an id', amount: 'should be a number, not "lots"' } });
  });

  it('reads ints, bools, timestamps, lists, maps and optionals', () => {
    expect(parseValue('Int', '42')).toEqual({ ok: true, value: 42 });
    expect(parseValue('Int', '4.2')).toMatchObject({ ok: false });
    expect(parseValue('Bool', true)).toEqual({ ok: true, value: true });
    expect(parseValue('Timestamp', '2026-12-05T09:30:00Z')).toEqual({ ok: true, value: '2026-12-05T09:30:00Z' });
    expect(parseValue('Timestamp', 'tomorrow')).toMatchObject({ ok: false });
    expect(parseValue({ List: 'Int' }, '1, 2,3')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseValue({ List: 'Int' }, '1, x')).toEqual({ ok: false, error: 'item 2 should be a whole number, not "x"' });
    expect(parseValue({ List: 'String' }, '["a, b", "c"]')).toEqual({ ok: true, value: ['a, b', 'c'] });
    expect(parseValue('Map', '{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseValue('Map', '[1]')).toMatchObject({ ok: false });
    expect(parseValue({ Optional: 'Decimal' }, '  ')).toEqual({ ok: true, value: null });
    expect(parseValue({ Optional: 'Decimal' }, '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(parseValue('String', '  spaced  ')).toEqual({ ok: true, value: '  spaced  ' });
  });

  it('shows a queued payload back as form text', () => {
    expect(rawFromValue('Decimal', 10)).toBe('10');
    expect(rawFromValue({ List: 'Id' }, ['a', 'b'])).toBe('a, b');
    expect(rawFromValue('Map', { a: 1 })).toBe('{"a":1}');
    expect(rawFromValue('Bool', null)).toBe(false);
  });

  it('puts a backend refusal at the fields it names', () => {
    const message =
      'command `DepositMoney` (cmd-deposit-money): field `amount` should be decimal, got string; unexpected field `x`; declared fields: account_id, amount';
    const split = errorsByField(message, ['account_id', 'amount']);
    expect(split.fields).toEqual({ amount: 'field `amount` should be decimal, got string' });
    expect(split.form).toContain('unexpected field `x`');
  });

  it('keeps a refusal that names no field for the whole form', () => {
    expect(errorsByField('the board cannot run: bank_account.rhai:3:1 syntax error', ['amount'])).toEqual({
      fields: {},
      form: 'the board cannot run: bank_account.rhai:3:1 syntax error',
    });
  });

  it('remembers the last values per command', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(recall(storage, 'cmd-deposit-money', deposit)).toEqual(blankValues(deposit));
    remember(storage, 'cmd-deposit-money', { account_id: 'acc-1', amount: '1000' });
    expect(recall(storage, 'cmd-deposit-money', deposit)).toEqual({ account_id: 'acc-1', amount: '1000' });
    expect(recall(storage, 'cmd-withdraw-money', deposit)).toEqual({ account_id: '', amount: '' });
  });
});
