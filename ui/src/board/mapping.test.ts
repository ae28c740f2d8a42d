import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../api/generated';
import { bankAccount, catalog } from '../test/fixtures';
import { boardToEdges, boardToNodes, edgeId, emptyView, problemsByElement, worstSeverity, type StickyNode } from './mapping';

const stickies = (nodes: ReturnType<typeof boardToNodes>) => nodes.filter((n): n is StickyNode => n.type !== 'frame');

describe('the bank-account board as nodes', () => {
  const state = bankAccount();
  const nodes = boardToNodes(state.board, catalog, state.lint, emptyView);

  it('has a node for each of the 17 stickies and one frame, the frame first and behind', () => {
    expect(stickies(nodes)).toHaveLength(17);
    expect(nodes[0]?.type).toBe('frame');
    expect(nodes[0]?.id).toBe('ctx-banking');
    expect(nodes[0]?.zIndex).toBeLessThan(0);
    expect(nodes[0]?.dragHandle).toBe('.frame-title');
  });

  it('names each sticky’s node type after its kind, sized and coloured by the backend’s KindInfo', () => {
    const actor = nodes.find((n) => n.id === 'actor-owner') as StickyNode;
    const aggregate = nodes.find((n) => n.id === 'agg-bank-account') as StickyNode;
    expect(actor.type).toBe('Actor');
    expect(actor.position).toEqual({ x: 40, y: 250 });
    expect([actor.width, actor.height]).toEqual([90, 90]);
    expect(actor.data.colour).toBe(catalog.info('Actor').colour);
    expect(aggregate.type).toBe('Aggregate');
    expect([aggregate.width, aggregate.height]).toEqual([220, 180]);
    // Rebuilt nodes must count as measured, or xyflow forgets their handles and hides their arrows.
    expect(aggregate.measured).toEqual({ width: 220, height: 180 });
    expect(nodes[0]?.measured).toEqual({ width: 1960, height: 780 });
  });

  it('declares each sticky’s four edge dots in the middle of its sides, so xyflow draws only what is visible from the start', () => {
    const aggregate = nodes.find((n) => n.id === 'agg-bank-account') as StickyNode;
    const centres = (aggregate.handles ?? []).map((h) => [h.id, h.x + (h.width ?? 0) / 2, h.y + (h.height ?? 0) / 2]);
    expect(centres).toEqual([
      ['top', 110, 0],
      ['right', 220, 90],
      ['bottom', 110, 180],
      ['left', 0, 90],
    ]);
    expect((aggregate.handles ?? []).every((h) => h.type === 'source')).toBe(true);
    expect(nodes[0]?.handles).toEqual([]);
  });

  it('gives a sticky of size zero its kind’s default size, and an own colour wins', () => {
    const board = bankAccount().board;
    const policy = board.elements.find((e) => e.id === 'pol-ceo-bonus');
    if (!policy) throw new Error('fixture has the CEO bonus policy');
    policy.size = { width: 0, height: 0 };
    policy.colour = '#123456';
    const node = boardToNodes(board, catalog, state.lint, emptyView).find((n) => n.id === 'pol-ceo-bonus') as StickyNode;
    expect([node.width, node.height]).toEqual([
      catalog.info('Policy').default_size.width,
      catalog.info('Policy').default_size.height,
    ]);
    expect(node.data.colour).toBe('#123456');
  });

  it('hangs each diagnostic on its main element only', () => {
    const hotspot = nodes.find((n) => n.id === 'hot-overdraft-limits') as StickyNode;
    expect(hotspot.data.problems.map((d) => d.code)).toContain('open-hotspot');
    const command = nodes.find((n) => n.id === 'cmd-withdraw-money') as StickyNode;
    expect(command.data.problems).toEqual([]);
  });

  it('marks what the view selects, edits and finds', () => {
    const view = { selected: new Set(['cmd-open-account', 'ctx-banking']), editing: 'evt-account-opened', hits: new Set(['evt-money-deposited']) };
    const marked = boardToNodes(state.board, catalog, state.lint, view);
    expect(marked.filter((n) => n.selected).map((n) => n.id).sort()).toEqual(['cmd-open-account', 'ctx-banking']);
    expect((marked.find((n) => n.id === 'evt-account-opened') as StickyNode).data.editing).toBe(true);
    expect((marked.find((n) => n.id === 'evt-money-deposited') as StickyNode).data.hit).toBe(true);
  });
});

describe('the bank-account board as edges', () => {
  const state = bankAccount();
  const edges = boardToEdges(state.board, catalog, new Set());

  it('has one arrow per connection, from its source to its target', () => {
    expect(edges).toHaveLength(state.board.connections.length);
    const edge = edges.find((e) => e.id === edgeId('cmd-deposit-money', 'agg-bank-account'));
    expect(edge?.source).toBe('cmd-deposit-money');
    expect(edge?.target).toBe('agg-bank-account');
    expect(edge?.type).toBe('arrow');
  });

  it('styles arrows by the grammar: followed by the simulator, by a person, or an annotation', () => {
    const style = (from: string, to: string) => edges.find((e) => e.id === edgeId(from, to))?.data?.style;
    expect(style('cmd-deposit-money', 'agg-bank-account')).toBe('automatic');
    expect(style('actor-owner', 'cmd-deposit-money')).toBe('manual');
    expect(style('hot-overdraft-limits', 'cmd-withdraw-money')).toBe('annotation');
    expect(edges.find((e) => e.id === edgeId('actor-owner', 'cmd-deposit-money'))?.data?.reads).toBe('issues');
  });

  it('skips an arrow whose end is not on the board rather than failing', () => {
    const board = bankAccount().board;
    board.connections.push({ from: 'actor-owner', to: 'gone' });
    expect(boardToEdges(board, catalog, new Set())).toHaveLength(state.board.connections.length);
  });

  it('carries a label and the selection', () => {
    const board = bankAccount().board;
    const first = board.connections[0];
    if (!first) throw new Error('fixture has connections');
    first.label = 'opens';
    const id = edgeId(first.from, first.to);
    const edge = boardToEdges(board, catalog, new Set([id])).find((e) => e.id === id);
    expect(edge?.label).toBe('opens');
    expect(edge?.selected).toBe(true);
  });
});

describe('lint badges', () => {
  const d = (severity: Diagnostic['severity'], elements: string[]): Diagnostic => ({ code: 'unused-event', severity, message: 'm', elements });

  it('group diagnostics by their main element and skip board-wide ones', () => {
    const byId = problemsByElement({ diagnostics: [d('info', ['a', 'b']), d('error', ['b']), d('warning', [])], allowed: [] });
    expect([...byId.keys()].sort()).toEqual(['a', 'b']);
    expect(byId.get('b')).toHaveLength(1);
  });

  it('take the worst severity', () => {
    expect(worstSeverity([d('info', []), d('error', []), d('warning', [])])).toBe('error');
    expect(worstSeverity([d('info', []), d('warning', [])])).toBe('warning');
    expect(worstSeverity([])).toBeNull();
  });
});
