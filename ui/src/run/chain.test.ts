import { describe, expect, it } from 'vitest';
import type { ChainLink } from '../api/generated';
import { bankAccount } from '../test/fixtures';
import { chainPath, errorSticky, fileLine, indexBoard, mergeHighlights, pathHighlight, shortError, traceHighlight } from './chain';
import { bonusTrace, depositTrace, refusedTrace } from './testing';

const board = indexBoard(bankAccount().board);

// The chain of the bonus deposit's thank-you email, as the backend sends it.
const bonusThanks: ChainLink[] = [
  { kind: 'command', command_id: 'c3', name: 'DepositMoney', sticky: 'cmd-deposit-money', handled_by: 'agg-bank-account', actor: 'user' },
  { kind: 'event', position: 3, name: 'MoneyDeposited', sticky: 'evt-money-deposited' },
  { kind: 'policy', sticky: 'pol-ceo-bonus', name: 'CEO bonus' },
  { kind: 'command', command_id: 'c5', name: 'DepositMoney', sticky: 'cmd-deposit-money', handled_by: 'agg-bank-account', actor: 'policy:pol-ceo-bonus' },
  { kind: 'event', position: 5, name: 'MoneyDeposited', sticky: 'evt-money-deposited' },
  { kind: 'policy', sticky: 'pol-thank-you-email', name: 'Send thank-you email' },
  { kind: 'command', command_id: 'c7', name: 'SendThankYouEmail', sticky: 'cmd-send-thank-you-email', handled_by: 'ext-email-service', actor: 'policy:pol-thank-you-email' },
];

describe('a row’s chain on the board', () => {
  it('walks command → handler → event → policy → command down to the row’s event', () => {
    expect(chainPath(bonusThanks, 'evt-thank-you-email-sent')).toEqual([
      'cmd-deposit-money',
      'agg-bank-account',
      'evt-money-deposited',
      'pol-ceo-bonus',
      'cmd-deposit-money',
      'agg-bank-account',
      'evt-money-deposited',
      'pol-thank-you-email',
      'cmd-send-thank-you-email',
      'ext-email-service',
      'evt-thank-you-email-sent',
    ]);
  });

  it('lights the arrows between neighbours in order, each once at its first beat', () => {
    const lit = pathHighlight(chainPath(bonusThanks, 'evt-thank-you-email-sent'), board);
    expect([...lit.edges.entries()]).toEqual([
      ['cmd-deposit-money->agg-bank-account', 1],
      ['agg-bank-account->evt-money-deposited', 2],
      ['evt-money-deposited->pol-ceo-bonus', 3],
      ['pol-ceo-bonus->cmd-deposit-money', 4],
      ['evt-money-deposited->pol-thank-you-email', 7],
      ['pol-thank-you-email->cmd-send-thank-you-email', 8],
      ['cmd-send-thank-you-email->ext-email-service', 9],
      ['ext-email-service->evt-thank-you-email-sent', 10],
    ]);
    expect(lit.stickies.get('evt-thank-you-email-sent')).toBe(10);
    expect(lit.beats).toBe(11);
  });

  it('skips a sticky the board no longer has', () => {
    const lit = pathHighlight(['cmd-deposit-money', 'gone', 'agg-bank-account'], board);
    expect([...lit.stickies.keys()]).toEqual(['cmd-deposit-money', 'agg-bank-account']);
    expect(lit.edges.size).toBe(0);
  });
});

describe('a step on the board', () => {
  it('lights the command, its aggregate, the event, then the read model and the policies, then their commands', () => {
    const lit = traceHighlight(depositTrace(), board);
    expect(lit.active).toBe('agg-bank-account');
    expect(Object.fromEntries(lit.stickies)).toEqual({
      'cmd-deposit-money': 0,
      'agg-bank-account': 1,
      'evt-money-deposited': 2,
      'rm-account-overview': 3,
      'pol-thank-you-email': 3,
      'pol-ceo-bonus': 3,
      'cmd-send-thank-you-email': 4,
    });
    expect(Object.fromEntries(lit.edges)).toEqual({
      'cmd-deposit-money->agg-bank-account': 1,
      'agg-bank-account->evt-money-deposited': 2,
      'evt-money-deposited->rm-account-overview': 3,
      'evt-money-deposited->pol-thank-you-email': 3,
      'pol-thank-you-email->cmd-send-thank-you-email': 4,
      'evt-money-deposited->pol-ceo-bonus': 3,
      'pol-ceo-bonus->cmd-deposit-money': 4,
    });
  });

  it('starts a policy’s command at the policy that issued it', () => {
    const lit = traceHighlight(bonusTrace(), board);
    expect(lit.stickies.get('pol-ceo-bonus')).toBe(0);
    expect(lit.edges.get('pol-ceo-bonus->cmd-deposit-money')).toBe(0);
  });

  it('stops a refused command at its handler', () => {
    const lit = traceHighlight(refusedTrace(), board);
    expect([...lit.stickies.keys()]).toEqual(['cmd-withdraw-money', 'agg-bank-account']);
    expect(lit.beats).toBe(2);
    expect(errorSticky(refusedTrace())).toBe('agg-bank-account');
  });

  it('merges steps shown at once, keeping each sticky’s earliest beat', () => {
    const merged = mergeHighlights([traceHighlight(depositTrace(), board), traceHighlight(bonusTrace(), board)]);
    expect(merged.stickies.get('pol-ceo-bonus')).toBe(0);
    expect(merged.stickies.get('evt-money-deposited')).toBe(2);
  });
});

describe('a script error on its sticky', () => {
  it('shows file:line', () => {
    expect(fileLine('scripts/bank_account/bank_account.rhai:12:5 in handle_DepositMoney: Variable not found: x')).toBe('bank_account.rhai:12');
    expect(fileLine('no place named')).toBeNull();
  });

  it('drops the folders of the script, keeping where and what', () => {
    expect(shortError('/tmp/e2e/models/../scripts/bank_account/bank_account.rhai:45:25 in `handle_ChangeOwner`: Variable not found: x')).toBe(
      'bank_account.rhai:45 in `handle_ChangeOwner`: Variable not found: x',
    );
    expect(shortError('insufficient funds')).toBe('insufficient funds');
  });
});
