// The board's picture for the export buttons. The backend draws it
// (squall-export, the same SVG and PNG as `squall export --to svg|png`);
// here it only becomes a file: saved by the host where it has a dialog of
// its own (the desktop app), downloaded in a browser.

import type { Api } from '../api/api';
import type { Picture, PictureFormat } from '../api/generated';

/** The picture's bytes: the SVG's text as it is, the PNG's decoded from base64. */
export function pictureBlob(picture: Picture): Blob {
  if (picture.format === 'svg') return new Blob([picture.content], { type: picture.media_type });
  const binary = atob(picture.content);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: picture.media_type });
}

/**
 * Export the board as a picture: the host's save dialog if it has one, a
 * download otherwise. Resolves to where it went, or null when the save
 * dialog was cancelled.
 */
export async function exportPicture(
  api: Api,
  format: PictureFormat,
  save: (blob: Blob, fileName: string) => void = download,
): Promise<string | null> {
  if (api.savePicture) return api.savePicture(format);
  const response = await api.send({ type: 'picture', format });
  if (response.type !== 'picture') throw new Error(`the backend answered a picture request with ${response.type}`);
  save(pictureBlob(response.picture), response.picture.file_name);
  return response.picture.file_name;
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click has started the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The board's name as a file name, for a new board's first save: `bank-account`. */
export function fileSlug(name: string): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : 'board';
}
