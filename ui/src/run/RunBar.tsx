// The bar of Run mode under the toolbar: the controls (Step, Play, Pause,
// Run to quiet, speed), the virtual clock, the branch, a new run, and the
// time-travel scrubber over the branch's positions.

import { useState } from 'react';
import type { RunStatus } from '../api/generated';
import { SPEEDS } from './player';
import type { RunView } from './useRun';

/** The clock as people read it: `Sat 5 Dec 2026, 09:30 UTC`. */
export function clockText(now: string): string {
  const date = new Date(now);
  if (Number.isNaN(date.getTime())) return now;
  const day = date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day}, ${time} UTC`;
}

/** Whether `by` reads as a duration the clock takes: `30m`, `1h`, `2d`, `90s`, `1w`. */
export const isDuration = (by: string) => /^\s*\d+\s*[smhdw]\s*$/i.test(by);

export function RunBar({ run, status }: { run: RunView; status: RunStatus }) {
  const [custom, setCustom] = useState('');
  const { player } = run;
  const pending = status.pending;
  const viewing = run.at ?? status.head;
  const advance = (by: string) => void run.ask({ type: 'advance_clock', by: by.trim() });
  const fork = async () => {
    const at = run.at ?? status.head;
    const name = window.prompt(`Continue from position ${at} on a new branch named:`, `what-if-${at}`);
    if (name === null) return;
    const answer = await run.ask({ type: 'fork', name: name.trim() || null, at });
    if (answer) run.setAt(null);
  };
  return (
    <div className="run-bar" data-testid="run-bar">
      <div className="run-bar-row">
        <div className="run-controls" role="group" aria-label="Run controls">
          <button type="button" data-testid="run-step" onClick={() => run.control('step')} disabled={pending === 0 || player.busy !== null} title="Process the next queued command, one step (F10 or Ctrl+Enter)">
            Step
          </button>
          {player.playing ? (
            <button type="button" data-testid="run-pause" className="run-primary" onClick={() => run.control('pause')} title="Pause after this step (Space)">
              ❚❚ Pause
            </button>
          ) : (
            <button type="button" data-testid="run-play" className="run-primary" onClick={() => run.control('play')} disabled={pending === 0} title="Play the queue one step at a time, at the chosen speed (Space)">
              ▶ Play
            </button>
          )}
          <select aria-label="Play speed" data-testid="run-speed" value={run.speedMs} onChange={(e) => run.setSpeedMs(Number(e.target.value))} title="How long Play pauses between steps">
            {SPEEDS.map((s) => (
              <option key={s.ms} value={s.ms}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="button" data-testid="run-quiet" onClick={() => run.control('quiet')} disabled={pending === 0 || player.busy === 'quiet'} title="Process the whole queue until nothing is left (Ctrl+Shift+Enter)">
            Run to quiet
          </button>
        </div>
        <span className={pending > 0 ? 'run-pending run-pending-some' : 'run-pending'} data-testid="run-pending">
          {pending === 0 ? 'queue empty' : `${pending.toLocaleString('en')} queued`}
        </span>
        <span className="run-stats" title="Processed commands in this branch, and how many were refused">
          {status.commands.toLocaleString('en')} {status.commands === 1 ? 'command' : 'commands'}{status.rejected > 0 ? `, ${status.rejected.toLocaleString('en')} refused` : ''}
        </span>
        <div className="run-clock" role="group" aria-label="Virtual clock">
          <span className="run-clock-time" data-testid="run-clock" title={`The virtual clock scripts read with now(): ${status.now}`}>
            <span className="run-clock-label">clock</span> {clockText(status.now)}
          </span>
          <button type="button" onClick={() => advance('1h')} title="Move the virtual clock on by an hour">
            +1h
          </button>
          <button type="button" onClick={() => advance('1d')} title="Move the virtual clock on by a day">
            +1d
          </button>
          <form
            className="run-clock-custom"
            onSubmit={(e) => {
              e.preventDefault();
              if (isDuration(custom)) {
                advance(custom);
                setCustom('');
              }
            }}
          >
            <input aria-label="Advance the clock by" placeholder="30m, 2d…" value={custom} onChange={(e) => setCustom(e.target.value)} size={6} />
            <button type="submit" disabled={!isDuration(custom)} title="Move the clock on by this much (s, m, h, d, w)">
              +
            </button>
          </form>
        </div>
        <button
          type="button"
          className="run-new"
          data-testid="run-new"
          onClick={() => {
            if (window.confirm('Start a new run? The events so far are kept aside in their own file, not deleted.')) void run.newRun();
          }}
          title="Start again with no events (the old store file is kept aside)"
        >
          New run
        </button>
      </div>
      <div className="run-bar-row run-travel">
        <label className="run-branch">
          <span>Branch</span>
          <select
            data-testid="run-branch"
            value={status.branch}
            onChange={(e) => void run.ask({ type: 'switch', branch: e.target.value })}
            title="Switch to another branch of the run"
          >
            {status.branches.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
                {b.parent ? ` (from ${b.parent} @${b.fork_position ?? 0})` : ''}
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          className="run-scrubber"
          data-testid="run-scrubber"
          aria-label="Position in time"
          min={0}
          max={Math.max(status.head, 0)}
          value={viewing}
          disabled={status.head === 0}
          onChange={(e) => run.setAt(Number(e.target.value))}
          title="Look at the states and documents as of an earlier position; later events are kept"
        />
        <span className="run-position" data-testid="run-position">
          {run.at === null ? `head · position ${status.head}` : `position ${run.at} of ${status.head}`}
        </span>
        {run.at !== null ? (
          <>
            <button type="button" onClick={() => run.setAt(null)} data-testid="run-to-head" title="Back to the latest position">
              Back to head
            </button>
            <button type="button" className="run-primary" onClick={() => void fork()} data-testid="run-fork" title="Continue from this position on a new what-if branch; this branch keeps every later event">
              Continue from here
            </button>
          </>
        ) : (
          <button type="button" onClick={() => void fork()} data-testid="run-fork" title="Start a what-if branch from the head">
            Fork
          </button>
        )}
      </div>
      {status.problem ? (
        <div className="run-problem" role="alert" data-testid="run-problem">
          The board cannot run as it is: {status.problem}
        </div>
      ) : null}
    </div>
  );
}
