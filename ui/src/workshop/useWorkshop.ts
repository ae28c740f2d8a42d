// The editor's view of the workshop: who this page is (id and role, which
// change rarely), what that role may do on the board now, and whether the
// page must still ask for a name. Cursors and the rest of the room, which
// change many times a second, stay in the components that draw them.

import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Api } from '../api/api';
import type { Role, State } from '../api/generated';
import type { PresenceChannel } from './channel';
import { rememberIdentity, rememberedIdentity, type Identity } from './identity';
import { permissions, roleBadge, type Permissions } from './roles';
import { withOwnHistory } from './room';

export interface Workshop {
  /** Presence over the push socket; null on the desktop, where one person works alone. */
  channel: PresenceChannel | null;
  /** This page's participant id, once joined. */
  me: string | null;
  role: Role | null;
  may: Permissions;
  /** Why the board does not change under this person's hands (`Viewing`, `Locked by the facilitator`). */
  badge: string | null;
  /** The join dialog is open: on a first visit, or to change name or colour. */
  asking: boolean;
  /** The identity the dialog starts from. */
  identity: Identity | null;
  join(identity: Identity): void;
  /** Open the dialog again, to change name or colour. */
  rename(): void;
  cancelRename(): void;
}

const none = () => () => {};
const nothing = () => null;

export function useWorkshop(api: Api, locked: boolean): Workshop {
  const channel = api.presence ?? null;
  const subscribe = channel ? channel.subscribe : none;
  const me = useSyncExternalStore(subscribe, channel ? () => channel.getSnapshot().me?.id ?? null : nothing);
  const role = useSyncExternalStore(subscribe, channel ? () => channel.getSnapshot().me?.role ?? null : nothing);
  const identity = useSyncExternalStore(subscribe, channel ? () => channel.getSnapshot().identity : nothing);
  // Read once: a reload joins silently under the name chosen before.
  const [remembered] = useState(() => (channel ? rememberedIdentity() : null));
  const [renaming, setRenaming] = useState(false);

  useEffect(() => {
    if (channel && remembered && !channel.getSnapshot().identity) channel.join(remembered);
  }, [channel, remembered]);

  const join = useCallback(
    (chosen: Identity) => {
      rememberIdentity(chosen);
      channel?.join(chosen);
      setRenaming(false);
    },
    [channel],
  );
  const rename = useCallback(() => setRenaming(true), []);
  const cancelRename = useCallback(() => setRenaming(false), []);

  const asking = channel !== null && ((identity === null && remembered === null) || renaming);
  return useMemo(
    () => ({
      channel,
      me,
      role,
      may: permissions(role, locked),
      badge: roleBadge(role, locked),
      asking,
      identity: identity ?? remembered,
      join,
      rename,
      cancelRename,
    }),
    [asking, cancelRename, channel, identity, join, locked, me, remembered, rename, role],
  );
}

/** The state with this person's own undo and redo as `can_undo`/`can_redo`, kept while neither changes. */
export function useOwnState(state: State | null, me: string | null): State | null {
  return useMemo(() => (state ? withOwnHistory(state, me) : null), [state, me]);
}
