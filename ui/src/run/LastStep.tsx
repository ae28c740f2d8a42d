// The last processed command in words, next to the launcher: what it
// emitted and issued, or why it was refused (also drawn on its sticky).

import type { Id, Trace } from '../api/generated';
import { errorSticky, fileLine, shortError } from './chain';

export interface StepSummary {
  title: string;
  detail: string;
  rejected: boolean;
}

/** `DepositMoney by the user → MoneyDeposited; issued SendThankYouEmail, DepositMoney`. */
export function stepSummary(trace: Trace): StepSummary {
  const by = trace.command.origin.by === 'policy' ? `by ${trace.command.origin.policy.name}` : trace.command.origin.by === 'scenario' ? `by scenario “${trace.command.origin.name}”` : 'by the user';
  const title = `${trace.command.name} ${by}`;
  if (trace.outcome === 'rejected') return { title, detail: `refused: ${shortError(trace.reason)}`, rejected: true };
  const events = trace.events.map((e) => e.name);
  const issued = trace.issued.map((c) => c.name);
  const parts = [events.length > 0 ? `→ ${events.join(', ')}` : '→ no event'];
  if (issued.length > 0) parts.push(`issued ${issued.join(', ')}`);
  return { title, detail: parts.join('; '), rejected: false };
}

/** The sticky whose script a step ran, and the line of its first script error, if any. */
export function scriptPlace(trace: Trace): { id: Id; line: number | null } | null {
  const error = trace.errors[0];
  const at = error ? fileLine(error) : null;
  const line = at ? Number(at.split(':').pop()) : null;
  if (!trace.handled_by && line === null) return null;
  return { id: errorSticky(trace), line };
}

export function LastStep({ trace, onOpenScript }: { trace: Trace | undefined; onOpenScript?(id: Id, line: number | null): void }) {
  if (!trace) return null;
  const summary = stepSummary(trace);
  const place = scriptPlace(trace);
  return (
    <div className={summary.rejected ? 'run-last run-last-rejected' : 'run-last'} data-testid="last-step" role="status">
      <div>
        <strong>{summary.title}</strong>
      </div>
      <div>{summary.detail}</div>
      {trace.errors.length > 0 ? (
        <div className="run-last-errors" title={trace.errors.join('\n')}>
          {trace.errors.map(shortError).join('\n')}
        </div>
      ) : null}
      {place && onOpenScript ? (
        <button
          type="button"
          className="run-last-script"
          data-testid="last-step-script"
          onClick={() => onOpenScript(place.id, place.line)}
          title={place.line === null ? 'Open the script that handled this command' : `Open the script at line ${place.line}`}
        >
          {place.line === null ? 'Edit script' : `Edit script at line ${place.line}`}
        </button>
      ) : null}
    </div>
  );
}
