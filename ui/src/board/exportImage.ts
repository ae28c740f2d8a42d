// PNG and SVG pictures of the whole board, as xyflow's docs suggest: render
// the viewport element with html-to-image, framed on the bounds of all nodes.

import { getNodesBounds, type Node } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';

export type ImageFormat = 'png' | 'svg';

const PADDING = 40;

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
    style: {
      width: `${width}px`,
      height: `${height}px`,
      transform: `translate(${PADDING - bounds.x}px, ${PADDING - bounds.y}px) scale(1)`,
    },
  };
  return format === 'png' ? toPng(viewport, { ...options, pixelRatio: 2 }) : toSvg(viewport, options);
}

export function download(dataUrl: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
