// Field types as people type them (`decimal`, `list<id>`, `optional<string>`,
// `string?`) and as the API carries them (`"Decimal"`, `{ "List": "Id" }`).
// The backend reads the JSON form only, so the fields editor converts here;
// the accepted names mirror squall-model's FieldType FromStr.

import type { Field, FieldType } from '../api/generated';

const LEAVES: Record<string, FieldType> = {
  string: 'String',
  text: 'String',
  int: 'Int',
  integer: 'Int',
  decimal: 'Decimal',
  money: 'Decimal',
  bool: 'Bool',
  boolean: 'Bool',
  timestamp: 'Timestamp',
  time: 'Timestamp',
  datetime: 'Timestamp',
  id: 'Id',
  map: 'Map',
};

export function formatFieldType(type: FieldType): string {
  if (typeof type === 'string') return type.toLowerCase();
  if ('List' in type) return `list<${formatFieldType(type.List)}>`;
  return `optional<${formatFieldType(type.Optional)}>`;
}

/** The type a person wrote, or null when it names no type. */
export function parseFieldType(text: string): FieldType | null {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  const inner = (prefix: string) =>
    lower.startsWith(prefix) && lower.endsWith('>') ? trimmed.slice(prefix.length, -1) : null;
  const list = inner('list<');
  if (list !== null) {
    const t = parseFieldType(list);
    return t && { List: t };
  }
  const optional = inner('optional<');
  if (optional !== null) {
    const t = parseFieldType(optional);
    return t && { Optional: t };
  }
  if (trimmed.endsWith('?')) {
    const t = parseFieldType(trimmed.slice(0, -1));
    return t && { Optional: t };
  }
  return LEAVES[lower] ?? null;
}

/** A row of the fields editor, as typed. */
export interface FieldRow {
  name: string;
  type: string;
}

export const fieldRows = (fields: Field[] | undefined): FieldRow[] =>
  (fields ?? []).map((f) => ({ name: f.name, type: formatFieldType(f.type) }));

/**
 * The fields the rows describe, skipping rows left entirely empty, or the
 * first problem to show next to the editor.
 */
export function rowsToFields(rows: FieldRow[]): { fields: Field[] } | { error: string } {
  const fields: Field[] = [];
  for (const [i, row] of rows.entries()) {
    const name = row.name.trim();
    if (name === '' && row.type.trim() === '') continue;
    if (name === '') return { error: `row ${i + 1}: the field needs a name` };
    const type = parseFieldType(row.type === '' ? 'string' : row.type);
    if (!type) {
      return {
        error: `${name}: unknown type \`${row.type.trim()}\`; expected string, int, decimal, bool, timestamp, id, map, list<T> or optional<T>`,
      };
    }
    fields.push({ name, type });
  }
  return { fields };
}
