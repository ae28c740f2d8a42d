//! Opening models, stores and sessions the same way in every simulator
//! command, so each failure reads the same and exits 2.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use squall_sim::{Options, Session};
use squall_store::{Durability, Store};

/// The folder a model's script paths are relative to.
pub fn model_dir(model: &Path) -> PathBuf {
    match model.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A loaded model and the folder its scripts are found from. Loaded before
/// any store is opened, so a mistyped model path creates no store file.
pub struct Model {
    path: PathBuf,
    board: squall_model::Board,
}

impl Model {
    pub fn load(path: &Path) -> anyhow::Result<Model> {
        Ok(Model { path: path.to_owned(), board: squall_model::load(path)? })
    }

    /// Start a session on `store`: scripts compiled, policies caught up
    /// with the events already there.
    pub fn session(self, store: Store, options: Options) -> anyhow::Result<Session> {
        Session::open(self.board, &model_dir(&self.path), store, options)
            .with_context(|| format!("{}: cannot run the model", self.path.display()))
    }
}

/// A store file to write to, created when missing (`squall run`, `squall sim --db`).
pub fn writable(path: &Path) -> anyhow::Result<Store> {
    Ok(Store::open(path, Durability::Interactive)?)
}

/// An existing store file to write to; inspection tools never create one.
pub fn existing_writable(path: &Path) -> anyhow::Result<Store> {
    must_exist(path)?;
    writable(path)
}

/// An existing store file, for reading only.
pub fn read_only(path: &Path) -> anyhow::Result<Store> {
    must_exist(path)?;
    Ok(Store::open_read_only(path)?)
}

fn must_exist(path: &Path) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!(
            "{}: no such store; `squall run MODEL --db {}` or `squall sim MODEL --db {}` creates one",
            path.display(),
            path.display(),
            path.display()
        );
    }
    Ok(())
}

/// Session options from the command line: the seed, the rest as default.
pub fn options(seed: Option<u64>) -> Options {
    let mut options = Options::default();
    if let Some(seed) = seed {
        options.seed = seed;
    }
    options
}
