// The run's branches: which is current, switch, and a side-by-side diff of
// two (events only on the left, only on the right; documents before/after).

import { useState } from 'react';
import { errorMessage } from '../api/api';
import type { BranchDiff, EventSummary, RunStatus } from '../api/generated';
import { DiffTable } from './AggregateInspector';
import { shortValue } from './jsonDiff';
import type { RunView } from './useRun';

function EventList({ events, side }: { events: EventSummary[]; side: 'left' | 'right' }) {
  if (events.length === 0) return <p className="prop-note">none</p>;
  return (
    <ul className={`run-branch-events run-only-${side}`} data-testid={`only-${side}`}>
      {events.map((e) => (
        <li key={e.position}>
          <span className="mono">#{e.position}</span> <strong>{e.name}</strong> <span className="run-log-stream">{e.stream_id}</span>
          <div className="mono run-branch-data">{shortValue(e.data, 90)}</div>
        </li>
      ))}
    </ul>
  );
}

export function Branches({ run, status }: { run: RunView; status: RunStatus }) {
  const other = status.branches.find((b) => b.name !== status.branch)?.name ?? status.branch;
  const [left, setLeft] = useState<string>(status.branches.find((b) => b.name === 'main')?.name ?? other);
  const [right, setRight] = useState<string>(status.branch);
  const [diff, setDiff] = useState<BranchDiff | null>(null);
  const [error, setError] = useState<string | null>(null);

  const compare = async () => {
    try {
      const answer = await run.send({ type: 'diff', left, right });
      if (answer.type === 'diff') {
        setDiff(answer.diff);
        setError(null);
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const branchSelect = (value: string, set: (v: string) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(e) => set(e.target.value)} data-testid={`diff-${label.toLowerCase()}`}>
      {status.branches.map((b) => (
        <option key={b.name} value={b.name}>
          {b.name}
        </option>
      ))}
    </select>
  );

  return (
    <section className="run-section" data-testid="branches">
      <table className="run-table">
        <thead>
          <tr>
            <th>branch</th>
            <th>from</th>
            <th>head</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {status.branches.map((b) => (
            <tr key={b.name} className={b.name === status.branch ? 'run-current' : undefined} data-testid="branch-row" data-branch={b.name}>
              <td>
                <strong>{b.name}</strong>
              </td>
              <td className="prop-note">{b.parent ? `${b.parent} @${b.fork_position ?? 0}` : '—'}</td>
              <td className="mono">{b.head}</td>
              <td>
                {b.name === status.branch ? (
                  <span className="prop-note">current</span>
                ) : (
                  <button type="button" onClick={() => void run.ask({ type: 'switch', branch: b.name })} data-testid="branch-switch">
                    Switch
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="prop-note">To branch, scrub back in time above the board and press “Continue from here”.</p>
      <h4>Compare two branches</h4>
      <div className="run-pickers">
        {branchSelect(left, setLeft, 'Left')}
        <span>with</span>
        {branchSelect(right, setRight, 'Right')}
        <button type="button" className="run-primary" onClick={() => void compare()} disabled={left === right} data-testid="diff-run">
          Compare
        </button>
      </div>
      {error ? <p className="prop-error">{error}</p> : null}
      {diff ? (
        <div className="run-branch-diff" data-testid="branch-diff">
          <div className="run-side-by-side">
            <div>
              <h5>Only in {diff.left}</h5>
              <EventList events={diff.only_left} side="left" />
            </div>
            <div>
              <h5>Only in {diff.right}</h5>
              <EventList events={diff.only_right} side="right" />
            </div>
          </div>
          <h5>Documents that differ</h5>
          {diff.documents.length === 0 ? <p className="prop-note">none</p> : null}
          {diff.documents.map((d) => (
            <div key={`${d.read_model}/${d.key}`} className="run-doc" data-testid="diff-document">
              <div className="run-doc-key">
                {d.read_model} · {d.key} <span className="prop-note">({diff.left} → {diff.right})</span>
              </div>
              <DiffTable before={d.before} after={d.after} />
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}
