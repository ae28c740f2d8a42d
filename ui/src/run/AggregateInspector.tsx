// An aggregate instance's state as of the position looked at, with what its
// last event changed (before → after).

import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api';
import type { AggregateView, Board, Id, InstanceInfo } from '../api/generated';
import { changedOnly, diffRows, shortValue } from './jsonDiff';
import { useSettledRun } from './useSettled';
import type { RunView } from './useRun';

interface Props {
  run: RunView;
  board: Board;
  aggregate: Id | null;
  onAggregate(id: Id): void;
}

export function DiffTable({ before, after, testid }: { before: AggregateView['before']; after: AggregateView['state']; testid?: string }) {
  const rows = changedOnly(diffRows(before, after));
  if (rows.length === 0) return <p className="prop-note">No field changed.</p>;
  return (
    <table className="run-table run-diff" data-testid={testid}>
      <thead>
        <tr>
          <th>field</th>
          <th>before</th>
          <th>after</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path} className={`run-diff-${r.change}`}>
            <td className="mono">{r.path}</td>
            <td className="mono run-before">{shortValue(r.before)}</td>
            <td className="mono run-after">{shortValue(r.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AggregateInspector({ run, board, aggregate, onAggregate }: Props) {
  const aggregates = board.elements.filter((e) => e.kind === 'Aggregate');
  const chosen = aggregate ?? aggregates[0]?.id ?? null;
  const [instances, setInstances] = useState<InstanceInfo[]>([]);
  const [instance, setInstance] = useState<string | null>(null);
  const [view, setView] = useState<AggregateView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { send, revision, at } = useSettledRun(run);

  useEffect(() => {
    if (!chosen) return;
    let live = true;
    send({ type: 'instances', aggregate: chosen, at })
      .then((answer) => {
        if (!live || answer.type !== 'instances') return;
        setInstances(answer.instances);
        setInstance((old) => (old && answer.instances.some((i) => i.instance === old) ? old : (answer.instances[0]?.instance ?? null)));
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [at, chosen, revision, send]);

  useEffect(() => {
    if (!chosen || !instance) return;
    let live = true;
    send({ type: 'aggregate_state', aggregate: chosen, instance, at })
      .then((answer) => {
        if (!live || answer.type !== 'aggregate') return;
        setView(answer.aggregate);
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [at, chosen, instance, revision, send]);

  if (aggregates.length === 0) return <p className="prop-note">The board has no aggregate.</p>;
  const shown = view && view.aggregate === chosen && view.instance === instance ? view : null;
  return (
    <section className="run-section" data-testid="aggregate-inspector">
      <div className="run-pickers">
        <select aria-label="Aggregate" value={chosen ?? ''} onChange={(e) => onAggregate(e.target.value)}>
          {aggregates.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <select aria-label="Instance" data-testid="instance-picker" value={instance ?? ''} onChange={(e) => setInstance(e.target.value)} disabled={instances.length === 0}>
          {instances.length === 0 ? <option value="">no instance yet</option> : null}
          {instances.map((i) => (
            <option key={i.instance} value={i.instance}>
              {i.instance} (v{i.version})
            </option>
          ))}
        </select>
      </div>
      {error ? <p className="prop-error">{error}</p> : null}
      {shown ? (
        <>
          <p className="prop-note">
            {shown.stream_id}, version {shown.version}, as of position {shown.at}
            {shown.last_event !== null ? `; last changed by event #${shown.last_event}` : ''}
          </p>
          <pre className="mono run-json" data-testid="aggregate-state">
            {JSON.stringify(shown.state, null, 2)}
          </pre>
          <h4>What its last event changed</h4>
          <DiffTable before={shown.before} after={shown.state} testid="aggregate-diff" />
        </>
      ) : null}
    </section>
  );
}
