// What the script panel computes from the backend's ScriptInfo: where a
// diagnostic sits in the text, what to offer at the cursor, what a name's
// tooltip says. Pure, so it is tested without an editor.

import type { Text } from '@codemirror/state';
import type { Id, JsonValue, ScriptDiagnostic, ScriptInfo, Trace } from '../api/generated';
import { ATOMS, BUILTINS, KEYWORDS } from './rhai';

/**
 * The offset in `line` of a column counted from 1 in characters, as the
 * backend counts (Unicode scalar values), where CodeMirror counts UTF-16 units.
 */
function columnOffset(line: string, column: number): number {
  let offset = 0;
  let col = 1;
  for (const ch of line) {
    if (col >= column) break;
    offset += ch.length;
    col += 1;
  }
  return offset;
}

/**
 * The document range a diagnostic underlines. Lines past the end are
 * clamped to the last; with no end, the word at the position (or one
 * character) is underlined, so a mark is always visible.
 */
export function diagnosticRange(doc: Text, d: Pick<ScriptDiagnostic, 'line' | 'column' | 'end_line' | 'end_column'>): { from: number; to: number } {
  const at = (lineNo: number, column: number) => {
    const line = doc.line(Math.min(Math.max(1, lineNo), doc.lines));
    return line.from + Math.min(columnOffset(line.text, column), line.length);
  };
  const from = at(d.line, d.column);
  if (d.end_line !== null && d.end_column !== null) {
    const to = at(d.end_line, d.end_column);
    if (to > from) return { from, to };
  }
  const line = doc.lineAt(from);
  const rest = line.text.slice(from - line.from);
  const word = /^[A-Za-z0-9_]+/.exec(rest)?.[0].length ?? 0;
  if (word > 0) return { from, to: from + word };
  if (from < line.to) return { from, to: from + 1 };
  // At the end of a line (an unexpected end of input): the character before, if any.
  return from > line.from ? { from: from - 1, to: from } : { from, to: from };
}

export interface Offer {
  label: string;
  type: 'function' | 'property' | 'keyword' | 'text' | 'constant';
  detail?: string;
  info?: string;
  /** What is inserted, when it is not the label. */
  apply?: string;
}

/** What the cursor is after: a field of `command.`/`event.`, a message name in `event("`, or a word. */
export type Context =
  | { kind: 'field'; of: 'command' | 'event'; from: number }
  | { kind: 'message'; of: 'event' | 'command'; from: number }
  | { kind: 'word'; from: number }
  | { kind: 'none' };

/** Reads the text of the line before the cursor; `from` is where the typed prefix starts within it. */
export function contextAt(before: string): Context {
  const field = /\b(command|event)\.([A-Za-z0-9_]*)$/.exec(before);
  if (field) return { kind: 'field', of: field[1] as 'command' | 'event', from: before.length - (field[2] ?? '').length };
  const message = /\b(event|command)\(\s*"([A-Za-z0-9_]*)$/.exec(before);
  if (message) return { kind: 'message', of: message[1] as 'command' | 'event', from: before.length - (message[2] ?? '').length };
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before);
  if (word) return { kind: 'word', from: before.length - word[0].length };
  return { kind: 'none' };
}

/** The offers for a context, from the sticky's contract. */
export function offers(info: Pick<ScriptInfo, 'functions' | 'messages' | 'helpers'>, context: Context): Offer[] {
  switch (context.kind) {
    case 'field': {
      // `command.` in a handler reads the command it receives; `event.` the event.
      const kind = context.of === 'command' ? 'Command' : 'Event';
      const seen = new Map<string, Offer>();
      for (const m of info.messages) {
        if (m.direction !== 'receives' || m.kind !== kind) continue;
        for (const f of m.fields) {
          const known = seen.get(f.name);
          if (known) known.info = `${known.info ?? ''}, ${m.name}`;
          else seen.set(f.name, { label: f.name, type: 'property', detail: f.type, info: `a field of ${m.name}` });
        }
      }
      return [...seen.values()];
    }
    case 'message': {
      const kind = context.of === 'command' ? 'Command' : 'Event';
      return info.messages
        .filter((m) => m.direction === 'sends' && m.kind === kind)
        .map((m) => ({
          label: m.name,
          type: 'text' as const,
          detail: m.fields.map((f) => `${f.name}: ${f.type}`).join(', ') || 'no fields',
          info: `a ${kind.toLowerCase()} this sticky has an arrow to`,
        }));
    }
    case 'word':
      return [
        ...info.functions.map((f) => ({
          label: f.name,
          type: 'function' as const,
          detail: f.defined ? f.signature : `${f.signature} — not written yet`,
          info: f.doc,
          apply: f.defined ? f.name : `${f.signature.replace(/^/, 'fn ')} {\n}`,
        })),
        ...info.helpers.map((h) => ({ label: h.name, type: 'function' as const, detail: h.signature, info: h.doc })),
        ...[...KEYWORDS].map((k) => ({ label: k, type: 'keyword' as const })),
        ...[...ATOMS, ...BUILTINS].map((k) => ({ label: k, type: 'constant' as const })),
      ];
    case 'none':
      return [];
  }
}

/** The tooltip of a name under the pointer: a helper's or a contract function's signature and doc. */
export function hoverText(info: Pick<ScriptInfo, 'functions' | 'helpers'>, word: string): string | null {
  const helper = info.helpers.find((h) => h.name === word);
  if (helper) return `${helper.signature}\n${helper.doc}`;
  const f = info.functions.find((fn) => fn.name === word);
  if (f) return `${f.signature} — for ${f.message}\n${f.doc}`;
  return null;
}

/** The last command a person submitted (not a policy or scenario), to send again after a rule changed. */
export function lastUserCommand(recent: Trace[]): { sticky: Id; name: string; data: Record<string, JsonValue> } | null {
  const trace = recent.find((t) => t.command.origin.by === 'user');
  if (!trace) return null;
  const data = trace.command.data;
  const fields = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, JsonValue>) : {};
  return { sticky: trace.command.sticky.id, name: trace.command.name, data: fields };
}

/** The docked script panel's widths, in CSS pixels. */
export const PANEL_WIDTH = { min: 320, fallback: 560, boardMin: 240 } as const;

/**
 * The script panel's width: the one the person last dragged it to (or, the first time, a
 * little over half the room), kept between a readable minimum and what leaves the board
 * some room beside it.
 */
export function panelWidth(wanted: number | null, room: number): number {
  const max = Math.max(PANEL_WIDTH.min, room - PANEL_WIDTH.boardMin);
  const width = wanted ?? Math.min(PANEL_WIDTH.fallback, room * 0.55);
  return Math.round(Math.min(Math.max(width, PANEL_WIDTH.min), max));
}
