import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api';
import { freshTraces, noteErrors, noteRejections, sendRun } from './notes';
import { depositTrace, mockApi, refusedTrace, status } from './testing';

describe('the steps a client has seen', () => {
  it('shows our own step once, though it comes back as a push too', () => {
    const seen = new Set<string>();
    expect(freshTraces(seen, [depositTrace()])).toHaveLength(1);
    expect(freshTraces(seen, [depositTrace()])).toHaveLength(0);
    // The same command id on another branch is another step.
    expect(freshTraces(seen, [{ ...depositTrace(), branch: 'what-if' }])).toHaveLength(1);
  });

  it('keeps a refusal on the command sticky until one of its commands is accepted', () => {
    const refused = noteRejections(new Map(), [refusedTrace()]);
    expect(refused.get('cmd-withdraw-money')).toBe('insufficient funds');
    expect(noteRejections(refused, [depositTrace()]).get('cmd-withdraw-money')).toBe('insufficient funds');
    const accepted = { ...refusedTrace(), outcome: 'accepted' as const };
    expect(noteRejections(refused, [accepted]).has('cmd-withdraw-money')).toBe(false);
  });

  it('puts a script error on the handler, file:line first, until it runs clean', () => {
    const failing = { ...depositTrace(), errors: ['/tmp/x/scripts/bank_account/bank_account.rhai:12:5 in `handle_DepositMoney`: boom'] };
    const errors = noteErrors(new Map(), [failing]);
    expect(errors.get('agg-bank-account')).toBe('bank_account.rhai:12 in `handle_DepositMoney`: boom');
    expect(noteErrors(errors, [depositTrace()]).size).toBe(0);
  });
});

describe('a run request', () => {
  it('answers with the run’s answer', async () => {
    const api = mockApi(() => ({ type: 'status', status: status({ head: 4 }) }));
    const answer = await sendRun(api, { type: 'status' });
    expect(answer.type === 'status' && answer.status.head).toBe(4);
    expect(api.sent).toEqual([{ type: 'status' }]);
  });

  it('rejects with the backend’s message, for the form to show at its field', async () => {
    const api = mockApi(() => {
      throw new ApiError('command `DepositMoney` (cmd-deposit-money): field `amount` should be decimal, got the string "x"', 422);
    });
    await expect(sendRun(api, { type: 'submit', command: 'cmd-deposit-money', data: { amount: 'x' } })).rejects.toThrow('field `amount`');
  });
});
