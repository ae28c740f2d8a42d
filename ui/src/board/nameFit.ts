// How large a sticky's name is written so it fills its sticky, as a marker
// on a paper sticky would. Worked out from the name and the box alone, with
// a table of character widths, so nothing is measured in the page: a board
// of thousands of stickies lays out as fast as before, and the same name in
// the same box always gets the same size.

/** Width of each printable ASCII character (32–126), in em, of the board's bold sans (measured in Chromium). */
const ASCII_EM = [
  0.35, 0.46, 0.52, 0.84, 0.7, 1, 0.87, 0.31, 0.46, 0.46, 0.52, 0.84, 0.38, 0.42, 0.38, 0.37, 0.7, 0.7, 0.7, 0.7, 0.7,
  0.7, 0.7, 0.7, 0.7, 0.7, 0.4, 0.4, 0.84, 0.84, 0.84, 0.58, 1, 0.77, 0.76, 0.73, 0.83, 0.68, 0.68, 0.82, 0.84, 0.37,
  0.37, 0.77, 0.64, 1, 0.84, 0.85, 0.73, 0.85, 0.77, 0.72, 0.68, 0.81, 0.77, 1.1, 0.77, 0.72, 0.73, 0.46, 0.37, 0.46,
  0.84, 0.5, 0.5, 0.67, 0.72, 0.59, 0.72, 0.68, 0.44, 0.72, 0.71, 0.34, 0.34, 0.67, 0.34, 1.04, 0.71, 0.69, 0.72, 0.72,
  0.49, 0.6, 0.48, 0.71, 0.65, 0.92, 0.65, 0.65, 0.58, 0.71, 0.37, 0.71, 0.84,
];

/**
 * The table is DejaVu Sans Bold, the widest of the fonts the board asks for
 * (`system-ui` on Linux); Segoe UI, San Francisco and Roboto are narrower, so
 * a name that fits by the table fits on every system, a little loosely on
 * some. Beyond ASCII: wide for CJK, a generous letter for the rest.
 */
export function emWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 32 && code < 127) width += ASCII_EM[code - 32] ?? 0.8;
    else if (code >= 0x2e80) width += 1;
    else width += 0.8;
  }
  return width;
}

/**
 * The pieces a name may break between, as the page breaks it: after a space
 * (the space is dropped at a line end), after a hyphen, and between the
 * words of a CamelCase name (nodes.tsx puts a `<wbr>` there).
 */
export interface Piece {
  text: string;
  /** Whether a space comes before this piece (if it does not start a line). */
  spaced: boolean;
}

export function pieces(name: string): Piece[] {
  const out: Piece[] = [];
  for (const word of name.split(/\s+/).filter((w) => w.length > 0)) {
    const parts = word.split(/(?<=-)|(?<=[a-z0-9])(?=[A-Z])/).filter((p) => p.length > 0);
    parts.forEach((text, i) => out.push({ text, spaced: i === 0 && out.length > 0 }));
  }
  return out;
}

/** Lines as the browser fills them, greedily, `width` em wide; null when a piece alone is wider. */
export function wrap(parts: readonly Piece[], width: number): string[] | null {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const part of parts) {
    const w = emWidth(part.text);
    if (w > width) return null;
    const gap = part.spaced && line.length > 0 ? emWidth(' ') : 0;
    if (line.length > 0 && used + gap + w <= width) {
      line += (gap > 0 ? ' ' : '') + part.text;
      used += gap + w;
    } else {
      if (line.length > 0) lines.push(line);
      line = part.text;
      used = w;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

export interface Room {
  width: number;
  height: number;
}

export interface FitOptions {
  /** Never larger than this, in px: a short name in a big sticky would be shouting. */
  max: number;
  /** Never smaller: below it the page breaks inside a word rather than shrink further. */
  min: number;
  lineHeight: number;
}

/**
 * The share of the width a name may fill: the table's widths are rounded to
 * a hundredth of an em, and a word that fills its line to the last pixel
 * would be broken inside if the page measures it a hair wider.
 */
const SLACK = 0.96;

/**
 * The largest font size (in half pixels) at which `name` wrapped into `room`
 * fits both across and down. Taller text never fits where smaller does not,
 * so a bisection finds it.
 */
export function fitFontSize(name: string, room: Room, { max, min, lineHeight }: FitOptions): number {
  const parts = pieces(name);
  if (parts.length === 0 || room.width <= 0 || room.height <= 0) return min;
  const fits = (size: number) => {
    const lines = wrap(parts, (room.width * SLACK) / size);
    return lines !== null && lines.length * lineHeight * size <= room.height;
  };
  let lo = min * 2;
  let hi = max * 2;
  if (!fits(lo / 2)) return min;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid / 2)) lo = mid;
    else hi = mid - 1;
  }
  return lo / 2;
}

/** The name's sizes, in px of the board: up close (beside the details) and seen from further out (alone). */
export interface NameSizes {
  near: number;
  far: number;
}

/** Line height of a name seen from far, as in the stylesheet (`.names-only .sticky-name`). */
export const FAR_LINE_HEIGHT = 1.05;
/** Padding of a sticky seen from far, as in the stylesheet. */
export const FAR_PADDING = 4;
/** An actor's name is a caption under a small figure: it may spread this much wider than the figure's box. */
export const ACTOR_CAPTION = 2;

/** What else a sticky shows up close, which leaves the name less room. */
export interface Details {
  kind: string;
  fields: number;
  /** A key, a script or "resolved" line. */
  meta: boolean;
  tags: boolean;
  /** A note's text. */
  text: boolean;
}

/**
 * Up close a name shares its sticky with the kind, the fields and the rest,
 * at the sizes the stylesheet gives them; from further out it is alone and
 * fills the sticky (and an actor's spreads under its figure).
 */
export function nameSizes(name: string, box: Room, details: Details): NameSizes {
  const actor = details.kind === 'Actor';
  const aggregate = details.kind === 'Aggregate';
  const farRoom = {
    width: (actor ? box.width * ACTOR_CAPTION : box.width) - 2 * FAR_PADDING,
    height: box.height - 2 * FAR_PADDING,
  };
  const far = fitFontSize(name, farRoom, { max: aggregate ? 48 : 40, min: 10, lineHeight: FAR_LINE_HEIGHT });
  // Up close: the sticky's padding (8 by 10), the kind's line, and the details below the name.
  const below =
    (details.fields > 0 ? 6 + details.fields * 15 : 0) + (details.meta ? 16 : 0) + (details.tags ? 14 : 0) + (details.text ? 34 : 0);
  const above = actor ? 32 : aggregate ? 37 : 17;
  const padding = actor ? 4 : 8;
  const nearRoom = { width: box.width - 2 * (actor ? 4 : 10), height: box.height - 2 * padding - above - below };
  const near = fitFontSize(name, nearRoom, { max: aggregate ? 20 : 16, min: 11, lineHeight: 1.25 });
  return { near, far };
}

const cache = new Map<string, NameSizes>();
const CACHE_LIMIT = 10_000;

/** `nameSizes`, remembered: a sticky drawn again as the board pans costs a lookup. */
export function cachedNameSizes(name: string, box: Room, details: Details): NameSizes {
  const key = `${details.kind}|${details.fields}|${+details.meta}${+details.tags}${+details.text}|${box.width}x${box.height}|${name}`;
  let sizes = cache.get(key);
  if (!sizes) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    sizes = nameSizes(name, box, details);
    cache.set(key, sizes);
  }
  return sizes;
}
