// The properties of the selected sticky or frame. Each field is sent as an
// UpdateElement/UpdateGroup patch when it is confirmed (Enter or leaving the
// field), so each confirmed change is one undo step in the backend.

import { useRef, useState, type FocusEvent, type ReactNode } from 'react';
import type { Element, ElementPatch, Group, GroupPatch, Kind, KindInfo } from '../api/generated';
import { fieldRows, rowsToFields, type FieldRow } from './fields';
import { spaced } from './nodes';
import { parseTags } from './selection';

/**
 * Kinds whose stickies carry a key. KindInfo says which kinds have fields and
 * scripts but not this; the backend refuses a key on any other kind.
 */
const KEYED: ReadonlySet<Kind> = new Set<Kind>(['Aggregate', 'ReadModel']);
const KEY_HINT: Partial<Record<Kind, string>> = {
  Aggregate: 'the command field that carries the aggregate’s id',
  ReadModel: 'the event field that keys its documents',
};

/** Local text that follows the backend's value until the person edits it. */
function useDraft(value: string): [string, (text: string) => void] {
  const [draft, setDraft] = useState({ base: value, text: value });
  if (draft.base !== value) {
    const next = { base: value, text: value };
    setDraft(next);
    return [next.text, (text) => setDraft({ base: value, text })];
  }
  return [draft.text, (text) => setDraft({ base: value, text })];
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="prop-row">
      <span className="prop-label">{label}</span>
      {children}
    </label>
  );
}

function TextInput({ value, onCommit, placeholder, multiline = false }: { value: string; onCommit(text: string): void; placeholder?: string; multiline?: boolean }) {
  const [text, setText] = useDraft(value);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  if (multiline) {
    return (
      <textarea
        value={text}
        placeholder={placeholder}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setText(value);
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
        }}
      />
    );
  }
  return (
    <input
      type="text"
      value={text}
      placeholder={placeholder}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setText(value);
      }}
    />
  );
}

function ColourInput({ value, fallback, onCommit }: { value: string | null | undefined; fallback: string; onCommit(colour: string): void }) {
  const own = value && value.length > 0 ? value : null;
  return (
    <span className="prop-colour">
      <input
        type="color"
        aria-label="Colour"
        value={toHex(own ?? fallback)}
        onChange={(e) => onCommit(e.target.value)}
      />
      {own ? (
        <button type="button" onClick={() => onCommit('')}>
          Use the kind’s colour
        </button>
      ) : (
        <span className="prop-note">the kind’s colour</span>
      )}
    </span>
  );
}

/** `<input type=color>` takes #rrggbb only. */
function toHex(colour: string): string {
  if (/^#[0-9a-f]{6}$/i.test(colour)) return colour;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(colour);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return '#ffffff';
}

const BLANK: FieldRow = { name: '', type: '' };
const isBlank = (row: FieldRow | undefined) => row !== undefined && row.name.trim() === '' && row.type.trim() === '';

/**
 * The fields as rows of name and type, with a blank row at the end to type
 * the next one into: name, Tab, type, Enter, and the caret waits in the
 * next blank row. A row is sent when it is confirmed (Enter) or left.
 */
function FieldsEditor({ element, fieldTypes, onCommit }: { element: Element; fieldTypes: string[]; onCommit(patch: ElementPatch): void }) {
  const initial = JSON.stringify(element.fields ?? []);
  // `sent`: the fields last confirmed here, until the backend answers with them.
  const [draft, setDraft] = useState<{ base: string; sent: string | null; rows: FieldRow[] }>({
    base: initial,
    sent: null,
    rows: fieldRows(element.fields),
  });
  // The answer to our own change keeps what is being typed in the next row;
  // a change from elsewhere (undo, another browser) replaces the rows.
  const ours = initial === draft.base || initial === draft.sent;
  const typed = ours ? draft.rows : fieldRows(element.fields);
  if (draft.base !== initial) setDraft({ base: initial, sent: null, rows: typed });
  const rows = typed.length === 0 || !isBlank(typed[typed.length - 1]) ? [...typed, BLANK] : typed;
  const setRows = (next: FieldRow[]) => setDraft((d) => ({ ...d, rows: next }));
  const parsed = rowsToFields(rows);
  const box = useRef<HTMLDivElement>(null);
  const commit = (next: FieldRow[]) => {
    const result = rowsToFields(next);
    if (!('fields' in result)) return;
    const sent = JSON.stringify(result.fields);
    if (sent === initial || sent === draft.sent) return;
    setDraft((d) => ({ ...d, sent }));
    onCommit({ fields: result.fields });
  };
  const focus = (row: number, column: 0 | 1) =>
    box.current?.querySelectorAll<HTMLDivElement>('.field-row')[row]?.querySelectorAll('input')[column]?.focus();
  /** Leaving a row for anywhere but its other box confirms it. */
  const onBlur = (e: FocusEvent<HTMLInputElement>) => {
    const row = e.currentTarget.closest('.field-row');
    if (!row || !(e.relatedTarget instanceof Node) || !row.contains(e.relatedTarget)) commit(rows);
  };
  const listId = `field-types-${element.id}`;
  return (
    <div className="fields-editor" ref={box}>
      <datalist id={listId}>
        {fieldTypes.map((t) => (
          <option key={t} value={t.replace('<T>', '<string>')} />
        ))}
      </datalist>
      {rows.map((row, i) => (
        <div className={isBlank(row) ? 'field-row field-blank' : 'field-row'} key={i}>
          <input
            type="text"
            aria-label={`Field ${i + 1} name`}
            placeholder={isBlank(row) ? 'new field' : 'name'}
            value={row.name}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
            onBlur={onBlur}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              focus(i, 1);
            }}
          />
          <input
            type="text"
            aria-label={`Field ${i + 1} type`}
            placeholder="string"
            list={listId}
            value={row.type}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, type: e.target.value } : r)))}
            onBlur={onBlur}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              commit(rows);
              if (!isBlank(row)) focus(i + 1, 0);
            }}
          />
          {isBlank(row) ? (
            <span />
          ) : (
            <button
              type="button"
              aria-label={`Remove field ${row.name}`}
              onClick={() => {
                const next = rows.filter((_, j) => j !== i);
                setRows(next);
                commit(next);
              }}
            >
              ×
            </button>
          )}
        </div>
      ))}
      {'error' in parsed ? <p className="prop-error">{parsed.error}</p> : null}
    </div>
  );
}

