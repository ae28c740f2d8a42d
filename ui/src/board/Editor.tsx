// The board editor: the canvas, the palette, the panels, and the keyboard.
// Every change goes to the backend as a request; what is drawn is the
// backend's last answer plus whatever drag is in flight.

import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  getNodesBounds,
  useStore,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { ApiError, errorMessage, type Api } from '../api/api';
import type { CodeLanguage, Diagnostic, Id, Kind, PictureFormat, Point, SearchHit, State } from '../api/generated';
import * as req from '../api/requests';
import { stateOf } from '../api/requests';
import { edgeTypes } from './ArrowEdge';
import { ConnectionLine, VerdictContext } from './ConnectionLine';
import { BoardActionsContext, type BoardActions } from './actions';
import { freshName, type Catalog } from './catalog';
import { frameAround, groupAt, stickyAt, type Rect } from './geometry';
import { Banners, Toolbar } from './Toolbar';
import { LintPanel } from './LintPanel';
import { bigPictureKey, phaseLint, useBigPicture } from './lintPhase';
import { useConnecting } from './useConnecting';
import type { ArrowEdge, BoardNode } from './mapping';
import { nodeTypes, spaced } from './nodes';
import { exportPicture, fileSlug } from './picture';
import { DRAG_KIND, Palette } from './Palette';
import { ElementProperties, GroupProperties } from './Properties';
import { SearchBar } from './SearchBar';
import { copySelection, documentTitle, fileLabel, isTyping, keepHit, movesForDrag, nextHit, placePaste, type HeldClip } from './selection';
import { Toasts } from './Toasts';
import { ArrangeBar } from './Arrange';
import { useArrange } from './useArrange';
import { useCanvasModel } from './useCanvasModel';
import { useFarDrag } from './useFarDrag';
import { useWorkspace, type WorkspaceView } from './useWorkspace';
import { BoardMap } from './BoardMap';
import { FarCanvas } from './FarCanvas';
import { FAR_STICKIES, seenFromFar, showsDetails } from './zoom';
import { RunMarksContext } from '../run/marks';
import { RunBar } from '../run/RunBar';
import { RunLeft, RunRight } from '../run/RunPanels';
import { useRunMode } from '../run/useRunMode';
import { ScriptPanel, type ScriptJump } from '../script/ScriptPanel';
import { JoinDialog } from '../workshop/JoinDialog';
import { readOnlyKey } from '../workshop/roles';
import { useOwnState, useWorkshop, type Workshop } from '../workshop/useWorkshop';
import { WorkshopLayer } from '../workshop/WorkshopLayer';

const GRID = 20;
const AUTOSAVE_MS = 5000;

const snap = (v: number) => Math.round(v / GRID) * GRID;

// Props of the canvas made once: a new object or function on every render
// would make xyflow update its store, and redraw, each time.
const DEFAULT_EDGE_OPTIONS = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const SNAP_GRID: [number, number] = [GRID, GRID];
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
// Little to spare, so a fitted board is as large as it can be: names are read from the fit zoom in workshops.
const FIT_PADDING = 0.04;
const NO_EDGES: ArrowEdge[] = [];
const PRO_OPTIONS = { hideAttribution: true };

const noop = () => {};
/** Running, a sticky is not renamed or resized. */
const READ_ONLY_ACTIONS: BoardActions = { startEditing: noop, cancelEditing: noop, commitName: noop, resized: noop };

const ARROWS: Partial<Record<string, Point>> = {
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
};

export function Editor({ api }: { api: Api }) {
  const ws = useWorkspace(api);
  const workshop = useWorkshop(api, ws.state?.locked ?? false);
  // Each participant undoes their own edits: the toolbar and the keys read their own history.
  const state = useOwnState(ws.state, workshop.me);
  if (ws.loadError) {
    return (
      <div className="page-message">
        <h1>Squall cannot load the board</h1>
        <p>{ws.loadError}</p>
      </div>
    );
  }
  if (!state || !ws.catalog) return <div className="page-message">Loading the board…</div>;
  return (
    <>
      <BoardEditor ws={ws} state={state} catalog={ws.catalog} api={api} workshop={workshop} />
      {workshop.asking && workshop.channel ? (
        <JoinDialog channel={workshop.channel} initial={workshop.identity} onJoin={workshop.join} onCancel={workshop.me ? workshop.cancelRename : undefined} />
      ) : null}
    </>
  );
}

