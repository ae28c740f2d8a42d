// The canvas's node components: one per kind of sticky, and the frame of a
// bounded context. Colours and sizes come in the node's data, from the
// backend's KindInfo; the components only decide the shape.

import { Handle, NodeResizer, Position, useStore, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { Kind } from '../api/generated';
import { useStickyMark } from '../run/marks';
import { markClasses, StickyMarks } from '../run/StickyMarks';
import { useBoardActions } from './actions';
import { formatFieldType } from './fields';
import { worstSeverity, type FrameNode, type StickyNode } from './mapping';
import { cachedNameSizes, type Details } from './nameFit';
import { titleScale } from './zoom';

const SIDES = [Position.Top, Position.Right, Position.Bottom, Position.Left];

/** Arrows are drawn between borders, so any handle may start or end one (loose connection mode). */
function Handles() {
  return (
    <>
      {SIDES.map((side) => (
        <Handle key={side} id={side} type="source" position={side} className="sticky-handle" />
      ))}
    </>
  );
}

function NameEditor({ id, name }: { id: string; name: string }) {
  const actions = useBoardActions();
  const [text, setText] = useState(name);
  const ref = useRef<HTMLTextAreaElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  return (
    <textarea
      ref={ref}
      className="sticky-name-editor nodrag nowheel nopan"
      aria-label="Sticky name"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          done.current = true;
          actions.commitName(id, text.trim());
        } else if (e.key === 'Escape') {
          e.preventDefault();
          done.current = true;
          actions.cancelEditing();
        }
      }}
      onBlur={() => {
        // Clicking elsewhere keeps what was typed, as in any text field.
        if (!done.current) actions.commitName(id, text.trim());
      }}
    />
  );
}

/** CamelCase names (`ThankYouEmailSent`) may wrap between their words, not mid-word. */
function BreakableName({ name }: { name: string }) {
  const parts = camelParts(name);
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </span>
      ))}
    </>
  );
}

/** What a sticky shows besides its name, for the room the name has up close. */
function detailsOf(element: StickyNode['data']['element']): Details {
  return {
    kind: element.kind,
    fields: element.fields?.length ?? 0,
    meta: Boolean(element.script || element.key || element.resolved),
    tags: (element.tags?.length ?? 0) > 0,
    text: element.kind === 'Note' && Boolean(element.description),
  };
}

export function camelParts(name: string): string[] {
  return name.split(/(?<=[a-z0-9])(?=[A-Z])/);
}

function Badge({ problems }: { problems: StickyNode['data']['problems'] }) {
  const severity = worstSeverity(problems);
  if (!severity) return null;
  const title = problems.map((p) => `${p.severity}: ${p.message}`).join('\n');
  return (
    <span className={`sticky-badge badge-${severity}`} title={title} aria-label={`${problems.length} lint finding(s)`}>
      {problems.length > 1 ? problems.length : '!'}
    </span>
  );
}

function Sticky({ id, data, selected, width, height, children }: NodeProps<StickyNode> & { children?: ReactNode }) {
  const actions = useBoardActions();
  const { element, info, colour, problems, editing, hit } = data;
  // Run mode's marks (counts, lights, refusals); none in Design mode.
  const mark = useStickyMark(id);
  const box = { width: width ?? info.default_size.width, height: height ?? info.default_size.height };
  // The stylesheet picks one of the two as the zoom crosses DETAIL_ZOOM (`.names-only`), without drawing the sticky again.
  const sizes = cachedNameSizes(element.name.length > 0 ? element.name : 'unnamed', box, detailsOf(element));
  const style = { '--sticky-colour': colour, '--name-near': `${sizes.near}px`, '--name-far': `${sizes.far}px` } as CSSProperties;
  const classes = ['sticky', `sticky-${element.kind}`, hit ? 'sticky-hit' : '', selected ? 'sticky-selected' : '', markClasses(mark)]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <NodeResizer
        isVisible={selected && !editing}
        minWidth={40}
        minHeight={40}
        onResizeEnd={(_, p) => actions.resized(id, { x: p.x, y: p.y, width: p.width, height: p.height })}
      />
      <div
        className={classes}
        style={style}
        data-kind={element.kind}
        data-id={element.id}
        title={element.description ?? undefined}
        onDoubleClick={(e) => {
          e.stopPropagation();
          actions.startEditing(id);
        }}
      >
        <div className="sticky-kind">{info.label}</div>
        {editing ? (
          <NameEditor id={id} name={element.name} />
        ) : (
          <div className={element.name.length > 0 ? 'sticky-name' : 'sticky-name sticky-unnamed'}>
            {element.name.length > 0 ? <BreakableName name={element.name} /> : 'unnamed'}
          </div>
        )}
        {children}
        {element.tags && element.tags.length > 0 ? (
          <div className="sticky-tags">{element.tags.map((t) => `#${t}`).join(' ')}</div>
        ) : null}
        <Badge problems={problems} />
        <StickyMarks mark={mark} />
      </div>
      <Handles />
    </>
  );
}

