import { describe, expect, it } from 'vitest';
import { bankAccount, catalog } from '../test/fixtures';
import { composeMarks } from '../run/marks';
import { scene } from './FarCanvas';
import { boardToEdges, boardToNodes, emptyView } from './mapping';

describe('the board seen from far', () => {
  const state = bankAccount();
  const nodes = boardToNodes(state.board, catalog, state.lint, emptyView);
  const edges = boardToEdges(state.board, catalog, new Set());

  it('paints every sticky xyflow does not draw, and no frame', () => {
    const painted = scene(nodes, edges, new Set(['ctx-banking', 'cmd-open-account']));
    expect(painted.cards).toHaveLength(16);
    const deposit = painted.cards.find((c) => c.x === 220 && c.y === 200);
    expect(deposit?.colour).toBe(catalog.info('Command').colour);
    expect([deposit?.width, deposit?.height]).toEqual([160, 110]);
  });

  it('paints every arrow, from border to border, dashed where a person follows it', () => {
    const painted = scene(nodes, edges, new Set());
    expect(painted.lines).toHaveLength(25);
    // Account owner (40,250 90×90) → DepositMoney (220,200 160×110): leaves the actor's right side.
    const read = painted.lines.find((l) => l.from.x === 130 && l.to.x === 220);
    expect(read).toBeDefined();
    expect(painted.lines.some((l) => l.dash.length > 0)).toBe(true);
  });

  it('marks errors and warnings on a card, not info', () => {
    const lint = {
      ...state.lint,
      diagnostics: [
        ...state.lint.diagnostics,
        { code: 'unhandled-command' as const, severity: 'warning' as const, message: 'no one handles it', elements: ['cmd-open-account'] },
      ],
    };
    const painted = scene(boardToNodes(state.board, catalog, lint, emptyView), edges, new Set());
    const open = painted.cards.find((c) => c.x === 220 && c.y === 60);
    const hotspot = painted.cards.find((c) => c.x === 220 && c.y === 620);
    expect(open?.badge).toBe('warning');
    // The open hotspot is only info.
    expect(hotspot?.badge).toBe(null);
  });

  it('shows Run mode on a card: a script error over a refusal, the step under way, events recorded', () => {
    const { stickies } = composeMarks({
      counts: [{ sticky: 'evt-money-deposited', count: 3 }],
      highlight: { stickies: new Map(), edges: new Map(), active: 'agg-bank-account', beats: 0 },
      generation: 1,
      beatMs: 300,
      rejections: new Map([
        ['cmd-withdraw-money', 'insufficient funds'],
        ['cmd-deposit-money', 'amount must be positive'],
      ]),
      errors: new Map([['cmd-deposit-money', 'bank_account.rhai:22: boom']]),
      chosen: null,
    });
    const painted = scene(nodes, edges, new Set(), stickies);
    const markOf = (id: string) => {
      const node = nodes.find((n) => n.id === id);
      return painted.cards.find((c) => c.x === node?.position.x && c.y === node?.position.y)?.mark;
    };

    expect(markOf('cmd-deposit-money')).toBe('error');
    expect(markOf('cmd-withdraw-money')).toBe('rejected');
    expect(markOf('agg-bank-account')).toBe('active');
    expect(markOf('evt-money-deposited')).toBe('counted');
    expect(markOf('cmd-open-account')).toBeNull();
    expect(scene(nodes, edges, new Set()).cards.every((c) => c.mark === null)).toBe(true);
  });
});
