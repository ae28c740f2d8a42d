import { describe, expect, it } from 'vitest';
import { verdictNote } from './ConnectionLine';
import { camelParts } from './nodes';
import { sameState } from './useWorkspace';
import { arrowStyle, freshName } from './catalog';
import type { Element } from '../api/generated';
import { bankAccount, catalog, grammar } from '../test/fixtures';

describe('the catalog from the backend’s grammar', () => {
  it('finds a kind by its palette shortcut in any case', () => {
    for (const info of grammar.kinds) {
      expect(catalog.byShortcut(info.shortcut.toLowerCase())?.kind).toBe(info.kind);
      expect(catalog.byShortcut(info.shortcut.toUpperCase())?.kind).toBe(info.kind);
    }
    expect(catalog.byShortcut('Q')).toBeNull();
    expect(catalog.byShortcut('Enter')).toBeNull();
  });

  it('keeps the palette order and the eight kinds plus the note', () => {
    expect(catalog.kinds.map((k) => k.kind)).toEqual(grammar.kinds.map((k) => k.kind));
    expect(catalog.kinds).toHaveLength(9);
  });

  it('styles arrows the grammar has no rule for as annotations', () => {
    expect(arrowStyle(catalog, 'Event', 'Policy')).toBe('automatic');
    expect(arrowStyle(catalog, 'Event', 'Command')).toBe('annotation');
  });
});

describe('a new sticky’s name', () => {
  it('is its kind’s label, numbered when one of that kind already has it (case and spaces aside)', () => {
    const { board } = bankAccount();
    expect(freshName(board.elements, 'Event', 'Event')).toBe('Event');
    const like = (id: string, name: string) => ({ ...board.elements[0], id, kind: 'Event' as const, name }) as Element;
    const taken = [...board.elements, like('e1', 'event')];
    expect(freshName(taken, 'Event', 'Event')).toBe('Event 2');
    const twice = [...taken, like('e2', 'Event2')];
    expect(freshName(twice, 'Event', 'Event')).toBe('Event 3');
    expect(freshName(twice, 'Command', 'Event')).toBe('Event');
  });
});

describe('the line drawn while connecting', () => {
  it('shows the grammar’s reason for a forbidden arrow and the rule for an allowed one', () => {
    expect(verdictNote({ verdict: 'forbidden', reason: 'put a policy between them' })).toEqual({ tone: 'forbidden', text: 'put a policy between them' });
    expect(verdictNote({ verdict: 'flow', rule: { from: 'Event', to: 'Policy', reads: 'triggers', automatic: true } })).toEqual({ tone: 'allowed', text: 'triggers' });
    expect(verdictNote(null)).toEqual({ tone: 'unknown', text: null });
  });
});

describe('sticky names', () => {
  it('may wrap between the words of a CamelCase name', () => {
    expect(camelParts('ThankYouEmailSent')).toEqual(['Thank', 'You', 'Email', 'Sent']);
    expect(camelParts('What about overdraft limits?')).toEqual(['What about overdraft limits?']);
  });
});

describe('pushes', () => {
  it('are skipped when they echo the state already shown', () => {
    const shown = bankAccount();
    expect(sameState(shown, bankAccount())).toBe(true);
    expect(sameState(shown, { ...bankAccount(), revision: shown.revision + 1 })).toBe(false);
    expect(sameState(shown, { ...bankAccount(), dirty: !shown.dirty })).toBe(false);
    // The facilitator locked the board: the same content, but everyone must hear it.
    expect(sameState(shown, { ...bankAccount(), locked: !shown.locked })).toBe(false);
    expect(sameState(null, shown)).toBe(false);
  });
});
