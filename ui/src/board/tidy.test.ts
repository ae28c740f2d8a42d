import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { Board, Element, Op, Size } from '../api/generated';
import { bankAccount, catalog } from '../test/fixtures';
import moneyTransferJson from '../test/money_transfer_board.json';
import { sizeOf } from './catalog';
import { homes, tidy, timeline } from './tidy';

const elk = new ELK();
const layout = (graph: Parameters<typeof elk.layout>[0]) => elk.layout(graph);
const size = (e: Element): Size => sizeOf(e, catalog.info(e.kind));
const moneyTransfer = (): Board => structuredClone(moneyTransferJson) as unknown as Board;

/** The batch applied as the backend applies it: stickies moved, frames reshaped without carrying them. */
function applied(board: Board, op: Op): Board {
  const next = structuredClone(board);
  if (op.type !== 'batch') throw new Error(`a tidy-up sends one batch, not ${op.type}`);
  for (const inner of op.ops) {
    if (inner.type === 'move_elements') {
      for (const m of inner.moves) {
        const e = next.elements.find((x) => x.id === m.id);
        if (!e) throw new Error(`moves ${m.id}, which is not a sticky`);
        e.position = m.position;
      }
    } else if (inner.type === 'resize') {
      const g = next.groups.find((x) => x.id === inner.id);
      if (!g) throw new Error(`resizes ${inner.id}, which is not a frame`);
      g.size = inner.size;
      if (inner.position) g.position = inner.position;
    } else {
      throw new Error(`a tidy-up does not ${inner.type}`);
    }
  }
  return next;
}

const rect = (e: Element) => ({ ...e.position, ...size(e) });
const overlap = (a: ReturnType<typeof rect>, b: ReturnType<typeof rect>) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function overlapping(board: Board): string[] {
  const found: string[] = [];
  board.elements.forEach((a, i) =>
    board.elements.slice(i + 1).forEach((b) => {
      if (overlap(rect(a), rect(b))) found.push(`${a.name} × ${b.name}`);
    }),
  );
  return found;
}

function outside(board: Board): string[] {
  const home = homes(board);
  return board.elements
    .filter((e) => {
      const g = board.groups.find((x) => x.id === home.get(e.id));
      if (!g) return false;
      const r = rect(e);
      return r.x < g.position.x || r.y < g.position.y || r.x + r.width > g.position.x + g.size.width || r.y + r.height > g.position.y + g.size.height;
    })
    .map((e) => e.name);
}

const RANK: Partial<Record<string, number>> = { Actor: 0, Command: 1, Aggregate: 2, ExternalSystem: 2, Event: 3 };
const deciding = (from: Element, to: Element) => (RANK[from.kind] ?? 9) < (RANK[to.kind] ?? -1);

/** Arrows of the kind `which` that point left (or straight down) after the layout. */
function backwards(board: Board, which: (from: Element, to: Element) => boolean): string[] {
  const of = new Map(board.elements.map((e) => [e.id, e]));
  return board.connections
    .map((c) => [of.get(c.from), of.get(c.to)] as const)
    .filter(([a, b]) => a && b && which(a, b) && a.position.x + size(a).width > b.position.x)
    .map(([a, b]) => `${a?.name} → ${b?.name}`);
}

const byName = (board: Board, name: string) => {
  const e = board.elements.find((x) => x.name === name);
  if (!e) throw new Error(`no ${name}`);
  return e;
};

