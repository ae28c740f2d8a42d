//! The store as a file: schema versions, durability pragmas, reopening, append-only triggers
//! and read-only queries, checked with plain SQL through rusqlite where a user would.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{T0, append, command, event, step, visible};
use rusqlite::Connection;
use serde_json::json;
use squall_store::{DocumentChange, Durability, Error, MAIN, SCHEMA_VERSION, Store};

fn populated(path: &Path) {
    let mut store = Store::open(path, Durability::Interactive).unwrap();
    append(&mut store, MAIN, "c1", "acc-1");
    let mut s = step("c2", vec![event("acc-1", 1, "Deposited", json!({ "amount": 7 }))]);
    s.documents.push(DocumentChange::Upsert {
        read_model: "balances".to_owned(),
        key: "acc-1".to_owned(),
        document: json!({ "balance": 7 }),
    });
    s.checkpoints.push("balances".to_owned());
    s.enqueue.push(command("follow-up", "Notify"));
    store.commit_step(MAIN, &s).unwrap();
    store.create_branch("what-if", MAIN, 1, T0).unwrap();
    append(&mut store, "what-if", "w1", "acc-1");
}

#[test]
fn given_a_store_file_when_reopened_then_everything_is_still_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.squall.db");
    populated(&path);

    let store = Store::open(&path, Durability::Batch).unwrap();

    assert_eq!(store.schema_version().unwrap(), i64::try_from(SCHEMA_VERSION).unwrap());
    assert_eq!(visible(&store, MAIN), vec![(1, "acc-1".to_owned(), 1), (2, "acc-1".to_owned(), 2)]);
    assert_eq!(visible(&store, "what-if"), vec![(1, "acc-1".to_owned(), 1), (3, "acc-1".to_owned(), 2)]);
    assert_eq!(store.command_log(MAIN).unwrap().len(), 2);
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({ "balance": 7 })));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 2);
    assert_eq!(store.next_pending(MAIN).unwrap().unwrap().command.id, "follow-up");
    assert_eq!(store.branches().unwrap().len(), 2);
}

#[test]
fn given_a_store_file_when_opened_with_plain_sqlite_then_its_tables_are_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.squall.db");
    populated(&path);

    let conn = Connection::open(&path).unwrap();
    let (stream, version, amount, sticky): (String, i64, i64, String) = conn
        .query_row(
            "SELECT stream_id, stream_version, json_extract(payload, '$.amount'), \
             json_extract(metadata, '$.sticky_id') FROM events WHERE position = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();

    assert_eq!((stream.as_str(), version, amount, sticky.as_str()), ("acc-1", 2, 7, "sticky-account"));
}

#[test]
fn given_a_store_with_a_newer_schema_when_opened_then_it_is_refused_naming_file_and_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.squall.db");
    populated(&path);
    let newer = i64::try_from(SCHEMA_VERSION).unwrap() + 1;
    Connection::open(&path).unwrap().pragma_update(None, "user_version", newer).unwrap();

    let err = Store::open(&path, Durability::Interactive).unwrap_err();
    let read_only = Store::open_read_only(&path).unwrap_err();

    match &err {
        Error::SchemaTooNew { location, found, supported } => {
            assert_eq!(location, &path.display().to_string());
            assert_eq!((*found, *supported), (newer, SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains(&format!("schema version {newer}")), "{message}");
    assert!(message.contains(&format!("up to {SCHEMA_VERSION}")), "{message}");
    assert!(matches!(read_only, Error::SchemaTooNew { .. }), "{read_only}");
    // The refused file is left as it was.
    let version: i64 =
        Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, newer);
}

#[test]
fn given_a_file_that_is_not_sqlite_when_opened_then_the_error_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "this is not a database, just some text that is long enough ......").unwrap();

    let err = Store::open(&path, Durability::Interactive).unwrap_err();

    assert!(matches!(err, Error::Open { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

#[test]
fn given_each_durability_when_opened_then_the_pragmas_match_it() {
    let dir = tempfile::tempdir().unwrap();
    let interactive = Store::open(dir.path().join("i.db"), Durability::Interactive).unwrap();
    let batch = Store::open(dir.path().join("b.db"), Durability::Batch).unwrap();

    // synchronous: 1 = NORMAL, 2 = FULL.
    assert_eq!(interactive.pragma("journal_mode").unwrap(), "wal");
    assert_eq!(interactive.pragma("synchronous").unwrap(), "2");
    assert_eq!(batch.pragma("journal_mode").unwrap(), "wal");
    assert_eq!(batch.pragma("synchronous").unwrap(), "1");
    assert_eq!(interactive.durability(), Some(Durability::Interactive));
    assert_eq!(batch.durability(), Some(Durability::Batch));
}

#[test]
fn given_stored_events_when_plain_sql_updates_or_deletes_them_then_the_triggers_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.squall.db");
    populated(&path);
    let conn = Connection::open(&path).unwrap();

    let attempts = [
        ("UPDATE events SET payload = '{}' WHERE position = 1", "events are append-only; UPDATE"),
        ("DELETE FROM events WHERE position = 1", "events are append-only; DELETE"),
        ("UPDATE commands SET outcome = 'rejected', reason = 'x'", "command log is append-only; UPDATE"),
        ("DELETE FROM commands", "command log is append-only; DELETE"),
        ("DELETE FROM branches WHERE name = 'what-if'", "branches never change"),
    ];
    for (sql, message) in attempts {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains(message), "{sql}: {err}");
    }

    let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    let commands: i64 = conn.query_row("SELECT count(*) FROM commands", [], |r| r.get(0)).unwrap();
    assert_eq!((events, commands), (3, 3));
}

#[test]
fn given_a_read_only_store_when_querying_then_reads_work_and_writes_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.squall.db");
    populated(&path);
    let mut store = Store::open_read_only(&path).unwrap();

    let rows = store
        .query("SELECT position, event_type FROM events WHERE branch = 'main' ORDER BY position")
        .unwrap();
    let write = store.query("DELETE FROM queue").unwrap_err();
    let insert = store.query("INSERT INTO documents VALUES ('main', 'x', 'y', '{}')").unwrap_err();
    let api_write = store.enqueue(MAIN, &command("late", "Do"), T0).unwrap_err();
    let two = store.query("SELECT 1; SELECT 2").unwrap_err();

    assert!(store.is_read_only());
    assert_eq!(rows.columns, vec!["position", "event_type"]);
    assert_eq!(rows.rows, vec![vec![json!(1), json!("Deposited")], vec![json!(2), json!("Deposited")]]);
    assert!(matches!(write, Error::QueryWrites { .. }), "{write}");
    assert!(write.to_string().contains("queries are read-only"), "{write}");
    assert!(write.to_string().contains("DELETE FROM queue"), "{write}");
    assert!(matches!(insert, Error::QueryWrites { .. }), "{insert}");
    assert!(matches!(api_write, Error::ReadOnly { operation: "enqueue", .. }), "{api_write}");
    assert!(matches!(two, Error::Sqlite { .. }), "{two}");
    assert_eq!(store.pending_count(MAIN).unwrap(), 1);
    assert_eq!(store.pragma("query_only").unwrap(), "1");
}

