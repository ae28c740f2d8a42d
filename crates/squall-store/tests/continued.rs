//! Batches the writer thread commits while the caller goes on (`Store::continue_batch`): what
//! they leave in the file, and what a commit that fails takes with it.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{T0, command, event, step};
use serde_json::json;
use squall_store::{DocumentChange, Durability, Error, MAIN, Step, Store};

/// Step `id` deposits into `stream` (at `version`), updates its balance document and
/// checkpoint, and issues `follow_up` when given.
fn deposit(id: &str, stream: &str, version: u64, follow_up: Option<&str>) -> Step {
    let mut step = step(id, vec![event(stream, version, "Deposited", json!({ "n": id }))]);
    step.documents.push(DocumentChange::Upsert {
        read_model: "balances".to_owned(),
        key: stream.to_owned(),
        document: json!({ "deposits": version + 1 }),
    });
    step.checkpoints.push("balances".to_owned());
    step.enqueue.extend(follow_up.map(|id| command(id, "Notify")));
    step
}

/// What another program sees in the file: counts of events, documents, checkpoints, queue rows.
fn seen_from_outside(path: &Path) -> [i64; 4] {
    let conn = rusqlite::Connection::open(path).unwrap();
    ["events", "documents", "checkpoints", "queue"]
        .map(|table| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap())
}

/// Another program's trigger that refuses the rows of `table` matching `when`, with "boom refused".
fn refuse(path: &Path, table: &str, when: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER boom BEFORE INSERT ON {table} WHEN {when} BEGIN SELECT RAISE(ABORT, 'boom refused'); END;"
        ))
        .unwrap();
}

#[test]
fn given_a_pipelined_batch_when_it_is_continued_then_its_rows_documents_and_pending_commands_are_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, Durability::Batch).unwrap();

    store.begin_pipelined_batch().unwrap();
    store.commit_step(MAIN, &deposit("c1", "acc-1", 0, None)).unwrap();
    store.commit_step(MAIN, &deposit("c2", "acc-1", 1, Some("n1"))).unwrap();
    store.continue_batch().unwrap();
    store.settle().unwrap();
    let after_first = (seen_from_outside(&path), store.batches_committed());
    let mut taken = deposit("c3", "acc-2", 0, None);
    taken.command = command("n1", "Notify");
    taken.from_queue = true;
    store.commit_step(MAIN, &taken).unwrap();
    store.finish_batch().unwrap();

    assert_eq!(after_first, ([2, 1, 1, 1], 1), "events, the document, its checkpoint, the pending command");
    assert_eq!(seen_from_outside(&path), [3, 2, 1, 0]);
    assert_eq!(store.batches_committed(), 2);
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({"deposits": 2})));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 3);
}

#[test]
fn given_a_continued_batch_whose_commit_fails_then_a_later_call_says_so_and_every_step_since_the_last_commit_is_gone()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, Durability::Batch).unwrap();
    // The documents are written when the batch commits, on the writer thread.
    refuse(&path, "documents", "NEW.key = 'acc-2'");

    store.begin_pipelined_batch().unwrap();
    store.commit_step(MAIN, &deposit("c1", "acc-1", 0, None)).unwrap();
    store.continue_batch().unwrap();
    store.commit_step(MAIN, &deposit("c2", "acc-2", 0, None)).unwrap();
    let handed_over = store.continue_batch();
    // Whichever call reaches the database after the failure reports it.
    let next = store.commit_step(MAIN, &deposit("c3", "acc-3", 0, None));
    let finished = store.finish_batch();

    assert!(handed_over.is_ok(), "the failing commit happens after the call returns");
    let err = next.err().unwrap_or_else(|| finished.unwrap_err());
    assert!(matches!(err, Error::BatchRolledBack { .. }), "{err}");
    assert!(err.to_string().contains("boom refused"), "{err}");
    assert_eq!(store.batches_committed(), 1, "the first batch committed, the second did not");
    assert_eq!(seen_from_outside(&path), [1, 1, 1, 0]);
    assert!(!store.in_batch());
    let after = store.commit_step(MAIN, &Step::accepted(command("c4", "Deposit"), T0));
    assert!(after.is_ok(), "the store goes on: {after:?}");
}

#[test]
fn given_a_synchronous_batch_when_it_is_continued_then_it_commits_at_once_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, Durability::Batch).unwrap();

    store.begin_batch().unwrap();
    store.commit_step(MAIN, &deposit("c1", "acc-1", 0, None)).unwrap();
    store.continue_batch().unwrap();
    let seen = seen_from_outside(&path);
    store.commit_step(MAIN, &deposit("c2", "acc-1", 1, None)).unwrap();
    store.finish_batch().unwrap();

    assert_eq!(seen, [1, 1, 1, 0]);
    assert_eq!(store.batches_committed(), 2);
    assert_eq!(seen_from_outside(&path), [2, 1, 1, 0]);
}

#[test]
fn given_no_batch_when_continuing_one_then_it_is_refused() {
    let mut store = Store::open_in_memory().unwrap();

    let err = store.continue_batch().unwrap_err();

    assert!(matches!(err, Error::NoBatchOpen { .. }), "{err}");
}

/// What `squall run` prints relies on: a step counts as on disk once its batch committed, and a
/// batch a failure rolled back never does, even after later batches commit.
#[test]
fn given_batches_numbered_by_their_steps_when_one_fails_then_only_the_committed_ones_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, Durability::Interactive).unwrap();
    refuse(&path, "events", "NEW.stream_id = 'acc-2'");
    let commits = store.commits();

    store.begin_pipelined_batch().unwrap();
    let first = commits.current();
    store.commit_step(MAIN, &deposit("c1", "acc-1", 0, None)).unwrap();
    store.continue_batch().unwrap();
    let refused = commits.current();
    store.commit_step(MAIN, &deposit("c2", "acc-2", 0, None)).unwrap();
    store.continue_batch().unwrap();
    let ahead = commits.current();
    let third = store.commit_step(MAIN, &deposit("c3", "acc-3", 0, None));
    let failed = store.finish_batch();
    store.begin_pipelined_batch().unwrap();
    let after = commits.current();
    store.commit_step(MAIN, &deposit("c4", "acc-4", 0, None)).unwrap();
    store.finish_batch().unwrap();

    assert!(third.is_err() || failed.is_err(), "the refusal is reported");
    assert_eq!([first, refused, ahead], [0, 1, 2]);
    assert!(commits.is_committed(first));
    assert!(!commits.is_committed(refused) && !commits.is_committed(ahead));
    assert!(after > ahead && commits.is_committed(after), "batch {after} after the failure");
    assert_eq!(seen_from_outside(&path)[0], 2, "c1 and c4");
}
