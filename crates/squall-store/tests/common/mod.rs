//! Builders shared by the store's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::{Value, json};
use squall_store::{Command, CommandMetadata, EventMetadata, NewEvent, Step, Store};

pub const T0: &str = "2024-01-01T00:00:00Z";

pub fn command(id: &str, command_type: &str) -> Command {
    Command {
        id: id.to_owned(),
        command_type: command_type.to_owned(),
        payload: json!({ "id": id }),
        metadata: CommandMetadata {
            correlation_id: format!("corr-{id}"),
            actor: Some("user:ada".to_owned()),
            ..CommandMetadata::default()
        },
    }
}

pub fn event(stream: &str, expected_version: u64, event_type: &str, payload: Value) -> NewEvent {
    NewEvent {
        stream_id: stream.to_owned(),
        expected_version,
        event_type: event_type.to_owned(),
        payload,
        metadata: EventMetadata {
            event_id: format!("{stream}-{}", expected_version + 1),
            command_id: "cmd".to_owned(),
            causation_id: "cmd".to_owned(),
            correlation_id: "corr".to_owned(),
            sticky_id: Some("sticky-account".to_owned()),
            script_hash: Some("blake3:abc".to_owned()),
            ..EventMetadata::default()
        },
    }
}

/// An accepted step appending `events` for command `id`.
pub fn step(id: &str, events: Vec<NewEvent>) -> Step {
    let mut step = Step::accepted(command(id, "Deposit"), T0);
    step.events = events;
    step
}

/// Appends one event to `stream` on `branch` at the stream's current version.
pub fn append(store: &mut Store, branch: &str, id: &str, stream: &str) -> u64 {
    let version = store.stream_version(branch, stream).unwrap();
    let receipt = store
        .commit_step(branch, &step(id, vec![event(stream, version, "Deposited", json!({"n": id}))]))
        .unwrap();
    receipt.positions[0]
}

/// (position, stream, version) of every event visible in `branch`.
pub fn visible(store: &Store, branch: &str) -> Vec<(u64, String, u64)> {
    store.events(branch).unwrap().into_iter().map(|e| (e.position, e.stream_id, e.stream_version)).collect()
}

pub fn count(store: &Store, table: &str) -> i64 {
    let rows = store.query(&format!("SELECT count(*) FROM {table}")).unwrap();
    rows.rows[0][0].as_i64().unwrap()
}
