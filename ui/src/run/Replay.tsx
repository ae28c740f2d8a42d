// Rebuild the read models from the events with the scripts as they are now
// (after a projection was changed), and show which documents changed.

import { useState } from 'react';
import type { ReplayReport } from '../api/generated';
import { DiffTable } from './AggregateInspector';
import type { RunView } from './useRun';

export function Replay({ run }: { run: RunView }) {
  const [report, setReport] = useState<ReplayReport | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="run-replay" data-testid="replay">
      <div className="run-pickers">
        <button
          type="button"
          onClick={async () => {
            setBusy(true);
            const answer = await run.ask({ type: 'replay' });
            setBusy(false);
            if (answer?.type === 'replayed') setReport(answer.report);
          }}
          disabled={busy}
          title="Rebuild this branch's read models from its events with the projection scripts as they are now"
          data-testid="replay-run"
        >
          {busy ? 'Replaying…' : 'Replay read models'}
        </button>
        {report ? (
          <span className="prop-note" data-testid="replay-report">
            {report.events.toLocaleString('en')} events replayed; {report.changed.length === 0 ? 'no document changed' : `${report.changed.length} document(s) changed`}
          </span>
        ) : null}
      </div>
      {report?.changed.map((d) => (
        <div key={`${d.read_model}/${d.key}`} className="run-doc">
          <div className="run-doc-key">
            {d.read_model} · {d.key}
          </div>
          <DiffTable before={d.before} after={d.after} />
        </div>
      ))}
    </div>
  );
}