interface ElementPropertiesProps {
  element: Element;
  info: KindInfo;
  fieldTypes: string[];
  /** The lint says the sticky's script is not set or not found. */
  scriptMissing: boolean;
  /** Whether a starting script can be written: the board has a file. */
  canCreateScript: boolean;
  onPatch(patch: ElementPatch): void;
  onCreateScript(): void;
  /** Open the script panel on the sticky's script. */
  onEditScript(): void;
}

export function ElementProperties({ element, info, fieldTypes, scriptMissing, canCreateScript, onPatch, onCreateScript, onEditScript }: ElementPropertiesProps) {
  const allow = Object.entries(element.allow ?? {});
  return (
    <div className="properties">
      <h2>
        <span className="palette-swatch" style={{ background: info.colour }} /> {info.label}
        <code className="prop-id" title="The element's id never changes">
          {element.id}
        </code>
      </h2>
      <Row label="Name">
        <TextInput value={element.name} onCommit={(name) => onPatch({ name: name.trim() })} />
      </Row>
      <Row label="Description">
        <TextInput multiline value={element.description ?? ''} onCommit={(description) => onPatch({ description })} />
      </Row>
      <Row label="Tags">
        <TextInput
          value={(element.tags ?? []).join(', ')}
          placeholder="comma, separated"
          onCommit={(text) => onPatch({ tags: parseTags(text) })}
        />
      </Row>
      <Row label="Colour">
        <ColourInput value={element.colour} fallback={info.colour} onCommit={(colour) => onPatch({ colour })} />
      </Row>
      {info.has_fields ? (
        <div className="prop-row">
          <span className="prop-label">Fields</span>
          <FieldsEditor element={element} fieldTypes={fieldTypes} onCommit={onPatch} />
        </div>
      ) : null}
      {info.has_script ? (
        <div className="prop-row">
          <span className="prop-label">Script</span>
          <TextInput value={element.script ?? ''} placeholder="scripts/name.rhai (relative to the model)" onCommit={(script) => onPatch({ script: script.trim() })} />
          {scriptMissing || !element.script ? (
            <button
              type="button"
              className="script-create"
              onClick={onCreateScript}
              disabled={!canCreateScript}
              title={
                canCreateScript
                  ? 'Write a starting script with a function for every message this sticky’s arrows bring'
                  : 'Save the board first: scripts live next to its file'
              }
            >
              Create script
            </button>
          ) : (
            <button type="button" className="script-edit" onClick={onEditScript} data-testid="edit-script" title="Open the script in the editor">
              Edit script
            </button>
          )}
        </div>
      ) : null}
      {KEYED.has(element.kind) ? (
        <Row label="Key">
          <TextInput value={element.key ?? ''} placeholder={KEY_HINT[element.kind]} onCommit={(key) => onPatch({ key: key.trim() })} />
        </Row>
      ) : null}
      {element.kind === 'Hotspot' ? (
        <label className="prop-check">
          <input type="checkbox" checked={element.resolved ?? false} onChange={(e) => onPatch({ resolved: e.target.checked })} />
          Resolved
        </label>
      ) : null}
      {allow.length > 0 ? (
        <div className="prop-row">
          <span className="prop-label">Accepted findings</span>
          <ul className="prop-allow">
            {allow.map(([code, reason]) => (
              <li key={code}>
                <code>{code}</code> {reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function GroupProperties({ group, onPatch }: { group: Group; onPatch(patch: GroupPatch): void }) {
  return (
    <div className="properties">
      <h2>
        {spaced(group.kind)} <code className="prop-id">{group.id}</code>
      </h2>
      <Row label="Name">
        <TextInput value={group.name} onCommit={(name) => onPatch({ name: name.trim() })} />
      </Row>
      <Row label="Description">
        <TextInput multiline value={group.description ?? ''} onCommit={(description) => onPatch({ description })} />
      </Row>
      <Row label="Colour">
        <ColourInput value={group.colour} fallback="#e8eaf6" onCommit={(colour) => onPatch({ colour })} />
      </Row>
      <p className="prop-note">{group.members.length} members</p>
    </div>
  );
}
