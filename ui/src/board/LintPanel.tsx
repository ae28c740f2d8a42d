// The lint of the board as the backend reported it with the last state.

import { memo, useState } from 'react';
import type { Diagnostic, Id, Report } from '../api/generated';

/**
 * Findings listed at first, most severe first; a big board can have hundreds,
 * and a list nobody scrolls to the end of need not be drawn to its end.
 */
export const FIRST_FINDINGS = 100;

interface LintPanelProps {
  /** The lint as shown: only errors in big picture (lintPhase.ts). */
  lint: Report;
  names: ReadonlyMap<Id, string>;
  onPick(d: Diagnostic): void;
  bigPicture: boolean;
  /** Findings big picture keeps back. */
  held: number;
  onBigPicture(on: boolean): void;
}

/** Memoised: the board re-renders on every step of a drag, the lint does not change then. */
export const LintPanel = memo(function LintPanel({ lint, names, onPick, bigPicture, held, onBigPicture }: LintPanelProps) {
  const [open, setOpen] = useState(true);
  const [all, setAll] = useState(false);
  const [showAllowed, setShowAllowed] = useState(false);
  const listed = all ? lint.diagnostics : lint.diagnostics.slice(0, FIRST_FINDINGS);
  const more = lint.diagnostics.length - listed.length;
  const count = (s: Diagnostic['severity']) => lint.diagnostics.filter((d) => d.severity === s).length;
  return (
    <section className={`lint-panel${open ? '' : ' lint-closed'}`} aria-label="Lint">
      <button type="button" className="lint-header" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span>Lint</span>
        <span className="lint-counts">
          <span className="count-error">{count('error')} errors</span>
          <span className="count-warning">{count('warning')} warnings</span>
          <span className="count-info">{count('info')} info</span>
          {lint.allowed.length > 0 ? <span className="count-allowed">{lint.allowed.length} allowed</span> : null}
        </span>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {open ? (
        <div className="lint-phase">
          <label title="Early in a workshop: only errors, until the team asks for more. Kept for this board in this browser.">
            <input type="checkbox" checked={bigPicture} onChange={(e) => onBigPicture(e.target.checked)} /> Big picture: errors only
          </label>
          {held > 0 ? (
            <button type="button" className="lint-held" onClick={() => onBigPicture(false)}>
              Show {held} more {held === 1 ? 'finding' : 'findings'}
            </button>
          ) : null}
        </div>
      ) : null}
      {open ? (
        lint.diagnostics.length === 0 ? (
          <p className="lint-empty">{held > 0 ? 'No errors.' : 'No findings: the board follows the grammar.'}</p>
        ) : (
          <ul className="lint-list">
            {listed.map((d, i) => {
              const main = d.elements[0];
              return (
                <li key={`${d.code}-${main ?? ''}-${i}`}>
                  <button type="button" className={`lint-item lint-${d.severity}`} onClick={() => onPick(d)} disabled={main === undefined}>
                    <span className="lint-severity">{d.severity}</span>
                    <span className="lint-message">{d.message}</span>
                    <span className="lint-where">
                      {d.code}
                      {main !== undefined ? ` · ${names.get(main) ?? main}` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
            {more > 0 ? (
              <li>
                <button type="button" className="lint-more" onClick={() => setAll(true)}>
                  Show {more} more {more === 1 ? 'finding' : 'findings'}
                </button>
              </li>
            ) : null}
          </ul>
        )
      ) : null}
      {open && lint.allowed.length > 0 ? (
        <div className="lint-allowed">
          <button type="button" className="lint-allowed-toggle" onClick={() => setShowAllowed(!showAllowed)} aria-expanded={showAllowed}>
            {showAllowed ? '▾' : '▸'} {lint.allowed.length} allowed {lint.allowed.length === 1 ? 'finding' : 'findings'}
          </button>
          {showAllowed ? (
            <ul className="lint-list">
              {lint.allowed.map((a, i) => (
                <li key={`${a.diagnostic.code}-${a.by}-${i}`}>
                  <button type="button" className={`lint-item lint-allowed-item lint-${a.diagnostic.severity}`} onClick={() => onPick({ ...a.diagnostic, elements: [a.by] })}>
                    <span className="lint-severity">allowed</span>
                    <span className="lint-message">{a.diagnostic.message}</span>
                    <span className="lint-where">
                      {a.diagnostic.code} · allowed on {names.get(a.by) ?? a.by}: “{a.reason}”
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
});
