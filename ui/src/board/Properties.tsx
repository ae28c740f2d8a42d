// The properties of the selected sticky or frame. Each field is sent as an
// UpdateElement/UpdateGroup patch when it is confirmed (Enter or leaving the
// field), so each confirmed change is one undo step in the backend.

import { useState, type ReactNode } from 'react';
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

function FieldsEditor({ element, fieldTypes, onCommit }: { element: Element; fieldTypes: string[]; onCommit(patch: ElementPatch): void }) {
  const initial = JSON.stringify(element.fields ?? []);
  const [draft, setDraft] = useState({ base: initial, rows: fieldRows(element.fields) });
  const rows = draft.base === initial ? draft.rows : fieldRows(element.fields);
  if (draft.base !== initial) setDraft({ base: initial, rows });
  const setRows = (next: FieldRow[]) => setDraft({ base: initial, rows: next });
  const parsed = rowsToFields(rows);
  const commit = (next: FieldRow[]) => {
    const result = rowsToFields(next);
    if ('fields' in result && JSON.stringify(result.fields) !== initial) onCommit({ fields: result.fields });
  };
  const listId = `field-types-${element.id}`;
  return (
    <div className="fields-editor">
      <datalist id={listId}>
        {fieldTypes.map((t) => (
          <option key={t} value={t.replace('<T>', '<string>')} />
        ))}
      </datalist>
      {rows.map((row, i) => (
        <div className="field-row" key={i}>
          <input
            type="text"
            aria-label={`Field ${i + 1} name`}
            placeholder="name"
            value={row.name}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
            onBlur={() => commit(rows)}
            onKeyDown={(e) => e.key === 'Enter' && commit(rows)}
          />
          <input
            type="text"
            aria-label={`Field ${i + 1} type`}
            placeholder="string"
            list={listId}
            value={row.type}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, type: e.target.value } : r)))}
            onBlur={() => commit(rows)}
            onKeyDown={(e) => e.key === 'Enter' && commit(rows)}
          />
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
        </div>
      ))}
      <button type="button" className="field-add" onClick={() => setRows([...rows, { name: '', type: '' }])}>
        + field
      </button>
      {'error' in parsed ? <p className="prop-error">{parsed.error}</p> : null}
    </div>
  );
}

export function ElementProperties({ element, info, fieldTypes, onPatch }: { element: Element; info: KindInfo; fieldTypes: string[]; onPatch(patch: ElementPatch): void }) {
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
        <Row label="Script">
          <TextInput value={element.script ?? ''} placeholder="scripts/name.rhai (relative to the model)" onCommit={(script) => onPatch({ script: script.trim() })} />
        </Row>
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