function Fields({ data }: { data: StickyNode['data'] }) {
  const fields = data.element.fields ?? [];
  if (fields.length === 0) return null;
  return (
    <ul className="sticky-fields">
      {fields.map((f) => (
        <li key={f.name}>
          {f.name}: <span className="sticky-field-type">{formatFieldType(f.type)}</span>
        </li>
      ))}
    </ul>
  );
}

function ScriptMark({ data }: { data: StickyNode['data'] }) {
  const { script, key } = data.element;
  if (!script && !key) return null;
  return (
    <div className="sticky-meta">
      {key ? <span title="key">key: {key}</span> : null}
      {script ? <span title={script}>⚙ script</span> : null}
    </div>
  );
}

const ActorNode = memo((props: NodeProps<StickyNode>) => (
  <Sticky {...props}>
    <svg className="actor-figure" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="6" r="4" />
      <path d="M4 22c0-5 3.6-8 8-8s8 3 8 8z" />
    </svg>
  </Sticky>
));

const MessageNode = memo((props: NodeProps<StickyNode>) => (
  <Sticky {...props}>
    <Fields data={props.data} />
  </Sticky>
));

const BehaviourNode = memo((props: NodeProps<StickyNode>) => (
  <Sticky {...props}>
    <ScriptMark data={props.data} />
  </Sticky>
));

const HotspotNode = memo((props: NodeProps<StickyNode>) => (
  <Sticky {...props}>{props.data.element.resolved ? <div className="sticky-meta">✓ resolved</div> : null}</Sticky>
));

const NoteNode = memo((props: NodeProps<StickyNode>) => (
  <Sticky {...props}>
    {props.data.element.description ? <div className="sticky-note-text">{props.data.element.description}</div> : null}
  </Sticky>
));

/** One node type per kind: the mapping names a sticky's node type after its kind. */
const BY_KIND: Record<Kind, typeof ActorNode> = {
  Actor: ActorNode,
  Command: MessageNode,
  Aggregate: BehaviourNode,
  Event: MessageNode,
  Policy: BehaviourNode,
  ReadModel: BehaviourNode,
  ExternalSystem: BehaviourNode,
  Hotspot: HotspotNode,
  Note: NoteNode,
};

/** Roughly how wide a frame title's text is, in its font size, for the room it has. */
const titleWidth = (kind: string, name: string) => (spaced(kind).length + name.length) * 0.62 + 3;

const FrameByGroup = memo(({ id, data, selected, width }: NodeProps<FrameNode>) => {
  const actions = useBoardActions();
  const { group } = data;
  // Seen from far, the title grows so the bounded context can still be told apart.
  const room = (width ?? group.size.width) / (15 * titleWidth(group.kind, group.name));
  const scale = useStore((s) => titleScale(s.transform[2], room));
  const style = { '--title-scale': scale, ...(group.colour ? { '--frame-colour': group.colour } : {}) } as CSSProperties;
  return (
    <>
      <NodeResizer
        isVisible={selected}
        minWidth={120}
        minHeight={80}
        onResizeEnd={(_, p) => actions.resized(id, { x: p.x, y: p.y, width: p.width, height: p.height })}
      />
      <div className={`frame frame-${group.kind}${selected ? ' frame-selected' : ''}`} style={style} data-id={group.id}>
        <div className="frame-title" title={group.description ?? undefined}>
          <span className="frame-kind">{spaced(group.kind)}</span>
          {group.name}
        </div>
      </div>
    </>
  );
});

/** `BoundedContext` as people say it: `Bounded context`. */
export function spaced(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const nodeTypes: NodeTypes = { ...BY_KIND, frame: FrameByGroup };
