// Presence over the page's push socket: the transport (api/http.ts) hands
// this the socket when it opens and every presence push it hears; the UI
// reads the room from it and says where its person points and looks. It
// joins again whenever the socket reopens, because the server forgets a
// participant whose socket closed.

import type { Participant, PresenceMessage, Push } from '../api/generated';
import type { Identity } from './identity';
import { EMPTY_ROOM, reduceRoom, withNames, type Room, type RoomEvent } from './room';

/** What a client says about itself after joining; fields left out stay as they were. */
export type PresenceUpdate = Omit<Extract<PresenceMessage, { type: 'update' }>, 'type'>;

/** The part of a socket presence is said over. */
export interface Outlet {
  send(text: string): void;
}

export interface PresenceSnapshot extends Room {
  /** The name and colour this page joins under; null until the person chose them. */
  identity: Identity | null;
}

export class PresenceChannel {
  private outlet: Outlet | null = null;
  private snapshot: PresenceSnapshot = { ...EMPTY_ROOM, identity: null };
  private readonly listeners = new Set<() => void>();
  /** What this page said last (view, selection, presenting), said again after a re-join. */
  private said: PresenceUpdate = {};
  private joining = false;
  /** The id this page had: asked back when it joins again, so its undo history stays its own. */
  private lastId: string | null = readLastId();

  /** The socket opened: come in (again) under the chosen name. */
  attach(outlet: Outlet): void {
    this.outlet = outlet;
    this.joining = false;
    this.sendJoin();
  }

  /** The socket closed: until it reopens and the page joins again, nobody is here. */
  detach(outlet: Outlet): void {
    if (this.outlet !== outlet) return;
    this.outlet = null;
    this.joining = false;
    this.apply({ type: 'left' });
  }

  /** A push from the socket; true when it was about presence (the board's pushes go elsewhere). */
  hear(push: Push): boolean {
    if (push.type === 'joined') {
      this.joining = false;
      this.lastId = push.participant.id;
      saveLastId(push.participant.id);
      this.apply({ type: 'joined', participant: push.participant });
      // The server starts a participant blank: tell it again what this page shows.
      if (Object.keys(this.said).length > 0) this.write({ type: 'update', ...this.said });
      return true;
    }
    if (push.type === 'presence') {
      this.apply({ type: 'presence', participants: push.participants });
      return true;
    }
    return false;
  }

  /** Join under this name and colour, or, already in, change to them. */
  join(identity: Identity): void {
    this.set({ ...this.snapshot, identity });
    if (this.snapshot.me) this.write({ type: 'update', name: identity.name, colour: identity.colour });
    else this.sendJoin();
  }

  /** Say where this page's person points, what they selected, what they look at. Dropped until joined, except what is said again after joining. */
  say(update: PresenceUpdate): void {
    // A pointer said again after a reconnect would be stale: it goes out when it next moves.
    const lasting = { ...update };
    delete lasting.cursor;
    this.said = { ...this.said, ...lasting };
    if (this.snapshot.me) this.write({ type: 'update', ...update });
  }

  /** The id requests carry (`X-Squall-Participant`): whose undo history an edit joins. */
  participantId(): string | null {
    return this.snapshot.me?.id ?? null;
  }

  /** A message of the backend's with the participants it names by id named as people know them. */
  named(message: string): string {
    return withNames(message, this.snapshot.participants);
  }

  get me(): Participant | null {
    return this.snapshot.me;
  }

  getSnapshot = (): PresenceSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private sendJoin(): void {
    const identity = this.snapshot.identity;
    if (!identity || this.joining || this.snapshot.me) return;
    const join: PresenceMessage = { type: 'join', name: identity.name, colour: identity.colour };
    if (this.lastId) join.resume = this.lastId;
    if (this.write(join)) this.joining = true;
  }

  private write(message: PresenceMessage): boolean {
    if (!this.outlet) return false;
    try {
      this.outlet.send(JSON.stringify(message));
      return true;
    } catch {
      // A socket closing under us: its close handler detaches and the next open joins again.
      return false;
    }
  }

  private apply(event: RoomEvent): void {
    const room = reduceRoom(this.snapshot, event);
    if (room.me !== this.snapshot.me || room.participants !== this.snapshot.participants) {
      this.set({ ...this.snapshot, ...room });
    }
  }

  private set(next: PresenceSnapshot): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

/** Per tab, so a reload keeps its id and a second tab gets its own. */
const LAST_ID_KEY = 'squall.participant';

function readLastId(): string | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(LAST_ID_KEY);
  } catch {
    return null;
  }
}

function saveLastId(id: string): void {
  try {
    if (typeof sessionStorage !== 'undefined') sessionStorage.setItem(LAST_ID_KEY, id);
  } catch {
    // Storage refused (private mode): a reload then starts a new history, nothing worse.
  }
}
