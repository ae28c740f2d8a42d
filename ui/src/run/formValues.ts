// A command's form: one input per field, chosen by its FieldType, and the
// text people typed turned into the JSON payload the backend checks. The
// backend checks again (it is the truth); this catches typos before a round
// trip and says which field is wrong in the words of the form.

import type { Field, FieldType, JsonValue } from '../api/generated';

/** What an input holds: text, or a tick for a bool. */
export type RawValue = string | boolean;
export type RawValues = Record<string, RawValue>;

/** Which input a field gets. */
export type InputKind = 'text' | 'int' | 'decimal' | 'bool' | 'timestamp' | 'id' | 'list' | 'map';

export interface FieldInput {
  name: string;
  kind: InputKind;
  /** `optional<…>`: empty means none. */
  optional: boolean;
  /** The type as people read it, for the label: `decimal`, `list<id>`. */
  label: string;
  placeholder: string;
}

function leafKind(type: FieldType): InputKind {
  if (typeof type !== 'string') return 'List' in type ? 'list' : leafKind(type.Optional);
  switch (type) {
    case 'Int':
      return 'int';
    case 'Decimal':
      return 'decimal';
    case 'Bool':
      return 'bool';
    case 'Timestamp':
      return 'timestamp';
    case 'Id':
      return 'id';
    case 'Map':
      return 'map';
    default:
      return 'text';
  }
}

export function typeLabel(type: FieldType): string {
  if (typeof type === 'string') return type.toLowerCase();
  if ('List' in type) return `list<${typeLabel(type.List)}>`;
  return `optional<${typeLabel(type.Optional)}>`;
}

const PLACEHOLDER: Record<InputKind, string> = {
  text: '',
  int: 'a whole number, e.g. 3',
  decimal: 'a number, e.g. 12.50',
  bool: '',
  timestamp: 'e.g. 2026-12-05T09:30:00Z',
  id: 'an id, e.g. acc-1',
  list: 'items separated by commas, or a JSON array',
  map: 'a JSON object, e.g. {"key": "value"}',
};

export function inputFor(field: Field): FieldInput {
  const optional = typeof field.type === 'object' && 'Optional' in field.type;
  const inner = optional && typeof field.type === 'object' && 'Optional' in field.type ? field.type.Optional : field.type;
  const kind = leafKind(inner);
  return {
    name: field.name,
    kind,
    optional,
    label: typeLabel(field.type),
    placeholder: optional ? [PLACEHOLDER[kind], 'empty for none'].filter(Boolean).join(' — ') : PLACEHOLDER[kind],
  };
}

/** The empty form: unticked bools, empty texts. */
export function blankValues(fields: Field[]): RawValues {
  const values: RawValues = {};
  for (const f of fields) values[f.name] = inputFor(f).kind === 'bool' ? false : '';
  return values;
}

// RFC 3339 as the simulator's clock writes and reads it.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INT = /^[+-]?\d+$/;

type Parsed = { ok: true; value: JsonValue } | { ok: false; error: string };

const ok = (value: JsonValue): Parsed => ({ ok: true, value });
const fail = (error: string): Parsed => ({ ok: false, error });

/** One value of a type from text (a list's item, or a whole field). */
export function parseValue(type: FieldType, raw: RawValue): Parsed {
  if (typeof type === 'object' && 'Optional' in type) {
    if (raw === '' || (typeof raw === 'string' && raw.trim() === '')) return ok(null);
    return parseValue(type.Optional, raw);
  }
  if (type === 'Bool') {
    if (typeof raw === 'boolean') return ok(raw);
    const t = raw.trim().toLowerCase();
    if (t === 'true' || t === 'yes') return ok(true);
    if (t === 'false' || t === 'no') return ok(false);
    return fail('should be true or false');
  }
  const text = typeof raw === 'boolean' ? String(raw) : raw;
  const trimmed = text.trim();
  if (typeof type === 'object' && 'List' in type) return parseList(type.List, trimmed);
  switch (type) {
    case 'String':
      return ok(text);
    case 'Id':
      if (trimmed === '') return fail('needs an id');
      return ok(trimmed);
    case 'Int': {
      if (!INT.test(trimmed)) return fail(trimmed === '' ? 'needs a whole number' : `should be a whole number, not "${trimmed}"`);
      const n = Number(trimmed);
      if (!Number.isSafeInteger(n)) return fail('is too large for a whole number');
      return ok(n);
    }
    case 'Decimal': {
      // People paste amounts with thousands separators or spaces: 1 000, 1,000.50.
      const cleaned = trimmed.replace(/[\s_]/g, '').replace(/,(?=\d{3}(\D|$))/g, '');
      if (!DECIMAL.test(cleaned)) return fail(trimmed === '' ? 'needs a number' : `should be a number, not "${trimmed}"`);
      return ok(Number(cleaned));
    }
    case 'Timestamp':
      if (!RFC3339.test(trimmed) || Number.isNaN(Date.parse(trimmed))) {
        return fail(trimmed === '' ? 'needs a time, e.g. 2026-12-05T09:30:00Z' : `should be a time like 2026-12-05T09:30:00Z, not "${trimmed}"`);
      }
      return ok(trimmed.replace(' ', 'T'));
    case 'Map': {
      if (trimmed === '') return ok({});
      try {
        const value: unknown = JSON.parse(trimmed);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) return ok(value as JsonValue);
      } catch {
        // Reported below, in the form's words.
      }
      return fail('should be a JSON object, e.g. {"key": "value"}');
    }
  }
  return fail('has a type the form does not know');
}

