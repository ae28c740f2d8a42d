//! The one workspace of the app and everything around it that shows its
//! state: the window title, the Undo and Redo items, the recent files, the
//! watched folders and the pushes to the UI. Every request, from the UI or
//! from a menu, goes through [`handle`], so they all stay in step.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use squall_api::{Push, Request, Response, State, Workspace};
use tauri::{AppHandle, Emitter as _, Manager as _};

use crate::events;
use crate::menu::Handles;
use crate::settings::Settings;
use squall_api::FolderWatch;

/// The label of the app's one window.
pub const WINDOW: &str = "main";

/// The app's state, managed by Tauri.
#[derive(Debug)]
pub struct Shell {
    workspace: Mutex<Workspace>,
    chrome: Mutex<Chrome>,
}

/// What shows the workspace's state outside the web UI. Locked after the
/// workspace, never while waiting for it.
#[derive(Debug)]
struct Chrome {
    settings: Settings,
    settings_file: PathBuf,
    menu: Handles,
    watch: FolderWatch,
    title: String,
    /// The file last recorded as opened, to notice when the board moves to another.
    file: Option<PathBuf>,
}

impl Shell {
    pub fn new(
        workspace: Workspace,
        settings: Settings,
        settings_file: PathBuf,
        menu: Handles,
        watch: FolderWatch,
    ) -> Self {
        Shell {
            workspace: Mutex::new(workspace),
            chrome: Mutex::new(Chrome {
                settings,
                settings_file,
                menu,
                watch,
                title: String::new(),
                file: None,
            }),
        }
    }

    pub fn workspace(&self) -> MutexGuard<'_, Workspace> {
        // A panic while holding the lock leaves a workspace whose every
        // change was all-or-nothing, so it is still usable.
        self.workspace.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn chrome(&self) -> MutexGuard<'_, Chrome> {
        self.chrome.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The recent files, most recent first, as the File ▸ Recent menu lists them.
    pub fn recent(&self) -> Vec<PathBuf> {
        self.chrome().settings.recent.clone()
    }
}

/// Carry out a request, then tell the UI and the window what changed, as
/// `squall serve` tells its clients. On the main thread only, like [`show`].
pub fn handle(app: &AppHandle, request: Request) -> Result<Response, squall_api::Error> {
    let shell = app.state::<Shell>();
    let (result, changed, run) = {
        let mut workspace = shell.workspace();
        let before = fingerprint(&workspace);
        let result = workspace.handle(request);
        let changed = (fingerprint(&workspace) != before).then(|| workspace.state());
        (result, changed, workspace.take_pushes())
    };
    if let Some(state) = changed {
        push(app, &Push::Changed { state: Box::new(state.clone()) });
        show(app, &state);
    }
    // The run's moves, as `squall serve` broadcasts them.
    for moved in &run {
        push(app, moved);
    }
    result
}

/// Bring the window title, the menus, the recent files and the watched
/// folders in line with the workspace.
///
/// On the main thread only: elsewhere Tauri would hand the menu and title
/// changes to the main thread and wait, holding the chrome lock, while the
/// main thread might be waiting for that lock in a command.
pub fn show(app: &AppHandle, state: &State) {
    let shell = app.state::<Shell>();
    let mut chrome = shell.chrome();
    let title = title(state);
    if title != chrome.title
        && let Some(window) = app.get_webview_window(WINDOW)
    {
        if let Err(err) = window.set_title(&title) {
            eprintln!("squall-desktop: cannot set the window title: {err}");
        }
        chrome.title = title;
    }
    chrome.menu.show_history(state.can_undo, state.can_redo);

    let file = state.path.as_deref().map(|path| std::path::absolute(path).unwrap_or_else(|_| path.into()));
    if file == chrome.file {
        return;
    }
    chrome.file.clone_from(&file);
    if let Err(err) = chrome.watch.follow(file.as_deref(), &state.board) {
        eprintln!("squall-desktop: {err:#}; changes on disk will go unnoticed");
    }
    if let Some(file) = file
        && chrome.settings.opened(&file)
    {
        if let Err(err) = chrome.settings.save(&chrome.settings_file) {
            eprintln!("squall-desktop: cannot remember the recent files: {err}");
        }
        chrome.menu.show_recent(app, &chrome.settings.recent);
    }
}

/// Send a push to the UI.
pub fn push(app: &AppHandle, push: &Push) {
    if let Err(err) = app.emit(events::PUSH, push) {
        eprintln!("squall-desktop: cannot tell the UI what changed: {err}");
    }
}

/// Keep unsaved changes in the recovery file, which the next session offers.
pub fn keep_unsaved(app: &AppHandle) {
    match app.state::<Shell>().workspace().write_recovery() {
        Ok(Some(path)) => {
            eprintln!("Unsaved changes are kept in {}; the next session offers them back.", path.display());
        }
        Ok(None) => {}
        Err(err) => eprintln!("squall-desktop: cannot keep the unsaved changes: {err}"),
    }
}

/// What the UI and the window must hear about: a new board content, a save,
/// another file. The undo state changes only with the content.
fn fingerprint(workspace: &Workspace) -> (u32, bool, Option<PathBuf>) {
    (workspace.revision(), workspace.is_dirty(), workspace.path().map(Path::to_owned))
}

/// `bank_account.ron — Squall`, marked `• ` while it has unsaved changes.
pub fn title(state: &State) -> String {
    let name = state
        .path
        .as_deref()
        .and_then(|path| Path::new(path).file_name())
        .map_or_else(|| "Untitled".to_owned(), |name| name.to_string_lossy().into_owned());
    let mark = if state.dirty { "• " } else { "" };
    format!("{mark}{name} — Squall")
}

#[cfg(test)]
mod tests {
    use squall_api::{Op, Options};
    use squall_model::{Kind, Point};

    use super::*;

    fn open_example() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("bank_account.ron");
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/bank_account.ron"), &model).unwrap();
        let workspace = Workspace::open(&model, Options::default()).unwrap();
        (dir, workspace)
    }

    #[test]
    fn the_title_names_the_file_and_marks_unsaved_changes() {
        let (_dir, mut workspace) = open_example();
        assert_eq!(title(&workspace.state()), "bank_account.ron — Squall");

        let op = Op::AddElement {
            kind: Kind::Event,
            name: "Statement Sent".into(),
            position: Point { x: 0.0, y: 0.0 },
            group: None,
            patch: None,
        };
        workspace.handle(Request::Edit { op: Box::new(op) }).unwrap();

        assert_eq!(title(&workspace.state()), "• bank_account.ron — Squall");
    }

    #[test]
    fn a_new_board_is_untitled() {
        let workspace = Workspace::new("shop", Options::default());

        assert_eq!(title(&workspace.state()), "Untitled — Squall");
    }
}
