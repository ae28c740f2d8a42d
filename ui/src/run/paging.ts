// The event log holds pages of rows fetched as people scroll: which pages
// the rows in view need, and which fetched pages to forget so 100,000
// events never sit in memory at once.

export const PAGE = 200;
/** Pages kept around the view; farther ones are dropped and fetched again if needed. */
export const KEEP_PAGES = 12;

/** The pages rows `first..=last` fall on, with one page of margin each side, within `total` rows. */
export function pagesFor(first: number, last: number, total: number, page = PAGE): number[] {
  if (total <= 0 || last < first) return [];
  const lastPage = Math.floor((total - 1) / page);
  const from = Math.max(0, Math.floor(first / page) - 1);
  const to = Math.min(lastPage, Math.floor(last / page) + 1);
  const pages: number[] = [];
  for (let p = from; p <= to; p += 1) pages.push(p);
  return pages;
}

/** Fetched pages to forget: the farthest from the view, beyond `keep`. */
export function pagesToDrop(held: Iterable<number>, wanted: number[], keep = KEEP_PAGES): number[] {
  const list = [...held];
  if (list.length <= keep) return [];
  const centre = ((wanted[0] ?? 0) + (wanted[wanted.length - 1] ?? 0)) / 2;
  return list
    .filter((p) => !wanted.includes(p))
    .sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre))
    .slice(0, list.length - keep);
}

/** Row `index` of the log from the held pages, or undefined while its page is on its way. */
export function rowAt<T>(pages: ReadonlyMap<number, readonly T[]>, index: number, page = PAGE): T | undefined {
  return pages.get(Math.floor(index / page))?.[index % page];
}
