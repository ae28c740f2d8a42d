// PNG and SVG pictures of the whole board, as xyflow's docs suggest: render
// the viewport element with html-to-image, framed on the bounds of all nodes.

import { getNodesBounds, type Node } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';

export type ImageFormat = 'png' | 'svg';

const PADDING = 40;

/**
 * The computed styles copied onto each element of the picture. html-to-image
 * copies all of them (about 350) unless told which: on a 2,000-sticky board
 * that took 90 s and made a 160 MiB SVG. These are the ones the board's
 * stickies, frames and arrows set or inherit.
 */
const SIDES = ['top', 'right', 'bottom', 'left'];
export const STYLE_PROPERTIES = [
  'display', 'position', 'box-sizing', 'visibility', 'opacity', 'z-index', 'overflow', 'overflow-x', 'overflow-y',
  ...SIDES, 'width', 'height', 'min-width', 'min-height', 'max-width', 'max-height',
  ...SIDES.map((side) => `margin-${side}`), ...SIDES.map((side) => `padding-${side}`),
  ...SIDES.flatMap((side) => [`border-${side}-width`, `border-${side}-style`, `border-${side}-color`]),
  'border-top-left-radius', 'border-top-right-radius', 'border-bottom-right-radius', 'border-bottom-left-radius',
  'transform', 'transform-origin',
  'flex-direction', 'flex-wrap', 'flex-grow', 'flex-shrink', 'flex-basis', 'order',
  'align-items', 'align-self', 'align-content', 'justify-content', 'justify-items', 'justify-self', 'row-gap', 'column-gap',
  'background-color', 'background-image', 'color', 'box-shadow', 'outline-style', 'outline-width', 'outline-color', 'outline-offset',
  'font-family', 'font-size', 'font-weight', 'font-style', 'line-height', 'letter-spacing', 'text-align', 'text-transform',
  'text-decoration-line', 'text-overflow', 'white-space', 'white-space-collapse', 'text-wrap-mode', 'overflow-wrap',
  'word-break', 'vertical-align', '-webkit-line-clamp', '-webkit-box-orient',
  'fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'stroke-opacity', 'fill-opacity',
];

/** Parts of the canvas that are controls, not the board. */
function isBoardPart(node: HTMLElement): boolean {
  const classes = node.classList;
  if (!classes) return true;
  return !(
    classes.contains('react-flow__handle') ||
    classes.contains('react-flow__resize-control') ||
    classes.contains('react-flow__minimap') ||
    classes.contains('react-flow__controls')
  );
}

export function fileSlug(name: string): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : 'board';
}

/** The picture as a data URL. `viewport` is the `.react-flow__viewport` element. */
export async function renderBoard(viewport: HTMLElement, nodes: Node[], format: ImageFormat): Promise<string> {
  const bounds = getNodesBounds(nodes);
  const width = Math.ceil(bounds.width + 2 * PADDING);
  const height = Math.ceil(bounds.height + 2 * PADDING);
  const options = {
    backgroundColor: '#fbfaf7',
    width,
    height,
    filter: isBoardPart,
    includeStyleProperties: STYLE_PROPERTIES,
    style: {
      width: `${width}px`,
      height: `${height}px`,
      transform: `translate(${PADDING - bounds.x}px, ${PADDING - bounds.y}px) scale(1)`,
    },
  };
  return format === 'png' ? toPng(viewport, { ...options, pixelRatio: pixelRatio(width, height) }) : toSvg(viewport, options);
}

/** A PNG is drawn at twice the board's size, for sharp text, unless that passes this many pixels. */
export const MAX_PNG_PIXELS = 40_000_000;

/** Twice the board's size, or less on a board so big that the picture would be slow to draw and to open. */
export function pixelRatio(width: number, height: number): number {
  return Math.max(0.5, Math.min(2, Math.sqrt(MAX_PNG_PIXELS / Math.max(1, width * height))));
}

export function download(dataUrl: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
