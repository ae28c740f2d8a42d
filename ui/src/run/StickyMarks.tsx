// A sticky's marks in Run mode, drawn inside the board's own sticky (nodes.tsx
// renders this): the glow along a chain, the event count, a refusal, a
// script error. Nothing is drawn in Design mode.

import type { CSSProperties } from 'react';
import type { StickyMark } from './marks';
import './run.css';

/** Classes the sticky takes from its mark. */
export function markClasses(mark: StickyMark | null): string {
  if (!mark) return '';
  return [
    mark.beat !== null ? 'run-lit' : '',
    mark.active ? 'run-active' : '',
    mark.rejected ? 'run-rejected' : '',
    mark.error ? 'run-error' : '',
    mark.chosen ? 'run-chosen' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function StickyMarks({ mark }: { mark: StickyMark | null }) {
  if (!mark) return null;
  const glow = { animationDelay: `${(mark.beat ?? 0) * mark.beatMs}ms` } as CSSProperties;
  return (
    <>
      {mark.beat !== null ? <span key={mark.generation} className="run-glow" style={glow} aria-hidden="true" /> : null}
      {mark.count !== null ? (
        <span className="run-count" data-testid="event-count" title={`${mark.count} event(s) in this branch`}>
          {mark.count.toLocaleString('en')}
        </span>
      ) : null}
      {mark.rejected ? (
        <div className="run-note run-note-rejected" data-testid="sticky-rejected" title={mark.rejected}>
          ✕ {mark.rejected}
        </div>
      ) : null}
      {mark.error ? (
        <div className="run-note run-note-error" data-testid="sticky-error" title={mark.error}>
          ⚠ {mark.error}
        </div>
      ) : null}
    </>
  );
}