describe('tidying the money-transfer board', () => {
  it('leaves no sticky overlapping another, every one inside its frame, on the grid, in one batch', async () => {
    const board = moneyTransfer();
    const op = await tidy(board, { frames: [] }, size, layout);
    const after = applied(board, op);

    expect(overlapping(after)).toEqual([]);
    expect(outside(after)).toEqual([]);
    for (const e of after.elements) expect([e.position.x % 20, e.position.y % 20], e.name).toEqual([0, 0]);
    expect(op.type === 'batch' && op.ops.map((o) => o.type)).toEqual(['move_elements', 'resize']);
  });

  it('reads left to right along every arrow of deciding: actor, command, aggregate, event', async () => {
    const board = moneyTransfer();
    const after = applied(board, await tidy(board, { frames: [] }, size, layout));

    expect(backwards(after, deciding)).toEqual([]);
    const x = (name: string) => byName(after, name).position.x;
    expect(x('Customer')).toBeLessThan(x('RequestTransfer'));
    expect(x('RequestTransfer')).toBeLessThan(x('MoneyTransfer'));
    expect(x('MoneyTransfer')).toBeLessThan(x('TransferRequested'));
  });

  it('puts a scrambled board back in order: commands before their aggregates, events after them', async () => {
    const board = moneyTransfer();
    // Drawn right to left, the way nobody reads a timeline.
    for (const e of board.elements) e.position = { x: 3000 - e.position.x, y: e.position.y };
    const after = applied(board, await tidy(board, { frames: [] }, size, layout));

    expect(backwards(after, deciding)).toEqual([]);
    expect(overlapping(after)).toEqual([]);
  });

  it('keeps the board where it was: its top-left corner stays', async () => {
    const board = moneyTransfer();
    const after = applied(board, await tidy(board, { frames: [] }, size, layout));
    const corner = (b: Board) => [Math.min(...b.groups.map((g) => g.position.x)), Math.min(...b.groups.map((g) => g.position.y))];

    expect(corner(after)).toEqual(corner(board));
  });
});

describe('tidying one bounded context', () => {
  it('lays out only its members, keeps its corner and fits the frame around them', async () => {
    const board = bankAccount().board;
    const frame = board.groups[0];
    if (!frame) throw new Error('the bank account has a frame');
    const op = await tidy(board, { frames: [frame.id] }, size, layout);
    const after = applied(board, op);
    const reshaped = after.groups[0];

    expect(overlapping(after)).toEqual([]);
    expect(outside(after)).toEqual([]);
    expect(reshaped?.position).toEqual(frame.position);
    const right = Math.max(...after.elements.map((e) => e.position.x + size(e).width));
    expect(reshaped && reshaped.position.x + reshaped.size.width - right).toBeLessThanOrEqual(60);
  });

  it('names no frame it was not asked to', async () => {
    const board = moneyTransfer();
    board.groups.push({ id: 'ctx-other', kind: 'BoundedContext', name: 'Other', position: { x: 3000, y: 0 }, size: { width: 400, height: 300 }, members: [] });
    const op = await tidy(board, { frames: ['ctx-payments'] }, size, layout);

    expect(op.type === 'batch' && op.ops.filter((o) => o.type === 'resize').map((o) => o.type === 'resize' && o.id)).toEqual(['ctx-payments']);
  });
});

describe('tidying a board without frames', () => {
  it('lays every sticky out and sends no frame edits', async () => {
    const board = moneyTransfer();
    board.groups = [];
    const op = await tidy(board, { frames: [] }, size, layout);
    const after = applied(board, op);

    expect(overlapping(after)).toEqual([]);
    expect(op.type === 'batch' && op.ops.map((o) => o.type)).toEqual(['move_elements']);
  });
});

describe('the timeline order a layout follows', () => {
  const at = (x: number, y = 0) => ({ x, y });
  const sticky = (id: string, kind: Element['kind'], x: number, y = 0): Element =>
    ({ id, kind, name: id, position: at(x, y), size: { width: 160, height: 110 } }) as Element;

  it('is the order the stickies were drawn in, left to right and then top down', () => {
    const order = timeline([sticky('b', 'Note', 300), sticky('c', 'Note', 300, 200), sticky('a', 'Note', 0)], []);
    expect(order.map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('puts an aggregate before the event it records, and a command before its aggregate, however they were drawn', () => {
    const order = timeline(
      [sticky('evt', 'Event', 0), sticky('agg', 'Aggregate', 200), sticky('cmd', 'Command', 400), sticky('note', 'Note', 100)],
      [
        { from: 'cmd', to: 'agg' },
        { from: 'agg', to: 'evt' },
      ],
    );
    expect(order.map((e) => e.id)).toEqual(['note', 'cmd', 'agg', 'evt']);
  });

  it('puts a policy after the event that triggers it, however it was drawn', () => {
    const order = timeline([sticky('pol', 'Policy', 0), sticky('evt', 'Event', 500)], [{ from: 'evt', to: 'pol' }]);
    expect(order.map((e) => e.id)).toEqual(['evt', 'pol']);
  });

  it('keeps a policy’s command where it was drawn, before or after the policy', () => {
    const stickies = [sticky('pol', 'Policy', 600), sticky('cmd', 'Command', 100)];
    const order = timeline(stickies, [{ from: 'pol', to: 'cmd' }]);
    expect(order.map((e) => e.id)).toEqual(['cmd', 'pol']);
  });
});
