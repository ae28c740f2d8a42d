// The kinds of sticky, in the backend's palette order, with their shortcuts.

import type { Kind, KindInfo } from '../api/generated';

export const DRAG_KIND = 'application/x-squall-kind';

export function Palette({ kinds, last, onPick }: { kinds: KindInfo[]; last: Kind; onPick(kind: Kind): void }) {
  return (
    <nav className="palette" aria-label="Palette">
      {kinds.map((k) => (
        <button
          key={k.kind}
          type="button"
          className={`palette-item${k.kind === last ? ' palette-last' : ''}`}
          title={`Add ${k.label.toLowerCase()} (${k.shortcut}); or drag it onto the board`}
          // A narrow window hides the word; the button is still named by it.
          aria-label={k.label}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(DRAG_KIND, k.kind);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onPick(k.kind)}
        >
          <span className="palette-swatch" style={{ background: k.colour }} />
          <span className="palette-label">{k.label}</span>
          <kbd>{k.shortcut}</kbd>
        </button>
      ))}
    </nav>
  );
}
