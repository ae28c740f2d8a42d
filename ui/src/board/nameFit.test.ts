import { describe, expect, it } from 'vitest';
import { cachedNameSizes, emWidth, fitFontSize, nameSizes, pieces, wrap, type Details } from './nameFit';
import { bankAccount } from '../test/fixtures';

const plain = (kind: string): Details => ({ kind, fields: 0, meta: false, tags: false, text: false });
const FAR_OPTIONS = { max: 40, min: 10, lineHeight: 1.05 };

describe('where a name may break', () => {
  it('breaks CamelCase between its words, and after spaces and hyphens', () => {
    expect(pieces('SendThankYouEmail').map((p) => p.text)).toEqual(['Send', 'Thank', 'You', 'Email']);
    expect(pieces('Send thank-you email')).toEqual([
      { text: 'Send', spaced: false },
      { text: 'thank-', spaced: true },
      { text: 'you', spaced: false },
      { text: 'email', spaced: true },
    ]);
    expect(pieces('  ')).toEqual([]);
  });

  it('fills each line greedily, as the browser does', () => {
    const parts = pieces('SendThankYouEmail');
    expect(wrap(parts, 100)).toEqual(['SendThankYouEmail']);
    expect(wrap(parts, emWidth('SendThank'))).toEqual(['SendThank', 'YouEmail']);
    expect(wrap(parts, emWidth('Thank'))).toEqual(['Send', 'Thank', 'You', 'Email']);
    expect(wrap(parts, emWidth('Thank') - 0.01), 'a word wider than the line does not fit').toBeNull();
  });

  it('counts wide letters as wider than narrow ones', () => {
    expect(emWidth('WWW')).toBeGreaterThan(emWidth('iii') * 2);
    expect(emWidth('会議')).toBe(2);
  });
});

describe('a name fitted to its sticky', () => {
  it('grows a short name up to the largest size allowed', () => {
    expect(fitFontSize('Go', { width: 150, height: 100 }, FAR_OPTIONS)).toBe(40);
  });

  it('shrinks a long name until its longest word fits across and its lines fit down', () => {
    const room = { width: 152, height: 102 };
    const size = fitFontSize('What about overdraft limits?', room, FAR_OPTIONS);
    const lines = wrap(pieces('What about overdraft limits?'), (room.width * 0.96) / size);
    expect(lines).not.toBeNull();
    expect((lines?.length ?? 0) * 1.05 * size).toBeLessThanOrEqual(room.height);
    // Half a pixel larger would not fit.
    const larger = wrap(pieces('What about overdraft limits?'), (room.width * 0.96) / (size + 0.5));
    expect(larger === null || larger.length * 1.05 * (size + 0.5) > room.height).toBe(true);
  });

  it('goes no smaller than the minimum, however long the name', () => {
    expect(fitFontSize('A'.repeat(200), { width: 150, height: 100 }, FAR_OPTIONS)).toBe(10);
    expect(fitFontSize('x', { width: 0, height: 100 }, FAR_OPTIONS)).toBe(10);
  });

  it('writes a name seen from far much larger than up close, where the details take room', () => {
    const sizes = nameSizes('DepositMoney', { width: 160, height: 110 }, { ...plain('Command'), fields: 2 });
    expect(sizes.near).toBeGreaterThanOrEqual(11);
    expect(sizes.near).toBeLessThanOrEqual(16);
    expect(sizes.far).toBeGreaterThan(sizes.near * 2);
  });

  it('lets an actor’s name spread under its figure, wider than its small box', () => {
    const actor = nameSizes('Account owner', { width: 90, height: 90 }, plain('Actor'));
    const boxed = fitFontSize('Account owner', { width: 82, height: 82 }, FAR_OPTIONS);
    expect(actor.far).toBeGreaterThan(boxed * 1.5);
  });

  it('remembers a size once worked out', () => {
    const box = { width: 160, height: 110 };
    expect(cachedNameSizes('MoneyDeposited', box, plain('Event'))).toBe(cachedNameSizes('MoneyDeposited', box, plain('Event')));
    expect(cachedNameSizes('MoneyDeposited', box, plain('Event'))).toEqual(nameSizes('MoneyDeposited', box, plain('Event')));
  });

  it('makes every bank-account name 12 px or more on screen at the zoom a 1440×900 window fits the board to', () => {
    // The canvas is 1062 px wide there (a 56 px palette, a 320 px side panel), the board 1960 wide, fitted with 4% to spare.
    const zoom = 1062 / (1960 * 1.04);
    const { board } = bankAccount();
    for (const e of board.elements) {
      const far = nameSizes(e.name, e.size, plain(e.kind)).far;
      expect(far * zoom, `${e.name} (${e.kind})`).toBeGreaterThanOrEqual(12);
    }
  });
});
