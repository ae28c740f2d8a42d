// The line drawn while an arrow is being dragged out: green where the
// grammar allows the arrow, red with the grammar's reason where it does not.
// The verdicts are the backend's (JudgeConnection), asked for when the drag
// starts.

import { useStore, type ConnectionLineComponentProps, type InternalNode } from '@xyflow/react';
import { createContext, useContext } from 'react';
import type { Kind, Verdict } from '../api/generated';
import { contains } from './geometry';
import type { BoardNode } from './mapping';

export const VerdictContext = createContext<(from: Kind, to: Kind) => Verdict | null>(() => null);

function stickyAt(nodes: Map<string, InternalNode<BoardNode>>, x: number, y: number, except: string): InternalNode<BoardNode> | null {
  for (const node of nodes.values()) {
    if (node.id === except || node.type === 'frame') continue;
    const rect = {
      ...node.internals.positionAbsolute,
      width: node.measured.width ?? node.width ?? 0,
      height: node.measured.height ?? node.height ?? 0,
    };
    if (contains(rect, { x, y })) return node;
  }
  return null;
}

/** What the line says about the arrow, given the backend's verdict. */
export function verdictNote(verdict: Verdict | null): { tone: 'allowed' | 'forbidden' | 'unknown'; text: string | null } {
  if (!verdict) return { tone: 'unknown', text: null };
  switch (verdict.verdict) {
    case 'forbidden':
      return { tone: 'forbidden', text: verdict.reason };
    case 'flow':
      return { tone: 'allowed', text: verdict.rule.reads };
    case 'annotation':
      return { tone: 'allowed', text: 'annotation' };
  }
}

export function ConnectionLine({ fromX, fromY, toX, toY, fromNode, toNode }: ConnectionLineComponentProps<BoardNode>) {
  const known = useContext(VerdictContext);
  const lookup = useStore((s) => s.nodeLookup) as Map<string, InternalNode<BoardNode>>;
  // The note is read on screen: keep its size whatever the zoom.
  const zoom = useStore((s) => s.transform[2]);
  const target = toNode ?? stickyAt(lookup, toX, toY, fromNode.id);
  const verdict =
    target && target.id !== fromNode.id && fromNode.type !== 'frame' && target.type !== 'frame'
      ? known(fromNode.type as Kind, target.type as Kind)
      : null;
  const { tone, text } = target ? verdictNote(verdict) : { tone: 'unknown' as const, text: null };
  return (
    <g className={`connection-line connection-${tone}`}>
      <path d={`M${fromX},${fromY} L${toX},${toY}`} fill="none" />
      <circle cx={toX} cy={toY} r={4} />
      {text ? (
        <text x={toX + 12 / zoom} y={toY - 12 / zoom} className="connection-note" style={{ fontSize: 13 / zoom, strokeWidth: 4 / zoom }}>
          {text}
        </text>
      ) : null}
    </g>
  );
}
