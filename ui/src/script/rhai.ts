// Rhai for CodeMirror: a stream tokenizer (no published CodeMirror 6 Rhai
// package exists, and a line-based tokenizer is all highlighting needs;
// the backend's compiler finds the errors). Pure apart from the
// StreamLanguage wrapper, so the token classes are tested line by line.

import { HighlightStyle, StreamLanguage, StringStream, type StreamParser } from '@codemirror/language';
import { tags } from '@lezer/highlight';

export const KEYWORDS = new Set([
  'fn', 'let', 'const', 'if', 'else', 'while', 'loop', 'for', 'in', 'return', 'throw', 'try', 'catch',
  'break', 'continue', 'switch', 'import', 'export', 'as', 'private', 'do', 'until',
]);
export const ATOMS = new Set(['true', 'false']);
export const BUILTINS = new Set(['this', 'global']);

/**
 * Where the tokenizer is between lines: inside a block comment (Rhai's nest,
 * so a depth), inside a backtick string, or inside the `${…}` of one (a
 * brace depth, so `${ #{a: 1} }` closes at the right brace).
 */
export interface RhaiState {
  comment: number;
  template: boolean;
  /** Open braces inside the current `${`; 0 while not in an interpolation. */
  interp: number;
  /** Open brackets of the code so far, for indentation. */
  depth: number;
}

const OPERATOR = /^(?:\.\.=?|::|=>|\?\.|\?\?|&&|\|\||<<=?|>>=?|\*\*=?|[-+*/%&|^!<>=]=?|[?:~])/;
const NUMBER = /^(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

function blockComment(stream: StringStream, state: RhaiState): string {
  while (!stream.eol()) {
    if (stream.match('/*')) state.comment += 1;
    else if (stream.match('*/')) {
      state.comment -= 1;
      if (state.comment === 0) break;
    } else stream.next();
  }
  return 'comment';
}

function templateText(stream: StringStream, state: RhaiState): string {
  while (!stream.eol()) {
    if (stream.peek() === '`') {
      stream.next();
      state.template = false;
      return 'string';
    }
    if (stream.match('${', false)) {
      // The text so far is one token; `${` is the next.
      if (stream.current().length > 0) return 'string';
      stream.match('${');
      state.interp = 1;
      return 'meta';
    }
    stream.next();
  }
  return 'string';
}

function quoted(stream: StringStream, quote: string): string {
  let escaped = false;
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === quote && !escaped) break;
    escaped = !escaped && ch === '\\';
  }
  return 'string';
}

export const startState = (): RhaiState => ({ comment: 0, template: false, interp: 0, depth: 0 });

/** The indentation of a line starting with `textAfter`: one unit per open bracket. */
export function indentFor(state: RhaiState, textAfter: string, unit: number): number | null {
  if (state.comment > 0 || state.template) return null;
  const closing = /^\s*[)\]}]/.test(textAfter) ? 1 : 0;
  return Math.max(0, state.depth - closing) * unit;
}

export const rhaiParser: StreamParser<RhaiState> = {
  name: 'rhai',
  startState,
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.comment > 0) return blockComment(stream, state);
    if (state.template && state.interp === 0) return templateText(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//!') || stream.match('///')) {
      stream.skipToEnd();
      return 'docComment';
    }
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.comment = 1;
      return blockComment(stream, state);
    }
    const ch = stream.peek() ?? '';
    if (state.interp > 0) {
      if (ch === '{') state.interp += 1;
      if (ch === '}') {
        state.interp -= 1;
        if (state.interp === 0) {
          stream.next();
          return 'meta';
        }
      }
    }
    if (ch === '"') {
      stream.next();
      return quoted(stream, '"');
    }
    if (ch === "'") {
      stream.next();
      return quoted(stream, "'");
    }
    if (ch === '`') {
      stream.next();
      state.template = true;
      return templateText(stream, state);
    }
    if (stream.match('#{')) {
      state.depth += 1;
      if (state.interp > 0) state.interp += 1;
      return 'bracket';
    }
    if (stream.match(NUMBER)) return 'number';
    const word = stream.match(IDENT) as RegExpMatchArray | null;
    if (word) {
      const name = word[0];
      if (KEYWORDS.has(name)) return 'keyword';
      if (ATOMS.has(name)) return 'atom';
      if (BUILTINS.has(name)) return 'self';
      // A name before `(` is a function, called or defined.
      if (stream.match(/^\s*\(/, false)) return 'variableName.function';
      if (stream.string.slice(0, stream.start).trimEnd().endsWith('.')) return 'propertyName';
      return 'variableName';
    }
    if (stream.match(OPERATOR)) return 'operator';
    if ('()[]{}'.includes(ch)) {
      stream.next();
      state.depth = Math.max(0, state.depth + ('([{'.includes(ch) ? 1 : -1));
      return 'bracket';
    }
    stream.next();
    return 'punctuation';
  },
  languageData: {
    commentTokens: { line: '//', block: { open: '/*', close: '*/' } },
    closeBrackets: { brackets: ['(', '[', '{', '"', '`'] },
    indentOnInput: /^\s*[}\]]$/,
  },
  indent: (state, textAfter, cx) => indentFor(state, textAfter, cx.unit),
};

export const rhaiLanguage = StreamLanguage.define(rhaiParser);

/**
 * The token classes of lines, as [text, class] pairs (spaces dropped), read
 * the way StreamLanguage drives the parser; for tests. `state` is carried on.
 */
export function tokenize(lines: string[], state: RhaiState = startState()): [string, string | null][][] {
  return lines.map((line) => {
    const out: [string, string | null][] = [];
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      const style = rhaiParser.token(stream, state);
      const text = line.slice(stream.start, stream.pos);
      if (text.trim() !== '') out.push([text, style]);
      stream.start = stream.pos;
    }
    return out;
  });
}

/**
 * Colours for what the default style leaves plain: function names, fields,
 * `this`/`global`, the `${}` of templates, doc comments.
 */
export const rhaiHighlight = HighlightStyle.define([
  { tag: tags.function(tags.variableName), color: '#1a4fb3' },
  { tag: tags.propertyName, color: '#6a3f8f' },
  { tag: tags.self, color: '#8a2be2', fontStyle: 'italic' },
  { tag: tags.meta, color: '#a15c00' },
  { tag: tags.docComment, color: '#7a5a00', fontStyle: 'italic' },
]);
