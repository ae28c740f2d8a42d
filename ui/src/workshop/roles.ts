// What each role may do on a served board, as the backend enforces it
// (squall-api's workspace.rs `may`): the UI hides and disables what would
// be refused, so nobody is offered a gesture that ends in an error.

import type { Role } from '../api/generated';

export interface Permissions {
  /** Change the board and move the run. */
  edit: boolean;
  /** Present: everyone following sees this view. */
  present: boolean;
  /** Lock and unlock the board. */
  lock: boolean;
}

/**
 * `role` is null before the server answered a join, and on the desktop:
 * requests then go as the local user, who may do everything.
 */
export function permissions(role: Role | null, locked: boolean): Permissions {
  const facilitator = role === 'facilitator';
  return {
    edit: role === null || facilitator || (role === 'participant' && !locked),
    present: facilitator,
    lock: facilitator,
  };
}

/** The badge that says why the board does not change under this person's hands. */
export function roleBadge(role: Role | null, locked: boolean): string | null {
  if (role === 'viewer') return 'Viewing';
  if (role === 'participant' && locked) return 'Locked by the facilitator';
  return null;
}

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * The keys a read-only board still answers: switching modes (F5), finding
 * (Ctrl+F) and letting go of the selection (Escape). Everything else would
 * change the board or move the run.
 */
export function readOnlyKey(e: KeyLike): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'F5' || e.key === 'Escape') return !mod && !e.altKey;
  return mod && !e.altKey && e.key.toLowerCase() === 'f';
}

export const ROLE_LABEL: Record<Role, string> = {
  facilitator: 'facilitator',
  participant: 'participant',
  viewer: 'viewer',
};
