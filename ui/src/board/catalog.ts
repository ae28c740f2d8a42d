// What the backend says about kinds of sticky and arrows, indexed for the
// board. Nothing here knows a colour, a size or a rule of its own: all of it
// comes from the Grammar response.

import type { Element, Grammar, Kind, KindInfo, Rule, Size } from '../api/generated';

export interface Catalog {
  grammar: Grammar;
  kinds: KindInfo[];
  info(kind: Kind): KindInfo;
  /** The kind whose palette shortcut is this key (any case), if any. */
  byShortcut(key: string): KindInfo | null;
  /** The arrow rule between two kinds, if the grammar has one. */
  rule(from: Kind, to: Kind): Rule | null;
}

export function makeCatalog(grammar: Grammar): Catalog {
  const byKind = new Map<Kind, KindInfo>(grammar.kinds.map((k) => [k.kind, k]));
  const byKey = new Map<string, KindInfo>(grammar.kinds.map((k) => [k.shortcut.toLowerCase(), k]));
  const rules = new Map<string, Rule>(grammar.rules.map((r) => [`${r.from}>${r.to}`, r]));
  const fallback = grammar.kinds[0];
  return {
    grammar,
    kinds: grammar.kinds,
    info(kind) {
      const found = byKind.get(kind) ?? fallback;
      // A kind the grammar does not list cannot come from the same backend;
      // drawing it like the first kind beats refusing to draw the board.
      if (!found) throw new Error('the grammar lists no kinds');
      return found;
    },
    byShortcut: (key) => (key.length === 1 ? (byKey.get(key.toLowerCase()) ?? null) : null),
    rule: (from, to) => rules.get(`${from}>${to}`) ?? null,
  };
}

/** An element's size on the board: zero means the kind's default. */
export function sizeOf(element: Element, info: KindInfo): Size {
  const { width, height } = element.size;
  return width > 0 && height > 0 ? { width, height } : info.default_size;
}

export function colourOf(element: Element, info: KindInfo): string {
  return element.colour && element.colour.length > 0 ? element.colour : info.colour;
}

/**
 * How an arrow is drawn: a flow arrow the simulator follows, one a person
 * follows (an actor reading a read model), or an annotation (anything the
 * grammar has no rule for, such as a hotspot pointing at a command).
 */
export type ArrowStyle = 'automatic' | 'manual' | 'annotation';

export function arrowStyle(catalog: Catalog, from: Kind, to: Kind): ArrowStyle {
  const rule = catalog.rule(from, to);
  if (!rule) return 'annotation';
  return rule.automatic ? 'automatic' : 'manual';
}

/**
 * The name a new sticky starts with: its kind's label, numbered when the
 * board already has one of that kind by that name (`Event 2`). Two commands
 * or events with one name are ambiguous to the simulator and an error to the
 * lint, so merely adding stickies must not make them. Names compare as the
 * backend compares them: case, spaces and punctuation aside.
 */
export function freshName(elements: readonly Element[], kind: Kind, label: string): string {
  const same = (name: string) => name.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  const taken = new Set(elements.filter((e) => e.kind === kind).map((e) => same(e.name)));
  if (!taken.has(same(label))) return label;
  for (let n = 2; ; n += 1) {
    const name = `${label} ${n}`;
    if (!taken.has(same(name))) return name;
  }
}
