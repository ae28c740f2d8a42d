// Run answers shaped as the backend sends them for the bank account, for
// the run's unit tests: traces of a deposit and its cascade, a status, and
// a mocked Api that answers run requests from a table.

import type { Api } from '../api/api';
import type { Request, Response, RunAnswer, RunRequest, RunStatus, Trace, TracedEvent } from '../api/generated';

export const ref = (id: string, name: string) => ({ id, name });

const DEPOSIT = ref('cmd-deposit-money', 'DepositMoney');
const ACCOUNT = ref('agg-bank-account', 'BankAccount');
const DEPOSITED = ref('evt-money-deposited', 'MoneyDeposited');
const CEO = ref('pol-ceo-bonus', 'CEO bonus');
const THANKS = ref('pol-thank-you-email', 'Send thank-you email');

function event(position: number, commandId: string, n: number, sticky: { id: string; name: string }, emitter: { id: string; name: string }, data: Record<string, unknown>): TracedEvent {
  return {
    position,
    event_id: `${commandId}.${n}`,
    stream_id: `bank_account-${String(data.account_id)}`,
    stream_version: 2,
    name: sticky.name,
    sticky,
    emitted_by: emitter,
    data: data as TracedEvent['data'],
  };
}

/** The user's DepositMoney of 1000 into acc-1: MoneyDeposited, the overview, two policies react. */
export function depositTrace(): Trace {
  return {
    branch: 'main',
    at: '2026-12-05T09:00:00Z',
    command: { id: 'c3', name: 'DepositMoney', sticky: DEPOSIT, data: { account_id: 'acc-1', amount: 1000 }, origin: { by: 'user' }, correlation_id: 'c3', causation_id: null },
    handled_by: ACCOUNT,
    stream_id: 'bank_account-acc-1',
    state_before: { balance: 0 },
    state_after: { balance: 1000 },
    events: [event(3, 'c3', 1, DEPOSITED, ACCOUNT, { account_id: 'acc-1', amount: 1000 })],
    documents: [{ read_model: ref('rm-account-overview', 'AccountOverview'), key: 'acc-1', before: { balance: 0 }, after: { balance: 1000 } }],
    issued: [
      { id: 'c4', name: 'SendThankYouEmail', data: { account_id: 'acc-1', amount: 1000 }, policy: THANKS, event_id: 'c3.1' },
      { id: 'c5', name: 'DepositMoney', data: { account_id: 'ceo-bonus', amount: 10 }, policy: CEO, event_id: 'c3.1' },
    ],
    logs: [],
    errors: [],
    outcome: 'accepted',
  };
}

/** The CEO bonus's DepositMoney of 10, issued by the policy. */
export function bonusTrace(): Trace {
  return {
    ...depositTrace(),
    command: { id: 'c5', name: 'DepositMoney', sticky: DEPOSIT, data: { account_id: 'ceo-bonus', amount: 10 }, origin: { by: 'policy', policy: CEO, event_id: 'c3.1' }, correlation_id: 'c3', causation_id: 'c3.1' },
    stream_id: 'bank_account-ceo-bonus',
    events: [event(5, 'c5', 1, DEPOSITED, ACCOUNT, { account_id: 'ceo-bonus', amount: 10 })],
    documents: [],
    issued: [],
  };
}

/** WithdrawMoney of 5000 from acc-1, refused. */
export function refusedTrace(): Trace {
  return {
    ...depositTrace(),
    command: { id: 'c9', name: 'WithdrawMoney', sticky: ref('cmd-withdraw-money', 'WithdrawMoney'), data: { account_id: 'acc-1', amount: 5000 }, origin: { by: 'user' }, correlation_id: 'c9', causation_id: null },
    events: [],
    documents: [],
    issued: [],
    outcome: 'rejected',
    reason: 'insufficient funds',
  };
}

export function status(patch: Partial<RunStatus> = {}): RunStatus {
  return {
    store: 'models/.squall/bank_account.sqlite',
    branch: 'main',
    branches: [{ name: 'main', parent: null, fork_position: null, head: 0 }],
    head: 0,
    now: '2026-12-05T09:00:00Z',
    queue: [],
    pending: 0,
    event_counts: [],
    commands: 0,
    rejected: 0,
    constants: [{ sticky: 'pol-ceo-bonus', name: 'BONUS_ACCOUNT', value: 'ceo-bonus' }],
    problem: null,
    ...patch,
  };
}

/** An Api whose run requests are answered by `answer`; every request sent is kept in `sent`. */
export function mockApi(answer: (request: RunRequest) => RunAnswer | Promise<RunAnswer>): Api & { sent: RunRequest[] } {
  const sent: RunRequest[] = [];
  return {
    sent,
    async send(request: Request): Promise<Response> {
      if (request.type !== 'run') throw new Error(`not a run request: ${request.type}`);
      sent.push(request.request);
      return { type: 'run', answer: await answer(request.request) };
    },
    subscribe: () => () => {},
  };
}
