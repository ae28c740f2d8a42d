// Arrows drawn between the borders of their stickies ("floating"), with an
// arrowhead at the target, so they read right whatever side the ends lie on.

import { BaseEdge, EdgeLabelRenderer, getStraightPath, useInternalNode, type EdgeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { useArrowMark } from '../run/marks';
import type { ArrowStyle } from './catalog';
import { arrowEnds, type Rect } from './geometry';
import type { ArrowEdge as ArrowEdgeType } from './mapping';

/**
 * Inline, not in the stylesheet: the PNG/SVG export copies inline styles of
 * SVG paths only, and an arrow without a stroke would vanish from it.
 */
export function strokeOf(style: ArrowStyle | undefined, selected: boolean): CSSProperties {
  const colour = selected ? '#3b5bdb' : style === 'annotation' ? '#cf3a77' : '#57606a';
  const dash = style === 'manual' ? '6 4' : style === 'annotation' ? '2 4' : undefined;
  return { stroke: colour, strokeWidth: selected ? 2.5 : 1.6, strokeDasharray: dash };
}

function rectOf(node: ReturnType<typeof useInternalNode>): Rect | null {
  if (!node) return null;
  const width = node.measured.width ?? node.width ?? 0;
  const height = node.measured.height ?? node.height ?? 0;
  return { ...node.internals.positionAbsolute, width, height };
}

export const ArrowEdge = memo(({ id, source, target, markerEnd, style, label, data, selected }: EdgeProps<ArrowEdgeType>) => {
  const from = rectOf(useInternalNode(source));
  const to = rectOf(useInternalNode(target));
  // Run mode lights arrows along a causal chain; none in Design mode.
  const lit = useArrowMark(source, target);
  if (!from || !to) return null;
  const { start, end } = arrowEnds(from, to);
  const [path, labelX, labelY] = getStraightPath({ sourceX: start.x, sourceY: start.y, targetX: end.x, targetY: end.y });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ ...style, ...strokeOf(data?.style, selected ?? false) }} interactionWidth={14} />
      {lit ? (
        <path
          key={lit.generation}
          className="run-arrow-lit"
          d={path}
          pathLength={1}
          style={{ animationDelay: `${lit.beat * lit.beatMs}ms` }}
          data-testid="lit-arrow"
        />
      ) : null}
      {data?.reads ? <title>{data.reads}</title> : null}
      {label ? (
        <EdgeLabelRenderer>
          <div
            className={`arrow-label${selected ? ' arrow-label-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

export const edgeTypes = { arrow: ArrowEdge };
