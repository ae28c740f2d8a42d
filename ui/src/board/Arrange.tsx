// The align and distribute buttons shown while several stickies are selected.

import { ARRANGEMENTS, NEEDS, type Arrangement } from './arrange';

export function ArrangeBar({ count, onArrange }: { count: number; onArrange(how: Arrangement): void }) {
  return (
    <div className="arrange-bar" role="group" aria-label="Align and distribute">
      {ARRANGEMENTS.map((a) => (
        <button
          key={a.kind}
          type="button"
          className={`arrange-${a.kind}`}
          title={a.title}
          aria-label={a.title}
          disabled={count < NEEDS[a.kind]}
          onClick={() => onArrange(a.kind)}
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
