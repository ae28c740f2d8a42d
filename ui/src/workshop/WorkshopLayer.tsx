// The workshop on the canvas: the others' pointers and selections drawn in
// the board's own coordinates (xyflow's viewport portal, so they pan and
// zoom with the stickies), who is here, the role's badge, and the
// facilitator's Present and Lock toggles. Rendered inside <ReactFlow>.

import { Panel, ViewportPortal, useStore, type InternalNode, type ReactFlowState } from '@xyflow/react';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { Board, Participant, Request, Response } from '../api/generated';
import type { Mode } from '../run/mode';
import type { PresenceChannel } from './channel';
import { initials } from './identity';
import { ROLE_LABEL } from './roles';
import { othersIn } from './room';
import { useFollow } from './useFollow';
import { useSayPresence } from './useSayPresence';
import type { Workshop } from './useWorkshop';
import './workshop.css';

interface Props {
  workshop: Workshop;
  channel: PresenceChannel;
  board: Board;
  locked: boolean;
  mode: Mode;
  onMode(mode: Mode): void;
  request(request: Request): Promise<Response | null>;
  /** Show the whole board again: a viewer's canvas widened into the palette's place. */
  onRefit(): void;
}

export function WorkshopLayer({ workshop, channel, board, locked, mode, onMode, request, onRefit }: Props) {
  const room = useSyncExternalStore(channel.subscribe, channel.getSnapshot);
  const me = room.me;
  const presenting = me?.presenting ?? false;
  useSayPresence(channel, mode, presenting);
  const follow = useFollow(room.participants, me?.id ?? null, mode, onMode);
  const others = othersIn(room);

  // The board was fitted before the server said this page is a viewer's, whose canvas has no palette beside it.
  const viewer = workshop.role === 'viewer';
  const refit = useRef(onRefit);
  useEffect(() => {
    refit.current = onRefit;
  });
  useEffect(() => {
    if (viewer && !follow.following) refit.current();
    // Only when the role comes in, not on every move of a presenter this page follows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewer]);

  const present = useCallback(() => channel.say({ presenting: !presenting }), [channel, presenting]);
  const lock = useCallback(() => void request({ type: 'lock', locked: !locked }), [locked, request]);

  return (
    <>
      <ViewportPortal>
        <Others others={others} board={board} />
      </ViewportPortal>
      {follow.following && follow.presenter ? (
        <div className="follow-frame" style={{ borderColor: follow.presenter.colour }} data-testid="follow-frame" />
      ) : null}
      <Panel position="top-right" className="workshop-panel" data-testid="workshop-panel">
        <div className="workshop-row">
          {workshop.badge ? (
            <span
              className={workshop.role === 'viewer' ? 'workshop-badge badge-viewing' : 'workshop-badge badge-locked'}
              title={
                workshop.role === 'viewer'
                  ? 'You watch this board live: look around, find, inspect and follow; only participants change it'
                  : 'The facilitator has locked the board: look and inspect; changes wait until it is unlocked'
              }
              data-testid="role-badge"
            >
              {workshop.badge}
            </span>
          ) : null}
          {workshop.may.lock && locked ? (
            <span className="workshop-badge badge-locked" title="Participants cannot change the board until you unlock it">
              Locked
            </span>
          ) : null}
          <ul className="who-is-here" aria-label="Who is here" data-testid="who-is-here">
            {room.participants.map((p) => (
              <li key={p.id}>
                <Avatar participant={p} mine={p.id === me?.id} onRename={workshop.rename} />
              </li>
            ))}
          </ul>
        </div>
        {workshop.may.present || workshop.may.lock ? (
          <div className="workshop-row workshop-tools">
            <button type="button" aria-pressed={presenting} className={presenting ? 'workshop-on' : ''} onClick={present} data-testid="present" title={presenting ? 'Stop presenting: the others get their own view back' : 'Present: everyone following sees what you see, Run mode included'}>
              {presenting ? '◉ Presenting' : 'Present'}
            </button>
            <button type="button" aria-pressed={locked} className={locked ? 'workshop-on' : ''} onClick={lock} data-testid="lock" title={locked ? 'Unlock: participants may change the board again' : 'Lock the board: participants look but cannot change it'}>
              {locked ? '🔒 Unlock board' : 'Lock board'}
            </button>
          </div>
        ) : null}
        {follow.presenter ? (
          <div className="workshop-row workshop-follow" data-testid="follow-status">
            <span className="follow-dot" style={{ background: follow.presenter.colour }} />
            {follow.following ? (
              <>
                <span>Following {follow.presenter.name}</span>
                <button type="button" onClick={() => follow.setFollowing(false)} data-testid="stop-following">
                  Stop following
                </button>
              </>
            ) : (
              <>
                <span>{follow.presenter.name} is presenting</span>
                <button type="button" onClick={() => follow.setFollowing(true)} data-testid="follow">
                  Follow
                </button>
              </>
            )}
          </div>
        ) : null}
      </Panel>
    </>
  );
}

function Avatar({ participant: p, mine, onRename }: { participant: Participant; mine: boolean; onRename(): void }) {
  const label = `${p.name} (${mine ? 'you, ' : ''}${ROLE_LABEL[p.role]}${p.presenting ? ', presenting' : ''})`;
  const badge = (
    <span className="avatar-initials" style={p.role === 'viewer' ? { color: p.colour, borderColor: p.colour } : { background: p.colour }}>
      {initials(p.name)}
    </span>
  );
  return mine ? (
    <button type="button" className="avatar avatar-mine" data-role={p.role} title={`${label}: change your name or colour`} aria-label={label} onClick={onRename} data-testid="avatar">
      {badge}
      <span className="avatar-you">you</span>
    </button>
  ) : (
    <span className="avatar" data-role={p.role} title={label} aria-label={label} data-testid="avatar">
      {badge}
    </span>
  );
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The board's box of each selected sticky or frame: as drawn (a drag in flight included), or as the board has it. */
function rectsOf(lookup: ReactFlowState['nodeLookup'], board: Board, ids: readonly string[]): (Rect | null)[] {
  return ids.map((id) => {
    const node = lookup.get(id) as InternalNode | undefined;
    if (node) {
      const width = node.measured.width ?? node.width ?? 0;
      const height = node.measured.height ?? node.height ?? 0;
      return { ...node.internals.positionAbsolute, width, height };
    }
    const element = board.elements.find((e) => e.id === id) ?? board.groups.find((g) => g.id === id);
    return element && element.size.width > 0 ? { ...element.position, ...element.size } : null;
  });
}

const sameRects = (a: (Rect | null)[], b: (Rect | null)[]) =>
  a.length === b.length &&
  a.every((r, i) => {
    const s = b[i];
    return r === s || (r !== null && s !== null && s !== undefined && r.x === s.x && r.y === s.y && r.width === s.width && r.height === s.height);
  });

function Others({ others, board }: { others: Participant[]; board: Board }) {
  const zoom = useStore((s) => s.transform[2]);
  const selections = others.flatMap((p) => p.selection.map((id) => ({ id, who: p })));
  const ids = selections.map((s) => s.id);
  const key = ids.join('\n');
  const rects = useStore(
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is `ids` by value
    useCallback((s: ReactFlowState) => rectsOf(s.nodeLookup, board, ids), [board, key]),
    sameRects,
  );
  const scale = 1 / zoom;
  return (
    <div className="presence-layer">
      {selections.map(({ id, who }, i) => {
        const r = rects[i];
        if (!r) return null;
        const pad = 5 * scale;
        return (
          <div
            key={`${who.id}-${id}`}
            className="presence-selection"
            data-testid="presence-selection"
            data-who={who.name}
            data-id={id}
            style={{
              transform: `translate(${r.x - pad}px, ${r.y - pad}px)`,
              width: r.width + 2 * pad,
              height: r.height + 2 * pad,
              borderColor: who.colour,
              borderWidth: 2.5 * scale,
              borderRadius: 6 * scale,
            }}
          />
        );
      })}
      {others.map((p) =>
        p.cursor ? (
          <div
            key={p.id}
            className="presence-cursor"
            data-testid="presence-cursor"
            data-who={p.name}
            style={{ transform: `translate(${p.cursor.x}px, ${p.cursor.y}px) scale(${scale})` }}
          >
            <svg width="18" height="22" viewBox="0 0 18 22" aria-hidden="true">
              <path d="M1 1 L1 17 L5.5 13 L8.5 20.5 L11.5 19.3 L8.6 12 L15 12 Z" fill={p.colour} stroke="#fff" strokeWidth="1.5" strokeLinejoin="round" />
            </svg>
            <span className="presence-name" style={{ background: p.colour }}>
              {p.name}
            </span>
          </div>
        ) : null,
      )}
    </div>
  );
}
