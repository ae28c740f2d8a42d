import { describe, expect, it } from 'vitest';
import type { Api } from '../api/api';
import type { Picture, Request, Response } from '../api/generated';
import { exportPicture, fileSlug, pictureBlob } from './picture';

const PNG_BYTES = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('a picture from the backend', () => {
  it('keeps an SVG’s text as it is', async () => {
    const picture: Picture = { format: 'svg', media_type: 'image/svg+xml', file_name: 'b.svg', content: '<svg>&lt;</svg>' };
    const blob = pictureBlob(picture);
    expect(blob.type).toBe('image/svg+xml');
    expect(await blob.text()).toBe('<svg>&lt;</svg>');
  });

  it('turns a PNG’s base64 back into its bytes', async () => {
    const content = btoa(String.fromCharCode(...PNG_BYTES));
    const blob = pictureBlob({ format: 'png', media_type: 'image/png', file_name: 'b.png', content });
    expect(blob.type).toBe('image/png');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual(PNG_BYTES);
  });
});

describe('exporting a picture', () => {
  it('leaves it to a host that saves pictures itself, without asking the backend to draw', async () => {
    const sent: Request[] = [];
    const api: Api = {
      send: async (request) => {
        sent.push(request);
        throw new Error('not expected');
      },
      subscribe: () => () => {},
      savePicture: async (format) => `/home/me/board.${format}`,
    };
    expect(await exportPicture(api, 'png')).toBe('/home/me/board.png');
    expect(sent).toEqual([]);
  });

  it('asks the backend for the picture where the host saves none', async () => {
    const sent: Request[] = [];
    const picture: Picture = { format: 'svg', media_type: 'image/svg+xml', file_name: 'bank-account.svg', content: '<svg/>' };
    const api: Api = {
      send: async (request): Promise<Response> => {
        sent.push(request);
        return { type: 'picture', picture };
      },
      subscribe: () => () => {},
    };
    const saved: [string, string][] = [];
    const save = (blob: Blob, name: string) => void blob.text().then((text) => saved.push([name, text]));
    expect(await exportPicture(api, 'svg', save)).toBe('bank-account.svg');
    expect(sent).toEqual([{ type: 'picture', format: 'svg' }]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(saved).toEqual([['bank-account.svg', '<svg/>']]);
  });
});

describe('the file name of a new board', () => {
  it('is the board name in lower case with dashes', () => {
    expect(fileSlug('Bank account (v2)')).toBe('bank-account-v2');
    expect(fileSlug('  ???  ')).toBe('board');
  });
});
