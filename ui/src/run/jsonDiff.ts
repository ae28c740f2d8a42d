// Before and after of a JSON value (an aggregate's state, a document, a
// branch's document against another's) as rows people read: the path of
// each leaf, its old and new value, and how it changed.

import type { JsonValue } from '../api/generated';

export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface DiffRow {
  /** `balance`, `recent_changes[1]`, `address.city`. */
  path: string;
  before: JsonValue | undefined;
  after: JsonValue | undefined;
  change: Change;
}

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(path: string, before: JsonValue | undefined, after: JsonValue | undefined, rows: DiffRow[]) {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) walk(path ? `${path}.${k}` : k, before[k], after[k], rows);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i += 1) walk(`${path}[${i}]`, before[i], after[i], rows);
    return;
  }
  const change: Change =
    before === undefined ? 'added' : after === undefined ? 'removed' : JSON.stringify(before) === JSON.stringify(after) ? 'same' : 'changed';
  rows.push({ path: path || '(value)', before, after, change });
}

/** Every leaf of two values, matched by path; a value that is absent on one side is null-safe (`undefined`). */
export function diffRows(before: JsonValue | null | undefined, after: JsonValue | null | undefined): DiffRow[] {
  const rows: DiffRow[] = [];
  // A document created or deleted reads field by field, as all added or all removed.
  const empty = isObject(before) || isObject(after) ? {} : undefined;
  walk('', before ?? empty, after ?? empty, rows);
  return rows;
}

export const changedOnly = (rows: DiffRow[]) => rows.filter((r) => r.change !== 'same');

/** A value as one short line: strings quoted, nothing shown as an em dash. */
export function shortValue(value: JsonValue | undefined, max = 80): string {
  if (value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Pretty JSON with the top-level fields that changed marked, as lines to render. */
export function markedLines(document: JsonValue, changed: readonly string[]): { text: string; changed: boolean }[] {
  const lines = JSON.stringify(document, null, 2).split('\n');
  if (!isObject(document) || changed.length === 0) return lines.map((text) => ({ text, changed: false }));
  const marks = new Set(changed);
  const out: { text: string; changed: boolean }[] = [];
  let current: string | null = null;
  for (const text of lines) {
    // A top-level key starts with exactly two spaces of indent.
    const key = /^ {2}"((?:[^"\\]|\\.)*)":/.exec(text);
    if (key) current = JSON.parse(`"${key[1] ?? ''}"`) as string;
    else if (/^[{}]/.test(text)) current = null;
    out.push({ text, changed: current !== null && marks.has(current) });
  }
  return out;
}

/** The columns of a document table: the union of top-level keys, in first-seen order. */
export function columnsOf(documents: JsonValue[]): string[] {
  const seen = new Set<string>();
  for (const d of documents) if (isObject(d)) for (const k of Object.keys(d)) seen.add(k);
  return [...seen];
}

/** A cell of a result or document table. */
export function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
