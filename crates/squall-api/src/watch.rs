//! Watching the folders a board's file and its scripts live in, so that
//! whoever shows the board hears when the file changes on disk, or when the
//! lint changes without an edit (a script appears or goes). `squall serve`
//! and the desktop app both watch through this.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};
use squall_model::Board;

use crate::{Push, Workspace};

/// Editors write a file in several steps; wait for them to settle.
const SETTLE: Duration = Duration::from_millis(150);

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot start the thread that watches the model's folder: {0}")]
    Thread(#[source] std::io::Error),
    #[error("cannot watch {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
}

/// The watched folders. Changes in them, once settled, run the `on_change`
/// given to [`FolderWatch::start`] on the watch's own thread; dropping the
/// watch ends that thread.
#[derive(Debug)]
pub struct FolderWatch {
    changes: Sender<()>,
    watcher: Option<notify::RecommendedWatcher>,
    folders: BTreeSet<PathBuf>,
}

impl FolderWatch {
    /// Start the thread that runs `on_change`; nothing is watched until
    /// [`follow`](Self::follow).
    pub fn start(on_change: impl FnMut() + Send + 'static) -> Result<FolderWatch, WatchError> {
        let (changes, received) = mpsc::channel();
        std::thread::Builder::new()
            .name("squall-watch".into())
            .spawn(move || settle(&received, on_change))
            .map_err(WatchError::Thread)?;
        Ok(FolderWatch { changes, watcher: None, folders: BTreeSet::new() })
    }

    /// Watch the folders of `model` and of `board`'s scripts instead of the
    /// ones watched so far. A board without a file has nothing to watch.
    pub fn follow(&mut self, model: Option<&Path>, board: &Board) -> Result<(), WatchError> {
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
            // Reading a file is no change, and relinting reads the scripts.
            if event.kind.is_access() {
                return;
            }
            // Hidden files are Squall's own: recovery files and saves in progress.
            let ours =
                |path: &PathBuf| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.'));
            if !event.paths.iter().all(ours) {
                // The receiving thread lives as long as any sender.
                let _ = changes.send(());
            }
        })
        .map_err(|source| WatchError::Folder {
            path: model.map(Path::to_owned).unwrap_or_default(),
            source,
        })?;
        for dir in &folders {
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|source| WatchError::Folder { path: dir.clone(), source })?;
        }
        self.watcher = Some(watcher);
        self.folders = folders;
        Ok(())
    }

    /// The folders watched now.
    pub fn folders(&self) -> &BTreeSet<PathBuf> {
        &self.folders
    }
}

/// Run `on_change` once per burst of changes, after the burst.
fn settle(changes: &Receiver<()>, mut on_change: impl FnMut()) {
    while changes.recv().is_ok() {
        std::thread::sleep(SETTLE);
        while changes.try_recv().is_ok() {}
        on_change();
    }
}

/// The model's folder and every existing folder its scripts are in.
pub fn folders(model: &Path, board: &Board) -> BTreeSet<PathBuf> {
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

impl Workspace {
    /// What changed on disk that the workspace's clients must hear about:
    /// the model file (someone else wrote it), the lint (a script came or
    /// went), or the run (a script stopped or started compiling).
    pub fn disk_changes(&mut self) -> Vec<Push> {
        let mut pushes = Vec::new();
        if self.file_changed()
            && let Some(path) = self.path()
        {
            pushes.push(Push::FileChanged { path: path.display().to_string() });
        }
        if self.relint() {
            pushes.push(Push::LintUpdated { lint: self.lint().clone() });
        }
        pushes.extend(self.run_rescan());
        pushes
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn bank_account() -> Board {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/bank_account.ron");
        squall_model::load(&path).unwrap()
    }

    #[test]
    fn watches_the_model_folder_and_its_script_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("models")).unwrap();
        std::fs::create_dir_all(dir.path().join("scripts/bank_account")).unwrap();
        let model = dir.path().join("models/bank.ron");

        let watched = folders(&model, &bank_account());

        // The scripts are `../scripts/bank_account/*.rhai`, relative to the model.
        assert_eq!(
            watched.into_iter().collect::<Vec<_>>(),
            vec![dir.path().join("models"), dir.path().join("models/../scripts/bank_account")]
        );
    }

    #[test]
    fn a_burst_of_writes_is_one_change_and_hidden_files_none() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("bank.ron");
        std::fs::write(&model, "").unwrap();
        let (seen, changes) = mpsc::channel();
        let mut watch = FolderWatch::start(move || {
            let _ = seen.send(());
        })
        .unwrap();
        watch.follow(Some(&model), &Board::new("Empty")).unwrap();

        std::fs::write(dir.path().join(".bank.ron.recovery"), "ours").unwrap();
        assert!(changes.recv_timeout(SETTLE * 4).is_err(), "a hidden file is Squall's own, not a change");

        for text in ["a", "ab", "abc"] {
            std::fs::write(&model, text).unwrap();
        }
        let started = Instant::now();
        changes.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(started.elapsed() >= SETTLE / 2, "the change is reported after the writes settle");
        assert!(changes.recv_timeout(SETTLE * 4).is_err(), "three quick writes are one change");
    }

    #[test]
    fn a_board_without_a_file_watches_nothing() {
        let mut watch = FolderWatch::start(|| {}).unwrap();
        watch.follow(None, &bank_account()).unwrap();
        assert!(watch.folders().is_empty());
    }
}
