import { describe, expect, it } from 'vitest';
import { pagesFor, pagesToDrop, rowAt } from './paging';

describe('the event log’s pages', () => {
  it('fetches the pages in view and one either side', () => {
    expect(pagesFor(450, 480, 100_000, 200)).toEqual([1, 2, 3]);
    expect(pagesFor(0, 30, 100_000, 200)).toEqual([0, 1]);
  });

  it('asks for nothing past the last event, nor of an empty log', () => {
    expect(pagesFor(99_990, 99_999, 100_000, 200)).toEqual([498, 499]);
    expect(pagesFor(0, 10, 0, 200)).toEqual([]);
  });

  it('forgets the pages farthest from the view once it holds too many', () => {
    expect(pagesToDrop([0, 1, 2, 3, 50, 51, 52], [50, 51, 52], 5)).toEqual([0, 1]);
    expect(pagesToDrop([0, 1], [0], 5)).toEqual([]);
  });

  it('finds a row in its page', () => {
    const pages = new Map([[2, ['a', 'b', 'c']]]);
    expect(rowAt(pages, 401, 200)).toBe('b');
    expect(rowAt(pages, 5, 200)).toBeUndefined();
  });
});
