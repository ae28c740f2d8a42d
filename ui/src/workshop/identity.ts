// Who this browser is on a served board: the name and colour a person chose,
// kept in localStorage, which is per origin, so a reload (or the same link
// opened again) joins silently under the same name.

/** Eight colours far apart from each other and from the stickies' own. */
export const PALETTE: readonly string[] = [
  '#e91e63',
  '#1e88e5',
  '#43a047',
  '#fb8c00',
  '#8e24aa',
  '#00897b',
  '#e53935',
  '#5d4037',
];

/** What the palette's colours are called, for people who do not see them. */
export const COLOUR_NAMES: Readonly<Record<string, string>> = {
  '#e91e63': 'pink',
  '#1e88e5': 'blue',
  '#43a047': 'green',
  '#fb8c00': 'orange',
  '#8e24aa': 'purple',
  '#00897b': 'teal',
  '#e53935': 'red',
  '#5d4037': 'brown',
};

export interface Identity {
  name: string;
  colour: string;
}

const KEY = 'squall.workshop.identity';

/** The server's limit (squall-api's presence.rs): a name has 1 to 40 characters. */
export const MAX_NAME = 40;

/** The name as it will be shown, or null when the server would refuse it. */
export function cleanName(name: string): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return clean.length > 0 && [...clean].length <= MAX_NAME ? clean : null;
}

/** `#rgb` or `#rrggbb`, as the server accepts. */
export const isColour = (colour: string) => /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(colour);

/** A colour to offer first: one nobody on the board wears yet, if any is left. */
export function freeColour(taken: readonly string[], seed = 0): string {
  const worn = new Set(taken.map((c) => c.toLowerCase()));
  const free = PALETTE.filter((c) => !worn.has(c));
  const from = free.length > 0 ? free : PALETTE;
  return from[Math.abs(seed) % from.length] ?? '#1e88e5';
}

/** Initials for a round badge: `Ann Lee` → `AL`, `bob` → `B`. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters
    .map((w) => [...(w ?? '')][0] ?? '')
    .join('')
    .toUpperCase();
}

export function rememberedIdentity(storage: Pick<Storage, 'getItem'> | null = safeLocal()): Identity | null {
  try {
    const text = storage?.getItem(KEY);
    if (!text) return null;
    const value = JSON.parse(text) as Partial<Identity>;
    const name = typeof value.name === 'string' ? cleanName(value.name) : null;
    return name && typeof value.colour === 'string' && isColour(value.colour) ? { name, colour: value.colour } : null;
  } catch {
    return null;
  }
}

export function rememberIdentity(identity: Identity, storage: Pick<Storage, 'setItem'> | null = safeLocal()): void {
  try {
    storage?.setItem(KEY, JSON.stringify(identity));
  } catch {
    // Storage refused (private mode, full): the next load asks again.
  }
}

function safeLocal(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
