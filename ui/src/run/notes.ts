// What a client remembers of the steps it has seen: which are new (our own
// step comes back as a push too), why a command sticky's last command was
// refused, and the script error of a handler's last step. Pure, so the
// marks on the board are tested without a page.

import type { Api } from '../api/api';
import type { Id, RunAnswer, RunRequest, Trace } from '../api/generated';
import { errorSticky, shortError } from './chain';

const traceKey = (t: Trace) => `${t.branch}:${t.command.id}`;

/** The traces not seen before, in order; `seen` learns them. */
export function freshTraces(seen: Set<string>, traces: Trace[]): Trace[] {
  const fresh = traces.filter((t) => !seen.has(traceKey(t)));
  for (const t of fresh) seen.add(traceKey(t));
  return fresh;
}

/** A command sticky's refusal stays until one of its commands is accepted. */
export function noteRejections(before: ReadonlyMap<Id, string>, traces: Trace[]): Map<Id, string> {
  const next = new Map(before);
  for (const t of traces) {
    if (t.outcome === 'rejected') next.set(t.command.sticky.id, shortError(t.reason));
    else next.delete(t.command.sticky.id);
  }
  return next;
}

/** A handler's script error stays until one of its steps runs clean. */
export function noteErrors(before: ReadonlyMap<Id, string>, traces: Trace[]): Map<Id, string> {
  const next = new Map(before);
  for (const t of traces) {
    const first = t.errors[0];
    if (first) next.set(errorSticky(t), shortError(first));
    else next.delete(errorSticky(t));
  }
  return next;
}

/** Send a run request and narrow the response to its answer; rejects with the backend's message. */
export async function sendRun(api: Api, request: RunRequest): Promise<RunAnswer> {
  const response = await api.send({ type: 'run', request });
  if (response.type !== 'run') throw new Error(`the backend answered a run request with “${response.type}”`);
  return response.answer;
}
