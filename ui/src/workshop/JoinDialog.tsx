// The first thing a person sees on a served board: a name and a colour, so
// the others know whose pointer is whose. Asked once per browser and board
// address; the same dialog changes them later (a click on your own badge).

import { useState, useSyncExternalStore, type FormEvent } from 'react';
import type { PresenceChannel } from './channel';
import { cleanName, COLOUR_NAMES, freeColour, MAX_NAME, PALETTE, type Identity } from './identity';
import './workshop.css';

interface Props {
  channel: PresenceChannel;
  /** What the dialog starts from: the name chosen before, when changing it. */
  initial: Identity | null;
  onJoin(identity: Identity): void;
  /** Only when changing: a first visit must choose. */
  onCancel?: () => void;
}

export function JoinDialog({ channel, initial, onJoin, onCancel }: Props) {
  const room = useSyncExternalStore(channel.subscribe, channel.getSnapshot);
  const [name, setName] = useState(initial?.name ?? '');
  const [colour, setColour] = useState(
    () => initial?.colour ?? freeColour(room.participants.map((p) => p.colour), Math.floor(Math.random() * PALETTE.length)),
  );
  const clean = cleanName(name);
  const worn = new Map(room.participants.filter((p) => p.id !== room.me?.id).map((p) => [p.colour.toLowerCase(), p.name]));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (clean) onJoin({ name: clean, colour });
  };

  return (
    <div className="join-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel?.()}>
      <form className="join-dialog" role="dialog" aria-modal="true" aria-labelledby="join-title" onSubmit={submit} data-testid="join-dialog">
        <h2 id="join-title">{onCancel ? 'Your name and colour' : 'Join the board'}</h2>
        <p className="join-note">Everyone on the board sees your pointer and what you select, with this name, in this colour.</p>
        <label className="join-name">
          <span>Name</span>
          <input
            // The one thing to do here is to type a name.
            autoFocus
            value={name}
            maxLength={MAX_NAME}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Ann"
            data-testid="join-name"
          />
        </label>
        <fieldset className="join-colours">
          <legend>Colour</legend>
          {PALETTE.map((c) => (
            <label key={c} className="join-colour" title={worn.has(c) ? `${COLOUR_NAMES[c] ?? c} (${worn.get(c) ?? ''} wears it too)` : (COLOUR_NAMES[c] ?? c)}>
              <input type="radio" name="colour" value={c} checked={colour === c} onChange={() => setColour(c)} aria-label={COLOUR_NAMES[c] ?? c} />
              <span className="join-swatch" style={{ background: c }} data-worn={worn.has(c) || undefined} />
            </label>
          ))}
        </fieldset>
        <div className="join-buttons">
          {onCancel ? (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
          <button type="submit" className="join-go" disabled={!clean} data-testid="join-go">
            {onCancel ? 'Change' : 'Join'}
          </button>
        </div>
      </form>
    </div>
  );
}
