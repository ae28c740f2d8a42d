import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { ScriptInfo } from '../api/generated';
import { PANEL_WIDTH, contextAt, diagnosticRange, hoverText, offers, panelWidth } from './logic';

const doc = Text.of(['fn initial() {', '  let s = "🙂" + y;', '  x +', '}']);
const text = (r: { from: number; to: number }) => doc.sliceString(r.from, r.to);

const info: Pick<ScriptInfo, 'functions' | 'messages' | 'helpers'> = {
  functions: [
    { name: 'handle_WithdrawMoney', signature: 'handle_WithdrawMoney(state, command)', doc: 'Decides.', message: 'WithdrawMoney', defined: true },
    { name: 'apply_MoneyWithdrawn', signature: 'apply_MoneyWithdrawn(state, event)', doc: 'Evolves.', message: 'MoneyWithdrawn', defined: false },
  ],
  messages: [
    { name: 'WithdrawMoney', kind: 'Command', direction: 'receives', fields: [{ name: 'account_id', type: 'id' }, { name: 'amount', type: 'decimal' }] },
    { name: 'DepositMoney', kind: 'Command', direction: 'receives', fields: [{ name: 'amount', type: 'decimal' }] },
    { name: 'MoneyWithdrawn', kind: 'Event', direction: 'sends', fields: [{ name: 'amount', type: 'decimal' }] },
  ],
  helpers: [{ name: 'event', signature: 'event(name, data)', doc: 'An event to return.' }],
};

describe('a diagnostic in the text', () => {
  it('underlines from line:col to its end, counting from 1', () => {
    expect(text(diagnosticRange(doc, { line: 1, column: 4, end_line: 1, end_column: 11 }))).toBe('initial');
  });

  it('underlines the word at the position when the end is unknown', () => {
    expect(text(diagnosticRange(doc, { line: 3, column: 3, end_line: null, end_column: null }))).toBe('x');
  });

  it('counts columns in characters, as the backend does, past an emoji of two UTF-16 units', () => {
    expect(text(diagnosticRange(doc, { line: 2, column: 17, end_line: null, end_column: null }))).toBe('y');
  });

  it('marks the character before an error at the end of a line, and clamps lines past the end', () => {
    expect(text(diagnosticRange(doc, { line: 3, column: 6, end_line: null, end_column: null }))).toBe('+');
    expect(diagnosticRange(doc, { line: 99, column: 1, end_line: null, end_column: null }).from).toBe(doc.line(4).from);
  });
});

describe('completion', () => {
  it('offers the fields of the commands the sticky receives after `command.`, with types, each once', () => {
    const context = contextAt('  if command.am');
    expect(context).toEqual({ kind: 'field', of: 'command', from: 13 });
    const got = offers(info, context);
    expect(got.map((o) => [o.label, o.detail])).toEqual([
      ['account_id', 'id'],
      ['amount', 'decimal'],
    ]);
    expect(got[1]?.info).toBe('a field of WithdrawMoney, DepositMoney');
  });

  it('offers the events the sticky sends inside event("', () => {
    const context = contextAt('  [event("Mon');
    expect(context).toEqual({ kind: 'message', of: 'event', from: 10 });
    expect(offers(info, context).map((o) => [o.label, o.detail])).toEqual([['MoneyWithdrawn', 'amount: decimal']]);
    expect(offers(info, contextAt('command("'))).toEqual([]);
  });

  it('offers contract functions, a stub for one not written yet, helpers and keywords for a word', () => {
    const got = offers(info, contextAt('ap'));
    const apply = got.find((o) => o.label === 'apply_MoneyWithdrawn');
    expect(apply?.apply).toBe('fn apply_MoneyWithdrawn(state, event) {\n}');
    expect(got.find((o) => o.label === 'handle_WithdrawMoney')?.apply).toBe('handle_WithdrawMoney');
    expect(got.find((o) => o.label === 'event')?.detail).toBe('event(name, data)');
    expect(got.some((o) => o.label === 'let' && o.type === 'keyword')).toBe(true);
    expect(contextAt('x + ')).toEqual({ kind: 'none' });
  });

  it('explains a helper and a contract function on hover, nothing else', () => {
    expect(hoverText(info, 'event')).toBe('event(name, data)\nAn event to return.');
    expect(hoverText(info, 'handle_WithdrawMoney')).toContain('for WithdrawMoney');
    expect(hoverText(info, 'balance')).toBeNull();
  });
});

describe('panelWidth', () => {
  it('starts a little over half the room, at most the default', () => {
    expect(panelWidth(null, 800)).toBe(440);
    expect(panelWidth(null, 1400)).toBe(560);
  });

  it('keeps the width the person chose while the board keeps some room', () => {
    expect(panelWidth(700, 1400)).toBe(700);
    expect(panelWidth(1300, 1400)).toBe(1400 - PANEL_WIDTH.boardMin);
  });

  it('never goes below a readable width, even when the board has less room', () => {
    expect(panelWidth(100, 1400)).toBe(PANEL_WIDTH.min);
    expect(panelWidth(null, 300)).toBe(PANEL_WIDTH.min);
  });
});
