//! Watching the model's folder and its scripts' folders, so that the UI
//! hears when the file changes on disk or the lint changes without an edit
//! (a script appears or goes), as `squall serve`'s clients do; and the
//! autosave of unsaved work into the board's recovery file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::Context as _;
use notify::{RecursiveMode, Watcher as _};
use squall_api::Push;
use squall_model::Board;
use tauri::{AppHandle, Manager as _};

use crate::shell::Shell;

/// Editors write a file in several steps; wait for them to settle.
const SETTLE: Duration = Duration::from_millis(150);

/// How often unsaved work goes to the recovery file.
const AUTOSAVE: Duration = Duration::from_secs(30);

/// The folders watched, and the thread that acts on their changes.
#[derive(Debug)]
pub struct Watch {
    changes: Sender<()>,
    watcher: Option<notify::RecommendedWatcher>,
    folders: BTreeSet<PathBuf>,
}

impl Watch {
    /// Start the thread that checks the board after changes on disk and
    /// autosaves it. It lasts as long as the app.
    pub fn start(app: AppHandle) -> anyhow::Result<Watch> {
        let (changes, received) = mpsc::channel();
        std::thread::Builder::new()
            .name("squall-watch".into())
            .spawn(move || run(&app, &received))
            .context("cannot start the thread that watches the model's folder")?;
        Ok(Watch { changes, watcher: None, folders: BTreeSet::new() })
    }

    /// Watch the folders of `model` and of `board`'s scripts instead of the
    /// ones watched so far. A board without a file has nothing to watch.
    pub fn follow(&mut self, model: Option<&Path>, board: &Board) -> anyhow::Result<()> {
        let folders = model.map(|model| folders(model, board)).unwrap_or_default();
        if folders == self.folders {
            return Ok(());
        }
        self.watcher = None;
        self.folders.clear();
        if folders.is_empty() {
            return Ok(());
        }
        let changes = self.changes.clone();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if event.kind.is_access() {
                return;
            }
            // Hidden files are Squall's own: recovery files and saves in progress.
            let ours =
                |path: &PathBuf| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.'));
            if !event.paths.iter().all(ours) {
                // The receiver lives as long as the app.
                let _ = changes.send(());
            }
        })
        .context("cannot watch the model's folder")?;
        for dir in &folders {
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", dir.display()))?;
        }
        self.watcher = Some(watcher);
        self.folders = folders;
        Ok(())
    }
}

fn run(app: &AppHandle, changes: &Receiver<()>) {
    loop {
        match changes.recv_timeout(AUTOSAVE) {
            Ok(()) => {
                std::thread::sleep(SETTLE);
                while changes.try_recv().is_ok() {}
                check(app);
            }
            Err(RecvTimeoutError::Timeout) => autosave(app),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Tell the UI what changed on disk: the model file, or the lint because a
/// script came or went.
fn check(app: &AppHandle) {
    let shell = app.state::<Shell>();
    let mut pushes = Vec::new();
    {
        let mut workspace = shell.workspace();
        if workspace.file_changed()
            && let Some(path) = workspace.path()
        {
            pushes.push(Push::FileChanged { path: path.display().to_string() });
        }
        if workspace.relint() {
            pushes.push(Push::LintUpdated { lint: workspace.lint().clone() });
        }
    }
    for push in &pushes {
        crate::shell::push(app, push);
    }
}

fn autosave(app: &AppHandle) {
    if let Err(err) = app.state::<Shell>().workspace().write_recovery() {
        eprintln!("squall-desktop: autosave failed: {err}");
    }
}

/// The model's folder and every existing folder its scripts are in.
fn folders(model: &Path, board: &Board) -> BTreeSet<PathBuf> {
    let dir = match model.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut folders: BTreeSet<PathBuf> = board
        .elements
        .iter()
        .filter_map(|e| e.script.as_deref())
        .filter_map(|script| Some(dir.join(script).parent()?.to_owned()))
        .filter(|folder| folder.is_dir())
        .collect();
    folders.insert(dir);
    folders
}
