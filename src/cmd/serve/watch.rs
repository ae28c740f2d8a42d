//! Watching the model's folder and its scripts' folders, so that clients
//! hear when the file changes on disk or the lint changes without an edit
//! (a script appears or goes).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use notify::{RecursiveMode, Watcher as _};
use squall_api::Push;

use super::Shared;

/// Editors write a file in several steps; wait for them to settle.
const SETTLE: Duration = Duration::from_millis(150);

/// Start watching; the watch lasts as long as the returned watcher.
pub(super) fn start(shared: &Arc<Shared>, model: &Path) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if event.kind.is_access() {
            return;
        }
        // Hidden files are Squall's own: recovery files and saves in progress.
        let ours =
            |path: &PathBuf| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if !event.paths.iter().all(ours) {
            // The receiver only goes when the server stops.
            let _ = tx.send(());
        }
    })
    .context("cannot watch the model's folder")?;
    for dir in folders(shared, model) {
        watcher
            .watch(&dir, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }

    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            let shared = Arc::clone(&shared);
            let checked = tokio::task::spawn_blocking(move || {
                let mut workspace = shared.workspace();
                let mut pushes = Vec::new();
                if workspace.file_changed()
                    && let Some(path) = workspace.path()
                {
                    pushes.push(Push::FileChanged { path: path.display().to_string() });
                }
                if workspace.relint() {
                    pushes.push(Push::LintUpdated { lint: workspace.lint().clone() });
                }
                drop(workspace);
                for push in &pushes {
                    shared.push(push);
                }
            });
            if checked.await.is_err() {
                tracing::warn!("checking the model's folder for changes failed");
            }
        }
    });
    Ok(watcher)
}

/// The model's folder and every existing folder its scripts are in.
fn folders(shared: &Shared, model: &Path) -> BTreeSet<PathBuf> {
    let dir = crate::cmd::open::model_dir(model);
    let workspace = shared.workspace();
    let scripts = workspace
        .board()
        .elements
        .iter()
        .filter_map(|e| e.script.as_deref())
        .filter_map(|script| Some(dir.join(script).parent()?.to_owned()))
        .filter(|folder| folder.is_dir());
    let mut folders: BTreeSet<PathBuf> = scripts.collect();
    folders.insert(dir);
    folders
}
