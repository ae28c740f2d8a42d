//! Where a board's run lives: `<model folder>/.squall/<model stem>.sqlite`,
//! in a folder git ignores by itself, or in memory for a board without a file.

use std::path::{Path, PathBuf};

use squall_store::{Durability, Store};

use crate::Error;

/// The store file of the model file at `model`.
pub(crate) fn store_path(model: &Path) -> PathBuf {
    let dir = match model.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let stem = model.file_stem().map_or_else(|| "board".into(), |s| s.to_string_lossy().into_owned());
    dir.join(".squall").join(format!("{stem}.sqlite"))
}

/// Open the run of the model at `model` (creating `.squall/` and its
/// `.gitignore`), or an in-memory run for a board without a file.
/// Interactive durability: every step is one transaction that survives a power cut.
pub(crate) fn open(model: Option<&Path>) -> Result<Store, Error> {
    let Some(model) = model else { return Ok(Store::open_in_memory()?) };
    let path = store_path(model);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            // Everything in .squall is the run's working data, never the model's.
            std::fs::write(&ignore, "*\n").map_err(|e| Error::io(&ignore, e))?;
        }
    }
    Ok(Store::open(&path, Durability::Interactive)?)
}

/// Move the store file of `model` aside, with its WAL and shared-memory
/// files: `<stem>.sqlite` becomes `<stem>.<n>.sqlite`, `n` the first free
/// number. Returns the new name; none when there was no file.
pub(crate) fn set_aside(model: &Path) -> Result<Option<PathBuf>, Error> {
    let path = store_path(model);
    if !path.exists() {
        return Ok(None);
    }
    let stem = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_owned);
    let aside = (1..)
        .map(|n| dir.join(format!("{stem}.{n}.sqlite")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.old.sqlite")));
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            std::fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
        }
    }
    Ok(Some(aside))
}
