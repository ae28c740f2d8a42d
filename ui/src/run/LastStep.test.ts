import { describe, expect, it } from 'vitest';
import { stepSummary } from './LastStep';
import { bonusTrace, depositTrace, refusedTrace } from './testing';

describe('the last step in words', () => {
  it('says what a command emitted and issued', () => {
    expect(stepSummary(depositTrace())).toEqual({
      title: 'DepositMoney by the user',
      detail: '→ MoneyDeposited; issued SendThankYouEmail, DepositMoney',
      rejected: false,
    });
  });

  it('names the policy that issued a command', () => {
    expect(stepSummary(bonusTrace()).title).toBe('DepositMoney by CEO bonus');
  });

  it('says why a command was refused', () => {
    expect(stepSummary(refusedTrace())).toMatchObject({ detail: 'refused: insufficient funds', rejected: true });
  });
});
