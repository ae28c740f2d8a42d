import { describe, expect, it } from 'vitest';
import { scriptPlace } from '../run/LastStep';
import { bonusTrace, depositTrace, refusedTrace } from '../run/testing';
import { lastUserCommand } from './logic';

describe('resending the last command after a rule changed', () => {
  it('takes the newest command a person submitted, skipping what a policy issued', () => {
    expect(lastUserCommand([bonusTrace(), refusedTrace(), depositTrace()])).toEqual({
      sticky: 'cmd-withdraw-money',
      name: 'WithdrawMoney',
      data: { account_id: 'acc-1', amount: 5000 },
    });
  });

  it('has nothing to resend before a person submitted anything', () => {
    expect(lastUserCommand([bonusTrace()])).toBeNull();
    expect(lastUserCommand([])).toBeNull();
  });
});

describe('the last step links to the script', () => {
  it('opens the handler’s script at the line of its script error', () => {
    const failing = { ...depositTrace(), errors: ['/tmp/x/scripts/bank_account/bank_account.rhai:12:5 in `handle_DepositMoney`: boom'] };
    expect(scriptPlace(failing)).toEqual({ id: 'agg-bank-account', line: 12 });
  });

  it('opens the handler’s script at its top when the step ran clean', () => {
    expect(scriptPlace(depositTrace())).toEqual({ id: 'agg-bank-account', line: null });
  });
});
