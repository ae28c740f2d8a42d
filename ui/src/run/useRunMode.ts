// Run mode as the editor holds it: which mode is on, the run, the sticky
// clicked last, and Run mode's own keys. The editor stays the board's; this
// is what it needs to know of the run.

import { useCallback, useState } from 'react';
import type { Api } from '../api/api';
import type { Board, Id } from '../api/generated';
import type { WorkspaceView } from '../board/useWorkspace';
import { isTyping } from '../board/selection';
import { isRunKey, runKey } from './keys';
import { rememberedMode, rememberMode, type Mode } from './mode';
import type { RunPick } from './RunPanels';
import { useRun, type RunView } from './useRun';

export interface RunModeView {
  mode: Mode;
  running: boolean;
  run: RunView;
  /** The sticky clicked last in Run mode. */
  pick: RunPick | null;
  switchMode(next: Mode): void;
  /** A sticky clicked on the board: a command opens its form, an actor its commands. */
  pickSticky(id: Id): void;
  saveScenario(commandId: string, name: string): Promise<void>;
  /** F5, and Run mode's keys; true when the key was one of them (the editor leaves it alone then). */
  onKey(e: KeyboardEvent): boolean;
}

interface Options {
  api: Api;
  ws: WorkspaceView;
  board: Board;
  /** Entering Run mode: nothing stays selected or half-renamed. */
  onEnterRun(): void;
  /** The mode changed: the canvas narrowed or widened with the panels. */
  onModeChanged(): void;
}

export function useRunMode({ api, ws, board, onEnterRun, onModeChanged }: Options): RunModeView {
  const [mode, setMode] = useState<Mode>(rememberedMode);
  const running = mode === 'run';
  const [pick, setPick] = useState<RunPick | null>(null);
  const run = useRun(api, ws, board, running);
  const { toast } = ws;

  const switchMode = useCallback(
    (next: Mode) => {
      if (next === mode) return;
      if (next === 'run') onEnterRun();
      setMode(next);
      rememberMode(next);
      onModeChanged();
    },
    [mode, onEnterRun, onModeChanged],
  );

  const pickSticky = useCallback(
    (id: Id) => {
      setPick((p) => ({ id, seq: (p?.seq ?? 0) + 1 }));
      const element = board.elements.find((e) => e.id === id);
      run.choose(element?.kind === 'Command' ? id : null);
    },
    [board.elements, run],
  );

  const saveScenario = useCallback(
    async (commandId: string, name: string) => {
      const answer = await run.ask({ type: 'save_scenario', name, command_id: commandId });
      if (answer?.type === 'scenario_saved') toast(`Scenario “${answer.name}” is on the board now; Ctrl+Z takes it back.`, 'info');
    },
    [run, toast],
  );

  const onKey = (e: KeyboardEvent): boolean => {
    if (e.key === 'F5' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // F5 would reload the page; here it switches between designing and running the board.
      e.preventDefault();
      switchMode(running ? 'design' : 'run');
      return true;
    }
    if (!running) return false;
    if (isRunKey(e)) {
      const action = runKey(e, isTyping(e.target));
      if (action) {
        e.preventDefault();
        run.control(action === 'toggle' ? (run.player.playing ? 'pause' : 'play') : action);
      }
      return true;
    }
    if (e.key === 'Escape' && !isTyping(e.target)) {
      setPick(null);
      run.choose(null);
      return true;
    }
    return false;
  };

  return { mode, running, run, pick, switchMode, pickSticky, saveScenario, onKey };
}
