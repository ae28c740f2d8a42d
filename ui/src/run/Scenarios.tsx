// The board's scenarios: run all or one, pass or fail with a readable diff;
// and a processed user command saved as a new scenario (a board edit, so
// one undo step).

import { useState } from 'react';
import type { Scenario, ScenarioResult } from '../api/generated';
import type { RunView } from './useRun';

interface Props {
  run: RunView;
  scenarios: Scenario[];
  onSave(commandId: string, name: string): void;
}

/** A failure's lines, coloured as expected (-) and actual (+). */
function FailureDiff({ text }: { text: string }) {
  return (
    <pre className="mono run-failure" data-testid="scenario-failure">
      {text.split('\n').map((line, i) => (
        <div key={i} className={line.startsWith('-') ? 'run-expected' : line.startsWith('+') ? 'run-actual' : undefined}>
          {line}
        </div>
      ))}
    </pre>
  );
}

export function Scenarios({ run, scenarios, onSave }: Props) {
  const [results, setResults] = useState<Map<string, ScenarioResult>>(new Map());
  const [busy, setBusy] = useState(false);

  const runThem = async (name: string | null) => {
    setBusy(true);
    const answer = await run.ask({ type: 'run_scenarios', name });
    setBusy(false);
    if (answer?.type !== 'scenarios') return;
    setResults((old) => {
      const next = name === null ? new Map<string, ScenarioResult>() : new Map(old);
      for (const r of answer.results) next.set(r.name, r);
      return next;
    });
  };

  const passed = [...results.values()].filter((r) => r.passed).length;
  const failed = results.size - passed;
  const userCommands = run.recent.filter((t) => t.command.origin.by === 'user').slice(0, 8);

  return (
    <section className="run-section" data-testid="scenarios">
      <div className="run-pickers">
        <button type="button" className="run-primary" onClick={() => void runThem(null)} disabled={busy || scenarios.length === 0} data-testid="scenarios-run-all">
          Run all {scenarios.length}
        </button>
        {results.size > 0 ? (
          <span className="run-tally" data-testid="scenarios-tally">
            <span className="run-pass">{passed} passed</span>
            {failed > 0 ? <span className="run-fail">{failed} failed</span> : null}
          </span>
        ) : null}
      </div>
      <p className="prop-note">Each runs on a fresh store of its own; the run on the board is not touched.</p>
      <ul className="run-scenarios">
        {scenarios.map((s) => {
          const r = results.get(s.name);
          return (
            <li key={s.name} data-testid="scenario" data-passed={r ? String(r.passed) : undefined} className={r ? (r.passed ? 'run-scenario-pass' : 'run-scenario-fail') : undefined}>
              <div className="run-scenario-line">
                <span className="run-scenario-mark">{r ? (r.passed ? '✓' : '✕') : '·'}</span>
                <span className="run-scenario-name" title={s.description ?? undefined}>
                  {s.name}
                </span>
                <button type="button" onClick={() => void runThem(s.name)} disabled={busy} title="Run this scenario alone">
                  Run
                </button>
              </div>
              {r?.failure ? <FailureDiff text={r.failure} /> : null}
            </li>
          );
        })}
      </ul>
      <h4>Save a command as a scenario</h4>
      {userCommands.length === 0 ? (
        <p className="prop-note">Commands people submit in this run show here; save one, with the events before it and its cascade, as a scenario.</p>
      ) : (
        <ul className="run-recent">
          {userCommands.map((t) => (
            <li key={t.command.id}>
              <span>
                <strong>{t.command.name}</strong> <span className="mono">{JSON.stringify(t.command.data)}</span>
                {t.outcome === 'rejected' ? <span className="run-fail"> refused: {t.reason}</span> : null}
              </span>
              <button
                type="button"
                data-testid="save-as-scenario"
                onClick={() => {
                  const name = window.prompt(`Save ${t.command.name} and its cascade as a scenario named:`, `${t.command.name} ${t.stream_id ?? ''}`.trim());
                  if (name && name.trim()) onSave(t.command.id, name.trim());
                }}
              >
                Save as scenario
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
