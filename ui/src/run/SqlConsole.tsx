// A read-only SQL console over the run's store: one statement, a result
// table, and the backend's refusal when the statement would write.

import { useState } from 'react';
import { errorMessage } from '../api/api';
import type { QueryResult } from '../api/generated';
import { cellText } from './jsonDiff';
import type { RunView } from './useRun';

const EXAMPLE = "SELECT position, stream_id, event_type, payload\nFROM visible_events\nWHERE visible_in = 'main'\nORDER BY position DESC\nLIMIT 50";

export function SqlConsole({ run }: { run: RunView }) {
  const [sql, setSql] = useState(EXAMPLE);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const execute = async () => {
    setBusy(true);
    try {
      const answer = await run.send({ type: 'query', sql, limit: 500 });
      if (answer.type === 'rows') {
        setResult(answer.rows);
        setError(null);
      }
    } catch (err) {
      setError(errorMessage(err));
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="run-section run-sql" data-testid="sql-console">
      <p className="prop-note">
        Read-only: one SELECT over the run’s store (tables <code>events</code>, <code>commands</code>, <code>documents</code>, view{' '}
        <code>visible_events</code>). Ctrl+Enter runs it.
      </p>
      <textarea
        className="mono"
        rows={5}
        aria-label="SQL"
        value={sql}
        spellCheck={false}
        onChange={(e) => setSql(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.stopPropagation();
            void execute();
          }
        }}
        data-testid="sql-input"
      />
      <div className="run-form-buttons">
        <button type="button" className="run-primary" onClick={() => void execute()} disabled={busy || sql.trim() === ''} data-testid="sql-run">
          Run query
        </button>
      </div>
      {error ? (
        <p className="prop-error" role="alert" data-testid="sql-error">
          {error}
        </p>
      ) : null}
      {result ? (
        <>
          <p className="prop-note">
            {result.rows.length} row{result.rows.length === 1 ? '' : 's'}
            {result.truncated ? ' (more matched; only these are shown)' : ''}
          </p>
          <div className="run-table-wrap">
            <table className="run-table" data-testid="sql-result">
              <thead>
                <tr>
                  {result.columns.map((c, i) => (
                    <th key={i}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, i) => (
                      <td key={i} className="mono">
                        {cellText(cell)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