function parseList(item: FieldType, text: string): Parsed {
  if (text === '') return ok([]);
  let items: RawValue[];
  if (text.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(text);
      if (!Array.isArray(value)) return fail('should be a JSON array');
      // JSON items are already typed: check them by their text form.
      items = value.map((v) => (typeof v === 'string' ? v : typeof v === 'boolean' ? v : JSON.stringify(v)));
    } catch {
      return fail('should be a JSON array, e.g. ["a", "b"]');
    }
  } else {
    items = text.split(',').map((s) => s.trim());
  }
  const values: JsonValue[] = [];
  for (const [i, raw] of items.entries()) {
    const parsed = parseValue(item, raw);
    if (!parsed.ok) return fail(`item ${i + 1} ${parsed.error}`);
    values.push(parsed.value);
  }
  return ok(values);
}

export type FormResult = { ok: true; data: Record<string, JsonValue> } | { ok: false; errors: Record<string, string> };

/** The payload of a form, or what is wrong with each field. */
export function parseForm(fields: Field[], values: RawValues): FormResult {
  const data: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const parsed = parseValue(f.type, values[f.name] ?? (inputFor(f).kind === 'bool' ? false : ''));
    if (parsed.ok) data[f.name] = parsed.value;
    else errors[f.name] = parsed.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, data };
}

/** A payload back as form text (a queued command's data, remembered values). */
export function rawFromValue(type: FieldType, value: JsonValue | undefined): RawValue {
  if (value === undefined || value === null) return type === 'Bool' ? false : '';
  if (type === 'Bool' && typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof type === 'object' && 'List' in type && value.every((v) => typeof v === 'string' && !v.includes(','))) {
    return value.join(', ');
  }
  return JSON.stringify(value);
}

/**
 * Split a backend refusal among the fields it names (`field \`amount\`
 * should be decimal, got string`); what names no field is the form's.
 */
export function errorsByField(message: string, fields: string[]): { fields: Record<string, string>; form: string | null } {
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  // The simulator lists several problems after a colon, separated by semicolons.
  const colon = message.indexOf('): ');
  const head = colon >= 0 ? message.slice(0, colon + 1) : '';
  const body = colon >= 0 ? message.slice(colon + 3) : message;
  for (const part of body.split(/;\s+|\n\s*/).map((p) => p.trim()).filter(Boolean)) {
    const named = [...part.matchAll(/`([^`]+)`/g)].map((m) => m[1]).find((name) => name !== undefined && fields.includes(name));
    if (named) byField[named] = byField[named] ? `${byField[named]}; ${part}` : part;
    else rest.push(part);
  }
  const form = rest.length > 0 ? `${head ? `${head} ` : ''}${rest.join('; ')}` : null;
  return { fields: byField, form };
}

/** The key under which the last values of a command's form are kept. */
export const rememberKey = (commandId: string) => `squall.run.last.${commandId}`;

export function recall(storage: Pick<Storage, 'getItem'> | null, commandId: string, fields: Field[]): RawValues {
  const values = blankValues(fields);
  try {
    const text = storage?.getItem(rememberKey(commandId));
    if (!text) return values;
    const saved = JSON.parse(text) as Record<string, unknown>;
    for (const f of fields) {
      const v = saved[f.name];
      if (typeof v === 'string' || typeof v === 'boolean') values[f.name] = v;
    }
  } catch {
    // A broken or foreign entry: start blank.
  }
  return values;
}

export function remember(storage: Pick<Storage, 'setItem'> | null, commandId: string, values: RawValues): void {
  try {
    storage?.setItem(rememberKey(commandId), JSON.stringify(values));
  } catch {
    // Storage full or refused: remembering is a convenience.
  }
}
