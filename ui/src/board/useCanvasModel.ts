// The nodes and edges xyflow draws: rebuilt from each state the backend
// sends, and changed locally only for what is in flight (a drag, a resize,
// the selection) until the backend's next answer.

import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useState } from 'react';
import type { Id, State } from '../api/generated';
import type { Catalog } from './catalog';
import { boardToEdges, boardToNodes, type ArrowEdge, type BoardNode } from './mapping';
import { followFrames, selectedIds } from './selection';

interface Model {
  state: State;
  editing: Id | null;
  hits: ReadonlySet<Id>;
  nodes: BoardNode[];
  edges: ArrowEdge[];
}

function build(state: State, catalog: Catalog, editing: Id | null, hits: ReadonlySet<Id>, selected: ReadonlySet<string>): Model {
  return {
    state,
    editing,
    hits,
    nodes: boardToNodes(state.board, catalog, state.lint, { selected, editing, hits }),
    edges: boardToEdges(state.board, catalog, selected),
  };
}

const exists = (state: State, ids: ReadonlySet<string>) =>
  [...ids].every((id) => state.board.elements.some((e) => e.id === id) || state.board.groups.some((g) => g.id === id));

export function useCanvasModel(state: State, catalog: Catalog, editing: Id | null, hits: ReadonlySet<Id>) {
  const [model, setModel] = useState<Model>(() => build(state, catalog, editing, hits, new Set()));
  // A selection to make once the elements it names are on the board (after an add or a paste).
  const [wanted, setWanted] = useState<ReadonlySet<string> | null>(null);

  let current = model;
  const wantedReady = wanted !== null && exists(state, wanted);
  if (model.state !== state || model.editing !== editing || model.hits !== hits || wantedReady) {
    const selected = wantedReady ? wanted : new Set([...selectedIds(model.nodes), ...selectedIds(model.edges)]);
    current = build(state, catalog, editing, hits, selected);
    setModel(current);
    if (wantedReady) setWanted(null);
  }

  const onNodesChange = useCallback(
    (changes: NodeChange<BoardNode>[]) =>
      setModel((m) => {
        const positions = new Map(m.nodes.map((n) => [n.id, n.position]));
        const extra = followFrames(m.state.board, changes as NodeChange[], positions) as NodeChange<BoardNode>[];
        return { ...m, nodes: applyNodeChanges([...changes, ...extra], m.nodes) };
      }),
    [],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<ArrowEdge>[]) => setModel((m) => ({ ...m, edges: applyEdgeChanges(changes, m.edges) })),
    [],
  );

  /** Select exactly these nodes now (they are on the board). */
  const select = useCallback(
    (ids: ReadonlySet<string>) =>
      setModel((m) => ({
        ...m,
        nodes: m.nodes.map((n) => (n.selected === ids.has(n.id) ? n : { ...n, selected: ids.has(n.id) })),
        edges: m.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      })),
    [],
  );

  return { nodes: current.nodes, edges: current.edges, onNodesChange, onEdgesChange, select, selectWhenPresent: setWanted };
}