interface SearchState {
  open: boolean;
  query: string;
  hits: SearchHit[];
  current: number;
}

const closedSearch: SearchState = { open: false, query: '', hits: [], current: -1 };

function BoardEditor({ ws, state, catalog, api, workshop }: { ws: WorkspaceView; state: State; catalog: Catalog; api: Api; workshop: Workshop }) {
  const flow = useReactFlow<BoardNode, ArrowEdge>();
  // Changes only when the zoom crosses FAR_ZOOM, so panning does not redraw the editor.
  const seenFar = useStore(seenFromFar);
  // A picture is being drawn (by the backend): the export buttons wait.
  const [exporting, setExporting] = useState(false);
  // Changes only when the zoom crosses DETAIL_ZOOM: below it stickies show their names alone, written large.
  const detailed = useStore(showsDetails);
  // Until the board is first fitted to the window it is seen from xyflow's
  // default zoom; drawing it from there would draw stickies to throw away.
  const [placed, setPlaced] = useState(false);
  const far = state.board.elements.length >= FAR_STICKIES && (seenFar || !placed);
  const [editing, setEditing] = useState<Id | null>(null);
  const [lastKind, setLastKind] = useState<Kind>(() => catalog.kinds.find((k) => k.kind === 'Event')?.kind ?? catalog.kinds[0]?.kind ?? 'Note');
  const [search, setSearch] = useState<SearchState>(closedSearch);
  const hitSet = useMemo(() => new Set(search.hits.map((h) => h.id)), [search.hits]);
  // Big picture: the board and the lint panel show only errors until the team asks for more.
  const [bigPicture, setBigPicture] = useBigPicture(bigPictureKey(state.path, state.board.name));
  const phased = useMemo(() => phaseLint(state.lint, bigPicture), [bigPicture, state.lint]);
  const shownState = useMemo(() => (bigPicture ? { ...state, lint: phased.report } : state), [bigPicture, phased.report, state]);
  const canvas = useCanvasModel(shownState, catalog, editing, hitSet);
  const { nodes, edges, select, selectWhenPresent } = canvas;
  const wrapper = useRef<HTMLDivElement>(null);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const clipboard = useRef<HeldClip | null>(null);
  const [dismissedRecovery, setDismissedRecovery] = useState(false);
  // The sticky whose script is open, and the line to show in it.
  const [scriptOf, setScriptOf] = useState<{ id: Id; jump: ScriptJump | null } | null>(null);
  const board = state.board;
  const names = useMemo(() => new Map(board.elements.map((e) => [e.id, e.name])), [board.elements]);
  // Whether the open script has unsaved text: closing it, or opening another, asks first.
  const scriptDirty = useRef(false);
  const onScriptDirty = useCallback((dirty: boolean) => {
    scriptDirty.current = dirty;
  }, []);
  const mayLeaveScript = useCallback((): boolean => {
    if (!scriptOf || !scriptDirty.current) return true;
    const name = names.get(scriptOf.id) || 'this sticky';
    return window.confirm(`The script of ${name} has changes that are not saved. Discard them?`);
  }, [names, scriptOf]);
  const openScript = useCallback(
    (id: Id, line: number | null = null) => {
      if (scriptOf?.id !== id && !mayLeaveScript()) return;
      setScriptOf({ id, jump: line === null ? null : { line, seq: Date.now() } });
    },
    [mayLeaveScript, scriptOf],
  );
  const closeScript = useCallback(() => {
    if (mayLeaveScript()) setScriptOf(null);
  }, [mayLeaveScript]);
  const missingScripts = useMemo(
    () => new Set(state.lint.diagnostics.filter((d) => d.code === 'missing-script').map((d) => d.elements[0])),
    [state.lint],
  );
  const selectedNodes = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);

  // From far, xyflow draws the frames and the stickies being worked on; FarCanvas paints the rest.
  const drawnFromFar = useMemo(
    () => new Set(nodes.filter((n) => n.type === 'frame' || n.selected || n.data.editing).map((n) => n.id)),
    [nodes],
  );
  const shownNodes = useMemo(() => (far ? nodes.filter((n) => drawnFromFar.has(n.id)) : nodes), [drawnFromFar, far, nodes]);
  const shownEdges = far ? NO_EDGES : edges;

  /** Show the whole board: its bounds, not only what xyflow draws from far. */
  const fitBoard = useCallback(
    async (duration: number) => {
      if (nodes.length === 0) return;
      await flow.fitBounds(getNodesBounds(nodes), { padding: FIT_PADDING, duration });
    },
    [flow, nodes],
  );

  const onInit = useCallback(() => {
    void fitBoard(0).finally(() => setPlaced(true));
  }, [fitBoard]);

  // Run mode: the board is read-only while it runs, so nothing stays selected or half-renamed;
  // the canvas narrows or widens with the panels, so the whole board is shown in what it has now.
  const runMode = useRunMode({
    api,
    ws,
    board,
    onEnterRun: useCallback(() => {
      setEditing(null);
      select(new Set());
    }, [select]),
    onModeChanged: useCallback(() => setTimeout(() => void fitBoard(300), 60), [fitBoard]),
  });
  const { running, run } = runMode;
  // Viewers, and participants while the facilitator has locked the board, look without changing anything.
  const readOnly = running || !workshop.may.edit;
  // Locked in the middle of a rename: the name could not be saved, so its editor closes.
  if (readOnly && editing !== null) setEditing(null);
  const pickInRun = runMode.pickSticky;

  // ---- placing and finding --------------------------------------------------

  const viewportCentre = useCallback((): { x: number; y: number } => {
    const r = wrapper.current?.getBoundingClientRect();
    return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
  }, []);

  const addSticky = useCallback(
    async (kind: Kind, screen?: { x: number; y: number }) => {
      const info = catalog.info(kind);
      const size = info.default_size;
      const at = flow.screenToFlowPosition(screen ?? viewportCentre());
      const position: Point = { x: snap(at.x - size.width / 2), y: snap(at.y - size.height / 2) };
      setLastKind(kind);
      const name = freshName(board.elements, kind, info.label);
      const created = await ws.edit(req.addElement(kind, name, position, groupAt(board, at)));
      const id = created?.[0];
      if (id) {
        selectWhenPresent(new Set([id]));
        setEditing(id);
      }
    },
    [board, catalog, flow, selectWhenPresent, viewportCentre, ws],
  );

  const centreOn = useCallback(
    (id: Id) => {
      const node = flow.getNode(id);
      if (!node) return;
      const width = node.width ?? node.measured?.width ?? 0;
      const height = node.height ?? node.measured?.height ?? 0;
      select(new Set([id]));
      void flow.setCenter(node.position.x + width / 2, node.position.y + height / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 300,
      });
    },
    [flow, select],
  );

  // ---- edits --------------------------------------------------------------

  const deleteSelection = useCallback(async () => {
    const ids = selectedNodes.map((n) => n.id);
    if (ids.length > 0) await ws.edit(req.deleteElements(ids));
    for (const e of selectedEdges) await ws.edit(req.disconnect(e.source, e.target));
  }, [selectedEdges, selectedNodes, ws]);

  const copy = useCallback(() => {
    const clip = copySelection(board, selectedNodes.map((n) => n.id));
    if (clip) clipboard.current = { clip, times: 0, lastAt: null };
    return clip !== null;
  }, [board, selectedNodes]);

  /** Paste under the pointer when it is on the board; a duplicate (`underPointer` false) goes beside the original. */
  const pasteClipboard = useCallback(async (underPointer: boolean) => {
    const held = clipboard.current;
    if (!held) return;
    const at = underPointer && pointer.current ? flow.screenToFlowPosition(pointer.current) : null;
    const { offset, held: next } = placePaste(held, at);
    clipboard.current = next;
    const created = await ws.edit(req.paste(held.clip.elements, held.clip.connections, offset));
    if (created && created.length > 0) selectWhenPresent(new Set(created));
  }, [flow, selectWhenPresent, ws]);

  const addFrame = useCallback(async () => {
    const kind = catalog.grammar.group_kinds[0];
    if (!kind) return;
    const members = selectedNodes.filter((n) => n.type !== 'frame');
    const centre = flow.screenToFlowPosition(viewportCentre());
    const area = frameAround(members, centre);
    const created = await ws.edit({
      type: 'edit',
      op: { type: 'add_group', kind, name: spaced(kind), position: area.position, size: area.size, members: members.map((n) => n.id) },
    });
    const id = created?.[0];
    if (id) selectWhenPresent(new Set([id]));
  }, [catalog.grammar.group_kinds, flow, selectWhenPresent, selectedNodes, viewportCentre, ws]);

  const createScript = useCallback(
    async (id: Id) => {
      const response = await ws.request({ type: 'create_script', id });
      const script = response ? stateOf(response)?.board.elements.find((e) => e.id === id)?.script : null;
      if (script) openScript(id);
    },
    [openScript, ws],
  );

  // An undo refused because someone built upon the change drops that step: ask what is left to undo.
  const undo = useCallback(() => {
    if (state.can_undo) void ws.request({ type: 'undo' }).then((done) => done ?? ws.request({ type: 'get_state' }));
  }, [state.can_undo, ws]);
  const redo = useCallback(() => {
    if (state.can_redo) void ws.request({ type: 'redo' }).then((done) => done ?? ws.request({ type: 'get_state' }));
  }, [state.can_redo, ws]);

  const save = useCallback(async () => {
    if (state.path) {
      const done = await ws.request({ type: 'save' });
      if (done) ws.toast(`Saved ${fileLabel(state.path, board.name)}`, 'info');
      return;
    }
    const path = window.prompt('Save the board as (a .ron path inside the model folder):', `${fileSlug(board.name)}.ron`);
    if (path) {
      const done = await ws.request({ type: 'save_as', path });
      if (done) ws.toast(`Saved ${path}`, 'info');
    }
  }, [board.name, state.path, ws]);

  const exportImage = useCallback(
    async (format: PictureFormat) => {
      if (exporting) return;
      setExporting(true);
      try {
        const saved = await exportPicture(api, format);
        if (saved) ws.toast(`Exported ${saved}`, 'info');
      } catch (err) {
        ws.toast(`Export failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        setExporting(false);
      }
    },
    [api, exporting, ws],
  );

  const exportCode = useCallback(
    async (language: CodeLanguage) => {
      if (exporting) return;
      setExporting(true);
      try {
        const send = (force: boolean) => api.send({ type: 'export_code', language, force });
        const answer = await send(false).catch(async (err: unknown) => {
          // Files someone edited since the last export: only overwritten when they say so.
          // (Over HTTP a conflict is a 409; the desktop's IPC carries the message alone.)
          const edited = err instanceof ApiError && (err.status === 409 || err.message.includes('changed since Squall last wrote'));
          if (!edited) throw err;
          return window.confirm(`${err.message}\n\nOverwrite them?`) ? send(true) : null;
        });
        if (answer?.type === 'code_exported') {
          const { dir, written, unchanged } = answer.export;
          ws.toast(`Exported to ${dir}: ${written} files written, ${unchanged} unchanged`, 'info');
        }
      } catch (err) {
        ws.toast(`Export failed: ${errorMessage(err)}`);
      } finally {
        setExporting(false);
      }
    },
    [api, exporting, ws],
  );

  // ---- search ---------------------------------------------------------------

  const searchSeq = useRef(0);
  const runSearch = useCallback(
    async (query: string) => {
      setSearch((s) => ({ ...s, query }));
      const seq = ++searchSeq.current;
      if (query.trim() === '') {
        setSearch((s) => ({ ...s, hits: [], current: -1 }));
        return;
      }
      const response = await ws.request({ type: 'search', query });
      if (seq !== searchSeq.current || !response || response.type !== 'search_results') return;
      // Keep the place among the hits when the answer to a longer query still holds it.
      setSearch((s) => ({ ...s, hits: response.hits, current: keepHit(s.hits, s.current, response.hits) }));
    },
    [ws],
  );

  const { hits: searchHits, current: searchCurrent } = search;
  const stepSearch = useCallback(
    (direction: 1 | -1) => {
      const index = nextHit(searchHits.length, searchCurrent, direction);
      const hit = searchHits[index];
      setSearch((s) => ({ ...s, current: index }));
      if (hit) centreOn(hit.id);
    },
    [centreOn, searchHits, searchCurrent],
  );

  // ---- keyboard -------------------------------------------------------------

  const onKey = (e: KeyboardEvent) => {
    if (!workshop.may.edit && !readOnlyKey(e)) return;
    if (runMode.onKey(e)) return;
    if (isTyping(e.target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (running) {
      // Running, the board is not edited: only saving, finding, undo and redo of board edits (a saved scenario) work.
      if (mod && ['s', 'f', 'z', 'y'].includes(key)) {
        e.preventDefault();
        if (key === 's') void save();
        else if (key === 'f') setSearch((s) => ({ ...s, open: true }));
        else if (key === 'z' && !e.shiftKey) undo();
        else redo();
      }
      return;
    }
    if (mod) {
      if (key === 'z' && !e.shiftKey) undo();
      else if ((key === 'z' && e.shiftKey) || key === 'y') redo();
      else if (key === 's') void save();
      else if (key === 'f') setSearch((s) => ({ ...s, open: true }));
      else if (key === 'c') copy();
      else if (key === 'v') void pasteClipboard(true);
      else if (key === 'd') {
        if (copy()) void pasteClipboard(false);
      } else if (key === 'a') select(new Set(nodes.filter((n) => n.type !== 'frame').map((n) => n.id)));
      else return;
      e.preventDefault();
      return;
    }
    if (e.altKey) return;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      void deleteSelection();
      return;
    }
    if ((e.key === 'Enter' || e.key === 'F2') && selectedNodes.length === 1 && selectedNodes[0]?.type !== 'frame') {
      e.preventDefault();
      setEditing(selectedNodes[0]?.id ?? null);
      return;
    }
    if (e.key === 'Escape') {
      select(new Set());
      return;
    }
    const step = ARROWS[e.key];
    if (step && selectedNodes.length > 0) {
      e.preventDefault();
      // A nudge is a move like a drag: one op for the whole selection.
      const by = e.shiftKey ? GRID * 5 : GRID;
      const moves = movesForDrag(
        board,
        selectedNodes.map((n) => ({ id: n.id, position: { x: n.position.x + step.x * by, y: n.position.y + step.y * by } })),
      );
      void ws.edit(req.moveElements(moves));
      return;
    }
    const info = catalog.byShortcut(e.key);
    if (info && !e.shiftKey) {
      e.preventDefault();
      void addSticky(info.kind, pointer.current ?? undefined);
    }
  };

  useEffect(() => {
    const handler = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  });

  useEffect(
    () =>
      api.views?.((action) => {
        if (action === 'fit') void fitBoard(300);
        else if (action === 'zoom_in') void flow.zoomIn({ duration: 200 });
        else void flow.zoomOut({ duration: 200 });
      }),
    [api, fitBoard, flow],
  );

  // ---- title, autosave, leaving ---------------------------------------------

  useEffect(() => {
    document.title = documentTitle(state.path, board.name, state.dirty);
  }, [board.name, state.dirty, state.path]);

  useEffect(() => {
    if (!state.dirty || !workshop.may.edit) return;
    const timer = setInterval(() => {
      api.send({ type: 'write_recovery' }).catch(() => {
        // Autosave is best effort; the next tick tries again.
      });
    }, AUTOSAVE_MS);
    return () => clearInterval(timer);
  }, [api, state.dirty, workshop.may.edit]);

  useEffect(() => {
    if (!state.dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.dirty]);

  // ---- canvas events --------------------------------------------------------

  /** Save where dragged stickies went (xyflow's drags, and painted stickies' from far). */
  const saveDrag = useCallback(
    (dragged: { id: Id; position: Point }[]) => {
      const moves = movesForDrag(board, dragged);
      const changed = moves.filter((m) => {
        const was = board.elements.find((e) => e.id === m.id)?.position ?? board.groups.find((g) => g.id === m.id)?.position;
        return !was || Math.round(was.x) !== Math.round(m.position.x) || Math.round(was.y) !== Math.round(m.position.y);
      });
      if (changed.length > 0) void ws.edit(req.moveElements(moves));
    },
    [board, ws],
  );
  const onNodeDragStop = useCallback(
    (_: unknown, _node: BoardNode, dragged: BoardNode[]) => saveDrag(dragged.map((n) => ({ id: n.id, position: n.position }))),
    [saveDrag],
  );
  const onFarPointerDown = useFarDrag({
    far: far && !readOnly,
    nodes,
    flow,
    grid: GRID,
    select,
    onNodesChange: canvas.onNodesChange,
    onDragStop: saveDrag,
  });

  const connecting = useConnecting(board, catalog, ws);

  // After the whole board is tidied it may be wider than before: show all of it.
  const onTidied = useCallback((scope: { frames: Id[] }) => {
    if (scope.frames.length === 0) setTimeout(() => void flow.fitView({ padding: FIT_PADDING, duration: 300 }), 100);
  }, [flow]);
  const arranging = useArrange(board, catalog, selectedNodes, ws, onTidied);

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      const target = e.target as HTMLElement;
      // Only the open board: a double click on a sticky edits its name instead.
      if (!target.classList.contains('react-flow__pane') && !target.closest('.frame-node')) return;
      if (readOnly) return;
      if (target.closest('.frame-title')) return;
      if (far) {
        // From far, a double click goes close to that spot: nobody names a sticky they cannot read.
        const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        void flow.setCenter(at.x, at.y, { zoom: 1, duration: 300 });
        return;
      }
      void addSticky(lastKind, { x: e.clientX, y: e.clientY });
    },
    [addSticky, far, flow, lastKind, readOnly],
  );

  // While the board moves, its stickies move as one picture: the browser
  // shifts it instead of drawing every sticky again for every frame, and
  // draws them sharp again at the new zoom once it stops.
  const onMoveStart = useCallback(() => wrapper.current?.classList.add('moving'), []);
  const onMoveEnd = useCallback(() => wrapper.current?.classList.remove('moving'), []);

  /** From far, the painted stickies answer a click: the one under the pointer is selected, and drawn. */
  const onPaneClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!far) return;
      const hit = stickyAt(nodes, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      if (hit && running) pickInRun(hit);
      else if (hit) select(new Set([hit]));
    },
    [far, flow, nodes, pickInRun, running, select],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(DRAG_KIND) as Kind;
      if (!kind || readOnly) return;
      e.preventDefault();
      void addSticky(kind, { x: e.clientX, y: e.clientY });
    },
    [addSticky, readOnly],
  );

  const onNodeClick = useCallback((_: ReactMouseEvent, node: BoardNode) => {
    if (node.type !== 'frame') pickInRun(node.id);
  }, [pickInRun]);

  const actions: BoardActions = useMemo(
    () => readOnly ? READ_ONLY_ACTIONS : ({
      startEditing: (id) => setEditing(id),
      cancelEditing: () => setEditing(null),
      commitName: (id, name) => {
        setEditing(null);
        const element = board.elements.find((e) => e.id === id);
        if (element && element.name !== name) void ws.edit(req.updateElement(id, { name }));
      },
      resized: (id: Id, r: Rect) => {
        void ws.edit(req.resize(id, { width: r.width, height: r.height }, { x: r.x, y: r.y }));
      },
    }),
    [board.elements, readOnly, ws],
  );

  const pickDiagnostic = useCallback(
    (d: Diagnostic) => {
      const main = d.elements[0];
      if (main) centreOn(main);
    },
    [centreOn],
  );

  // ---- layout ---------------------------------------------------------------

  const single = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  const selectedElement = single ? board.elements.find((e) => e.id === single.id) : undefined;
  const selectedGroup = single ? board.groups.find((g) => g.id === single.id) : undefined;
  const recovery = !dismissedRecovery ? state.recovery : null;

  return (
    <BoardActionsContext.Provider value={actions}>
      <VerdictContext.Provider value={ws.knownVerdict}>
      <div className="editor">
        <Toolbar
          file={fileLabel(state.path, board.name)}
          boardName={board.name}
          state={state}
          link={ws.link}
          onSave={() => void save()}
          onUndo={undo}
          onRedo={redo}
          onFrame={() => void addFrame()}
          onTidy={() => void arranging.tidyUp()}
          tidying={arranging.tidying}
          tidyTitle={arranging.tidyTitle}
          onFind={() => setSearch((s) => ({ ...s, open: true }))}
          onFit={() => void fitBoard(300)}
          onExport={(format) => void exportImage(format)}
          onExportCode={(language) => void exportCode(language)}
          exporting={exporting}
          mode={runMode.mode}
          onMode={runMode.switchMode}
          readOnly={!workshop.may.edit}
        />
        <Banners
          recovery={recovery}
          fileChanged={ws.fileChanged ? fileLabel(ws.fileChanged, board.name) : null}
          dirty={state.dirty}
          onRestore={() => void ws.request({ type: 'take_recovery' })}
          onDiscard={() => {
            setDismissedRecovery(true);
            void ws.request({ type: 'discard_recovery' });
          }}
          onReload={async () => {
            const done = await ws.request({ type: 'reload', discard: state.dirty });
            if (done) ws.dismissFileChanged();
          }}
          onKeep={ws.dismissFileChanged}
        />

        {running && run.status ? (
          <fieldset className="workshop-gate" disabled={!workshop.may.edit}>
            <RunBar run={run} status={run.status} />
          </fieldset>
        ) : null}
        <div className={running ? 'workspace run-workspace' : workshop.role === 'viewer' ? 'workspace workspace-viewing' : 'workspace'}>
          {!running ? (
            workshop.role === 'viewer' ? null : (
              <fieldset className="workshop-gate" disabled={readOnly}>
                <Palette kinds={catalog.kinds} last={lastKind} onPick={(kind) => void addSticky(kind)} />
              </fieldset>
            )
          ) : (
            <fieldset className="workshop-gate" disabled={!workshop.may.edit}>
              <RunLeft run={run} board={board} pick={runMode.pick} onPick={pickInRun} onOpenScript={openScript} />
            </fieldset>
          )}
          {/* The board and, docked beside it, the open script: the board stays in view, and Fit fits what shows. */}
          <div className="canvas-row">
          <div
            className={running ? 'canvas canvas-running' : 'canvas'}
            ref={wrapper}
            onDoubleClick={onDoubleClick}
            onPointerDownCapture={onFarPointerDown}
            onPointerMove={(e) => {
              pointer.current = { x: e.clientX, y: e.clientY };
            }}
            onPointerLeave={() => {
              pointer.current = null;
            }}
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes(DRAG_KIND)) {
                e.preventDefault();
                e.dataTransfer.dropEffect = 'copy';
              }
            }}
            onDrop={onDrop}
          >
            {search.open ? (
              <SearchBar
                query={search.query}
                hits={search.hits}
                current={search.current}
                onQuery={(q) => void runSearch(q)}
                onStep={stepSearch}
                onClose={() => setSearch(closedSearch)}
              />
            ) : null}
            <RunMarksContext.Provider value={running ? run.marks : null}>
            <ReactFlow<BoardNode, ArrowEdge>
              className={detailed ? undefined : 'names-only'}
              nodes={shownNodes}
              edges={shownEdges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onNodesChange={canvas.onNodesChange}
              onEdgesChange={canvas.onEdgesChange}
              onNodeDragStop={onNodeDragStop}
              onNodeClick={running ? onNodeClick : undefined}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              elementsSelectable={!running}
              onPaneClick={onPaneClick}
              onMoveStart={onMoveStart}
              onMoveEnd={onMoveEnd}
              onConnectStart={connecting.onConnectStart}
              onConnect={connecting.onConnect}
              onConnectEnd={connecting.onConnectEnd}
              isValidConnection={connecting.isValidConnection}
              connectionLineComponent={ConnectionLine}
              connectionMode={ConnectionMode.Loose}
              connectOnClick={false}
              defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
              snapToGrid
              snapGrid={SNAP_GRID}
              onlyRenderVisibleElements
              deleteKeyCode={null}
              disableKeyboardA11y
              selectionKeyCode="Shift"
              multiSelectionKeyCode={MULTI_SELECT_KEYS}
              zoomOnDoubleClick={false}
              elevateNodesOnSelect={false}
              minZoom={0.02}
              maxZoom={3}
              onInit={onInit}
              proOptions={PRO_OPTIONS}
            >
              <Background variant={BackgroundVariant.Dots} gap={GRID} size={1} />
              {far ? <FarCanvas nodes={nodes} edges={edges} drawn={drawnFromFar} /> : null}
              <BoardMap nodes={nodes} />
              <Controls showInteractive={false} />
              {workshop.channel ? (
                <WorkshopLayer workshop={workshop} channel={workshop.channel} board={board} locked={state.locked} mode={runMode.mode} onMode={runMode.switchMode} request={ws.request} onRefit={() => void fitBoard(0)} />
              ) : null}
            </ReactFlow>
            </RunMarksContext.Provider>
          </div>
          {scriptOf && board.elements.some((e) => e.id === scriptOf.id) ? (
            <ScriptPanel
              key={scriptOf.id}
              api={api}
              request={ws.request}
              id={scriptOf.id}
              name={names.get(scriptOf.id) ?? ''}
              jump={scriptOf.jump}
              run={running ? run : null}
              onClose={closeScript}
              onDirty={onScriptDirty}
            />
          ) : null}
          </div>
          {running ? (
            <RunRight run={run} board={board} pick={runMode.pick} onSaveScenario={(id, name) => void runMode.saveScenario(id, name)} />
          ) : (
          <aside className="side">
            <fieldset className="workshop-gate" disabled={!workshop.may.edit}>
            {selectedElement ? (
              <ElementProperties
                key={selectedElement.id}
                element={selectedElement}
                info={catalog.info(selectedElement.kind)}
                fieldTypes={catalog.grammar.field_types}
                scriptMissing={missingScripts.has(selectedElement.id)}
                canCreateScript={state.path !== null}
                onPatch={(patch) => void ws.edit(req.updateElement(selectedElement.id, patch))}
                onCreateScript={() => void createScript(selectedElement.id)}
                onEditScript={() => openScript(selectedElement.id)}
              />
            ) : selectedGroup ? (
              <GroupProperties
                key={selectedGroup.id}
                group={selectedGroup}
                onPatch={(patch) => void ws.edit({ type: 'edit', op: { type: 'update_group', id: selectedGroup.id, patch } })}
              />
            ) : selectedNodes.length > 1 ? (
              <div className="properties">
                <h2>{selectedNodes.length} selected</h2>
                <p className="prop-note">Drag to move them together; Delete removes them; Ctrl+D duplicates.</p>
                <ArrangeBar count={selectedNodes.length} onArrange={arranging.arrangeSelection} />
              </div>
            ) : (
              <div className="properties help">
                <h2>{board.name}</h2>
                <p className="prop-note">
                  Press a kind’s key (shown in the palette) to add a sticky under the pointer, or double-click the board
                  for another {catalog.info(lastKind).label.toLowerCase()}. Drag from a sticky’s edge dot to another
                  sticky to draw an arrow; the grammar says whether it may.
                </p>
              </div>
            )}
            </fieldset>
            <LintPanel
              lint={phased.report}
              names={names}
              onPick={pickDiagnostic}
              bigPicture={bigPicture}
              held={phased.held}
              onBigPicture={setBigPicture}
            />
          </aside>
          )}
        </div>
        <Toasts toasts={ws.toasts} onDismiss={ws.dismissToast} />
      </div>
      </VerdictContext.Provider>
    </BoardActionsContext.Provider>
  );
}