#[test]
fn given_a_missing_file_when_opened_read_only_then_it_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");

    let err = Store::open_read_only(&path).unwrap_err();

    assert!(matches!(err, Error::Open { .. }), "{err}");
    assert!(err.to_string().contains("missing.db"), "{err}");
    assert!(!path.exists());
}

#[test]
fn given_an_empty_sqlite_file_when_opened_read_only_then_it_is_not_a_squall_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();

    let err = Store::open_read_only(&path).unwrap_err();

    assert!(matches!(err, Error::NotAStore { .. }), "{err}");
}

/// Another program's SQLite file, with `user_version` as that program left it.
fn foreign(path: &Path, user_version: i64) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO customers (name) VALUES ('Ada'), ('Grace');
         CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT);",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", user_version).unwrap();
}

/// Regression (issue 11, item 16): opening another program's database for writing switched it
/// to WAL and added Squall's tables, even when the migration then failed.
#[test]
fn given_another_programs_sqlite_file_when_opened_then_it_is_refused_and_left_byte_for_byte_unchanged() {
    // 0: an app that never sets it; 1 and 2: the versions Squall's own migrations use; 7: past them.
    for user_version in [0, 1, 2, 7] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other-app.db");
        foreign(&path, user_version);
        let before = std::fs::read(&path).unwrap();

        for durability in [Durability::Interactive, Durability::Batch] {
            let err = Store::open(&path, durability).unwrap_err();

            assert!(matches!(err, Error::NotAStore { .. }), "user_version {user_version}: {err:?}");
            let message = err.to_string();
            assert!(message.starts_with(&format!("{} is not a Squall store", path.display())), "{message}");
            assert!(message.contains("customers, events"), "{message}");
            assert!(message.contains("left unchanged"), "{message}");
        }
        let read_only = Store::open_read_only(&path).unwrap_err();
        assert!(matches!(read_only, Error::NotAStore { .. }), "{read_only}");

        assert!(std::fs::read(&path).unwrap() == before, "user_version {user_version}: the file changed");
        let mut left: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, ["other-app.db"], "no journal or WAL files are left behind");
    }
}

#[test]
fn given_an_empty_file_or_an_empty_database_when_opened_then_it_becomes_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let zero_bytes = dir.path().join("touched.db");
    std::fs::write(&zero_bytes, b"").unwrap();
    let no_tables = dir.path().join("no-tables.db");
    Connection::open(&no_tables).unwrap().execute_batch("CREATE TABLE t(x); DROP TABLE t;").unwrap();

    for path in [zero_bytes, no_tables] {
        let store = Store::open(&path, Durability::Interactive).unwrap();

        assert_eq!(store.schema_version().unwrap(), i64::try_from(SCHEMA_VERSION).unwrap());
        assert_eq!(store.pragma("journal_mode").unwrap(), "wal");
    }
}

#[test]
fn given_a_query_with_every_sqlite_type_when_run_then_values_map_to_json() {
    let store = Store::open_in_memory().unwrap();

    let rows = store.query("SELECT NULL AS n, 42 AS i, 1.5 AS r, 'text' AS t, x'0aff' AS b").unwrap();

    assert_eq!(rows.columns, vec!["n", "i", "r", "t", "b"]);
    assert_eq!(rows.rows, vec![vec![json!(null), json!(42), json!(1.5), json!("text"), json!("X'0AFF'")]]);
}

#[test]
fn given_a_writable_store_when_a_query_would_write_then_it_is_refused_too() {
    let mut store = Store::open_in_memory().unwrap();
    append(&mut store, MAIN, "c1", "s");

    let err = store.query("UPDATE events SET event_type = 'x'").unwrap_err();

    assert!(matches!(err, Error::QueryWrites { .. }), "{err}");
    assert_eq!(store.events(MAIN).unwrap()[0].event_type, "Deposited");
}
