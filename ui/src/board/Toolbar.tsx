// The bar above the board (file, dirty mark, commands, link state) and the
// banners that ask for a decision (a recovery to restore, a file changed on disk).

import type { LinkStatus } from '../api/api';
import type { CodeLanguage, PictureFormat, RecoveryOffer, State } from '../api/generated';
import type { Mode } from '../run/mode';

/** Design mode edits the board; Run mode runs it (the board is read-only meanwhile). */
export type { Mode };

interface ToolbarProps {
  file: string;
  boardName: string;
  state: State;
  link: LinkStatus;
  onSave(): void;
  onUndo(): void;
  onRedo(): void;
  onFrame(): void;
  /** Lay the board, or the selected bounded contexts, out as a timeline. */
  onTidy(): void;
  tidying: boolean;
  tidyTitle: string;
  onFind(): void;
  onFit(): void;
  onExport(format: PictureFormat): void;
  /** Write the board's code skeleton into the project. */
  onExportCode(language: CodeLanguage): void;
  /** A picture is being drawn: the export buttons wait. */
  exporting: boolean;
  mode: Mode;
  onMode(mode: Mode): void;
  /** A viewer, or a participant on a locked board: nothing here changes the board. */
  readOnly?: boolean;
}

export function Toolbar({ file, boardName, state, link, onSave, onUndo, onRedo, onFrame, onTidy, tidying, tidyTitle, onFind, onFit, onExport, onExportCode, exporting, mode, onMode, readOnly = false }: ToolbarProps) {
  return (
    <header className="toolbar">
      <div className="title">
        <strong>{file}</strong>
        {state.dirty ? (
          <span className="dirty" title="Unsaved changes">
            ●
          </span>
        ) : null}
        <span className="board-name">{boardName}</span>
      </div>
      <div className="mode-switch" role="group" aria-label="Mode">
        <button
          type="button"
          className={mode === 'design' ? 'mode-on' : ''}
          aria-pressed={mode === 'design'}
          onClick={() => onMode('design')}
          data-testid="mode-design"
          title="Design mode: draw and edit the board (F5 switches)"
        >
          Design
        </button>
        <button
          type="button"
          className={mode === 'run' ? 'mode-on mode-run' : ''}
          aria-pressed={mode === 'run'}
          onClick={() => onMode('run')}
          data-testid="mode-run"
          title="Run mode: submit commands and watch the board run (F5 switches; F10 steps, Space plays)"
        >
          ▶ Run
        </button>
      </div>
      <div className="tools">
        <button type="button" onClick={onSave} title="Save (Ctrl+S)" disabled={readOnly || (!state.dirty && state.path !== null)}>
          Save
        </button>
        <button type="button" onClick={onUndo} disabled={readOnly || !state.can_undo} title="Undo your last change (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={onRedo} disabled={readOnly || !state.can_redo} title="Redo your last undone change (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" onClick={onFrame} disabled={readOnly || mode === 'run'} title="Frame the selection in a new bounded context">
          Context
        </button>
        <button type="button" className="tidy-up" onClick={onTidy} disabled={readOnly || mode === 'run' || tidying} title={tidyTitle}>
          {tidying ? 'Tidying…' : 'Tidy up'}
        </button>
        <button type="button" onClick={onFind} title="Find (Ctrl+F)">
          Find
        </button>
        <button type="button" onClick={onFit} title="Show the whole board">
          Fit
        </button>
        <span className="export" role="group" aria-label="Export">
          <span className="export-label">Export</span>
          <button type="button" onClick={() => onExport('svg')} title={exporting ? 'Exporting…' : 'Export the board as SVG: any browser, ImageMagick or Inkscape shows it'} disabled={exporting} aria-busy={exporting}>
            SVG
          </button>
          <button type="button" onClick={() => onExport('png')} title={exporting ? 'Exporting…' : 'Export the board as a PNG picture'} disabled={exporting} aria-busy={exporting}>
            PNG
          </button>
          <button type="button" onClick={() => onExportCode('rust')} title={exporting ? 'Exporting…' : 'Export the board as a Rust crate to build the real system from: types, handlers to fill in with the Rhai rules quoted, scenarios as tests'} disabled={exporting || readOnly} aria-busy={exporting}>
            Rust
          </button>
          <button type="button" onClick={() => onExportCode('typescript')} title={exporting ? 'Exporting…' : 'Export the board as a TypeScript package to build the real system from'} disabled={exporting || readOnly} aria-busy={exporting}>
            TypeScript
          </button>
        </span>
      </div>
      <div className={`link link-${link}`} title="Live updates from squall serve">
        {link === 'open' ? 'live' : link === 'connecting' ? 'connecting…' : 'offline'}
      </div>
    </header>
  );
}

interface BannersProps {
  recovery: RecoveryOffer | null;
  /** The changed file's name, when the backend said it changed on disk. */
  fileChanged: string | null;
  dirty: boolean;
  onRestore(): void;
  onDiscard(): void;
  onReload(): void;
  onKeep(): void;
}

export function Banners({ recovery, fileChanged, dirty, onRestore, onDiscard, onReload, onKeep }: BannersProps) {
  return (
    <>
      {recovery ? (
        <div className="banner banner-recovery" role="alert">
          <span>Unsaved work from an earlier session was kept ({recovery.elements} stickies). Restore it?</span>
          <button type="button" onClick={onRestore}>
            Restore
          </button>
          <button type="button" onClick={onDiscard}>
            Discard
          </button>
        </div>
      ) : null}
      {fileChanged ? (
        <div className="banner banner-file" role="alert">
          <span>{fileChanged} was changed on disk by something else.</span>
          <button type="button" onClick={onReload}>
            {dirty ? 'Reload and drop my changes' : 'Reload'}
          </button>
          <button type="button" onClick={onKeep}>
            Keep mine
          </button>
        </div>
      ) : null}
    </>
  );
}
