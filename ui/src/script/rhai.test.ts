import { describe, expect, it } from 'vitest';
import { indentFor, startState, tokenize } from './rhai';

const line = (text: string) => tokenize([text])[0] ?? [];

describe('the Rhai tokenizer', () => {
  it('reads keywords, names, function calls and numbers', () => {
    expect(line('fn handle_Withdraw(state, command) {')).toEqual([
      ['fn', 'keyword'],
      ['handle_Withdraw', 'variableName.function'],
      ['(', 'bracket'],
      ['state', 'variableName'],
      [',', 'punctuation'],
      ['command', 'variableName'],
      [')', 'bracket'],
      ['{', 'bracket'],
    ]);
    expect(line('let x = 1_000.50 + 0xFF;')).toEqual([
      ['let', 'keyword'],
      ['x', 'variableName'],
      ['=', 'operator'],
      ['1_000.50', 'number'],
      ['+', 'operator'],
      ['0xFF', 'number'],
      [';', 'punctuation'],
    ]);
  });

  it('tells fields, atoms and this/global apart', () => {
    expect(line('if command.amount >= 0 && true { this }')).toEqual([
      ['if', 'keyword'],
      ['command', 'variableName'],
      ['.', 'punctuation'],
      ['amount', 'propertyName'],
      ['>=', 'operator'],
      ['0', 'number'],
      ['&&', 'operator'],
      ['true', 'atom'],
      ['{', 'bracket'],
      ['this', 'self'],
      ['}', 'bracket'],
    ]);
  });

  it('reads every keyword of the brief as a keyword', () => {
    const words = 'fn let const if else while loop for in return throw try catch break continue switch import export private';
    for (const w of words.split(' ')) expect(line(w), w).toEqual([[w, 'keyword']]);
    expect(line('false')).toEqual([['false', 'atom']]);
    expect(line('global')).toEqual([['global', 'self']]);
  });

  it('reads strings with escapes and map literals', () => {
    expect(line('event("MoneyWithdrawn", #{ note: "a \\"b\\"" })')).toEqual([
      ['event', 'variableName.function'],
      ['(', 'bracket'],
      ['"MoneyWithdrawn"', 'string'],
      [',', 'punctuation'],
      ['#{', 'bracket'],
      ['note', 'variableName'],
      [':', 'operator'],
      ['"a \\"b\\""', 'string'],
      ['}', 'bracket'],
      [')', 'bracket'],
    ]);
  });

  it('reads a backtick template with code inside ${}', () => {
    expect(line('`owes ${state.balance + 1} now`')).toEqual([
      ['`owes ', 'string'],
      ['${', 'meta'],
      ['state', 'variableName'],
      ['.', 'punctuation'],
      ['balance', 'propertyName'],
      ['+', 'operator'],
      ['1', 'number'],
      ['}', 'meta'],
      [' now`', 'string'],
    ]);
  });

  it('keeps a map literal inside ${} from closing it early', () => {
    const tokens = line('`${ #{a: 1}.a } x`');
    expect(tokens.at(-1)).toEqual([' x`', 'string']);
    expect(tokens.filter(([, c]) => c === 'meta').map(([t]) => t)).toEqual(['${', '}']);
  });

  it('reads line, doc and nested block comments across lines', () => {
    expect(line('x // a note')).toEqual([
      ['x', 'variableName'],
      ['// a note', 'comment'],
    ]);
    expect(line('//! the module')).toEqual([['//! the module', 'docComment']]);
    const [first = [], second = []] = tokenize(['a /* one /* two */', 'still */ b']);
    expect(first).toEqual([
      ['a', 'variableName'],
      ['/* one /* two */', 'comment'],
    ]);
    expect(second).toEqual([
      ['still */', 'comment'],
      ['b', 'variableName'],
    ]);
  });

  it('carries a template string over a line break', () => {
    const [first = [], second = []] = tokenize(['let s = `first', 'second` + 1;']);
    expect(first.at(-1)).toEqual(['`first', 'string']);
    expect(second.slice(0, 2)).toEqual([
      ['second`', 'string'],
      ['+', 'operator'],
    ]);
  });

  it('reads operators of two and three characters as one', () => {
    expect(line('a ?? b ..= c != d => e').filter(([, c]) => c === 'operator').map(([t]) => t)).toEqual(['??', '..=', '!=', '=>']);
  });

  it('indents one unit per open bracket and dedents a closing one', () => {
    const state = startState();
    tokenize(['fn f() {', '  if x {'], state);
    expect(indentFor(state, 'x', 2)).toBe(4);
    expect(indentFor(state, '}', 2)).toBe(2);
  });
});
