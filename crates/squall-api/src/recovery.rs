//! Autosave files: where they go and when one is worth offering back.

use std::path::{Path, PathBuf};

use squall_model::Board;

use crate::Error;

/// Where the recovery file of a board lives: next to its model as a hidden
/// `.NAME.ron.recovery.ron` (hidden, so `models/*.ron` globs given to
/// `squall fmt` or `squall check` do not pick it up), or, for a board
/// without a file, in the host's recovery folder.
pub(crate) fn path_for(model: Option<&Path>, dir: Option<&Path>) -> Option<PathBuf> {
    match model {
        Some(model) => {
            let name = model.file_name()?.to_string_lossy();
            Some(model.with_file_name(format!(".{name}.recovery.ron")))
        }
        None => dir.map(|dir| dir.join("untitled.recovery.ron")),
    }
}

/// The board in a recovery file at least as new as the model, if there is
/// a readable one. A recovery file older than the model was overtaken by a
/// later save and is not offered.
pub(crate) fn offered(recovery: &Path, model: Option<&Path>) -> Option<Board> {
    let written = std::fs::metadata(recovery).and_then(|m| m.modified()).ok()?;
    if let Some(model) = model
        && let Ok(saved) = std::fs::metadata(model).and_then(|m| m.modified())
        && saved > written
    {
        return None;
    }
    read(recovery).ok()
}

pub(crate) fn read(recovery: &Path) -> Result<Board, Error> {
    let text = std::fs::read_to_string(recovery).map_err(|err| Error::io(recovery, err))?;
    Ok(squall_model::parse(&text, &recovery.display().to_string())?)
}

/// Remove a recovery file; one that is already gone is fine.
pub(crate) fn remove(recovery: &Path) -> Result<(), Error> {
    match std::fs::remove_file(recovery) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(Error::io(recovery, err)),
        _ => Ok(()),
    }
}
