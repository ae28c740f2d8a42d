// Follow-me: while the facilitator presents, everyone else's canvas shows
// what the presenter's shows (the same viewport transform, the same mode).
// A person may stop following and resume; a new presentation starts with
// everyone following again.

import type { Participant, View } from '../api/generated';
import type { Mode } from '../run/mode';

/** The facilitator presenting (not this page's own person), if any. */
export function presenterOf(participants: readonly Participant[], me: string | null): Participant | null {
  return participants.find((p) => p.presenting && p.role === 'facilitator' && p.id !== me) ?? null;
}

export interface Follow {
  /** Whose presentation this is about; null while nobody presents. */
  presenter: string | null;
  /** Whether this page follows it. */
  following: boolean;
}

export const NOT_FOLLOWING: Follow = { presenter: null, following: false };

/** A presenter came or went: a new presentation is followed until the person says otherwise. */
export function seePresenter(follow: Follow, presenter: string | null): Follow {
  if (presenter === follow.presenter) return follow;
  return { presenter, following: presenter !== null };
}

/** The person stopped following (panned, zoomed, pressed Stop following) or resumed. */
export function setFollowing(follow: Follow, following: boolean): Follow {
  if (follow.presenter === null || follow.following === following) return follow;
  return { ...follow, following };
}

/** Where this page's canvas should be: the presenter's view while following it. */
export function followTarget(presenter: Participant | null, follow: Follow): View | null {
  if (!presenter || !follow.following || follow.presenter !== presenter.id) return null;
  return presenter.view;
}

export const asMode = (mode: string): Mode | null => (mode === 'design' || mode === 'run' ? mode : null);

interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Whether two viewports show the same thing, to the half pixel. */
export function sameViewport(a: Viewport, b: Viewport): boolean {
  return Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.zoom - b.zoom) < 0.0005;
}
