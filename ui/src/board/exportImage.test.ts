import { describe, expect, it } from 'vitest';
import { fileSlug, MAX_PNG_PIXELS, pixelRatio } from './exportImage';

describe('the PNG of a board', () => {
  it('is drawn at twice the size of an ordinary board, for sharp text', () => {
    expect(pixelRatio(2000, 1200)).toBe(2);
  });

  it('stays under the pixel budget on a big board', () => {
    const [width, height] = [8200, 5050];
    const ratio = pixelRatio(width, height);
    expect(ratio).toBeLessThan(1);
    expect(width * ratio * height * ratio).toBeLessThanOrEqual(MAX_PNG_PIXELS * 1.0001);
  });

  it('never shrinks below half size, however big the board', () => {
    expect(pixelRatio(100_000, 100_000)).toBe(0.5);
  });
});

describe('the file name of a picture', () => {
  it('is the board name in lower case with dashes', () => {
    expect(fileSlug('Bank account (v2)')).toBe('bank-account-v2');
    expect(fileSlug('  ???  ')).toBe('board');
  });
});
