//! Opening the example models in a session on an in-memory store.
#![allow(dead_code)]
// Test helpers: a failed unwrap here is a failed test, with its message.
#![allow(clippy::unwrap_used)]

pub mod temp_model;

use std::path::PathBuf;

use serde_json::Value;
use squall_sim::{Options, Session, Source, Trace};
use squall_store::Store;

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn open(model: &str) -> Session {
    open_with(model, Store::open_in_memory().unwrap())
}

pub fn open_with(model: &str, store: Store) -> Session {
    let path = workspace().join("models").join(model);
    let board = squall_model::load(&path).unwrap();
    Session::open(board, path.parent().unwrap(), store, Options::default()).unwrap()
}

/// Submit a user command and run until quiet; the traces of every step.
pub fn run(session: &mut Session, command: &str, data: Value) -> Vec<Trace> {
    session.submit(command, data, Source::User).unwrap();
    let mut traces = Vec::new();
    let end = session.run_until_quiet(1000, |t| traces.push(t.clone())).unwrap();
    assert!(end.quiet, "{end:?}");
    traces
}
