//! Committing steps: events, command log, read models, checkpoints and queue, all or nothing.

mod common;

use common::{T0, command, count, event, step, visible};
use serde_json::json;
use squall_store::{Checkpoint, DocumentChange, Error, EventView, MAIN, Outcome, Step, Store};

fn deposit_step(id: &str, stream: &str, expected: u64, amount: i64) -> Step {
    let mut step = step(id, vec![event(stream, expected, "Deposited", json!({ "amount": amount }))]);
    step.documents.push(DocumentChange::Upsert {
        read_model: "balances".to_owned(),
        key: stream.to_owned(),
        document: json!({ "balance": amount * i64::try_from(expected + 1).unwrap_or(i64::MAX) }),
    });
    step.checkpoints.push("balances".to_owned());
    step
}

/// A user's own trigger that makes SQLite refuse inserts `on` a table (and condition) with `message`.
#[allow(clippy::unwrap_used)] // set-up of a test: failing here fails the test
fn refuse_inserts(path: &std::path::Path, on: &str, message: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER boom BEFORE INSERT ON {on} BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        ))
        .unwrap();
}

#[test]
fn given_an_empty_store_when_a_step_appends_events_then_they_read_back_with_positions_and_metadata() {
    let mut store = Store::open_in_memory().unwrap();
    let mut first = step(
        "c1",
        vec![
            event("acc-1", 0, "Opened", json!({ "owner": "Ada" })),
            event("acc-1", 1, "Deposited", json!({ "amount": 5 })),
        ],
    );
    first.events[1].metadata.extra.insert("note".to_owned(), json!("first deposit"));

    let receipt = store.commit_step(MAIN, &first).unwrap();

    assert_eq!(receipt.positions, vec![1, 2]);
    assert_eq!(receipt.last_position(), Some(2));
    let events = store.events(MAIN).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event_type, "Opened");
    assert_eq!(events[0].payload, json!({ "owner": "Ada" }));
    assert_eq!(events[0].branch, MAIN);
    assert_eq!(events[1].stream_version, 2);
    assert_eq!(events[1].recorded_at, T0);
    assert_eq!(events[1].metadata, first.events[1].metadata);
    assert_eq!(store.stream_version(MAIN, "acc-1").unwrap(), 2);
    assert_eq!(store.stream_version(MAIN, "acc-2").unwrap(), 0);
    assert_eq!(store.head(MAIN).unwrap(), 2);
}

#[test]
fn given_two_streams_when_reading_one_stream_then_only_its_events_come_in_version_order() {
    let mut store = Store::open_in_memory().unwrap();
    for (i, stream) in ["a", "b", "a", "b", "a"].iter().enumerate() {
        common::append(&mut store, MAIN, &format!("c{i}"), stream);
    }

    let a = store.stream_events(MAIN, "a").unwrap();
    let mut after_first = Vec::new();
    store
        .for_each_stream_event(MAIN, "a", 1, |e: &EventView<'_>| {
            after_first.push(e.stream_version);
            Ok::<_, Error>(())
        })
        .unwrap();

    assert_eq!(
        a.iter().map(|e| (e.position, e.stream_version)).collect::<Vec<_>>(),
        vec![(1, 1), (3, 2), (5, 3)]
    );
    assert_eq!(after_first, vec![2, 3]);
}

#[test]
fn given_events_when_streaming_a_position_window_then_only_that_window_is_visited() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 0..10 {
        common::append(&mut store, MAIN, &format!("c{i}"), "s");
    }

    let mut seen = Vec::new();
    let visited = store
        .for_each_event(MAIN, 3, Some(7), |e| {
            seen.push(e.position);
            Ok::<_, Error>(())
        })
        .unwrap();

    assert_eq!(visited, 4);
    assert_eq!(seen, vec![4, 5, 6, 7]);
}

#[derive(Debug, PartialEq)]
enum Replay {
    StoppedAt(u64),
    Store(String),
}

impl From<Error> for Replay {
    fn from(err: Error) -> Self {
        Self::Store(err.to_string())
    }
}

#[test]
fn given_a_callback_error_when_streaming_then_streaming_stops_with_that_error() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 0..5 {
        common::append(&mut store, MAIN, &format!("c{i}"), "s");
    }

    let mut seen = 0;
    let result = store.for_each_event(MAIN, 0, None, |e| {
        seen += 1;
        if e.position == 2 { Err(Replay::StoppedAt(2)) } else { Ok(()) }
    });

    assert_eq!(result, Err(Replay::StoppedAt(2)));
    assert_eq!(seen, 2);
    assert_eq!(store.for_each_event(MAIN, 0, None, |_| Ok::<_, Replay>(())), Ok(5));
    assert!(matches!(
        store.for_each_event("nope", 0, None, |_| Ok::<_, Replay>(())),
        Err(Replay::Store(message)) if message.contains("no branch named \"nope\"")
    ));
}

#[test]
fn given_a_stale_expected_version_when_committing_then_conflict_and_nothing_of_the_step_is_written() {
    let mut store = Store::open_in_memory().unwrap();
    store.commit_step(MAIN, &deposit_step("c1", "acc-1", 0, 10)).unwrap();
    let mut stale = deposit_step("c2", "acc-1", 0, 99);
    stale.enqueue.push(command("follow-up", "Notify"));

    let err = store.commit_step(MAIN, &stale).unwrap_err();

    match &err {
        Error::Conflict { branch, stream, expected, actual, .. } => {
            assert_eq!((branch.as_str(), stream.as_str(), *expected, *actual), (MAIN, "acc-1", 0, 1));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("stream acc-1") && message.contains("expected version 0"), "{message}");
    assert!(message.contains("at version 1") && message.contains(":memory:"), "{message}");
    assert_eq!(count(&store, "events"), 1);
    assert_eq!(store.command_log(MAIN).unwrap().len(), 1);
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({ "balance": 10 })));
    assert_eq!(store.pending_count(MAIN).unwrap(), 0);
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 1);
}

#[test]
fn given_a_step_whose_second_event_conflicts_when_committing_then_its_first_event_is_not_kept() {
    let mut store = Store::open_in_memory().unwrap();
    common::append(&mut store, MAIN, "c1", "acc-2");
    let broken = step(
        "c2",
        vec![
            event("acc-1", 0, "Opened", json!({})),
            event("acc-2", 0, "Deposited", json!({})), // acc-2 is at version 1
        ],
    );

    let err = store.commit_step(MAIN, &broken).unwrap_err();

    assert!(matches!(err, Error::Conflict { ref stream, expected: 0, actual: 1, .. } if stream == "acc-2"));
    assert_eq!(visible(&store, MAIN), vec![(1, "acc-2".to_owned(), 1)]);
    assert_eq!(store.stream_version(MAIN, "acc-1").unwrap(), 0);
    assert_eq!(store.logged_command(MAIN, "c2").unwrap(), None);
    // The position the failed step used is handed out again: positions stay gapless.
    assert_eq!(common::append(&mut store, MAIN, "c3", "acc-1"), 2);
}

#[test]
fn given_a_rejected_command_when_committed_then_it_is_logged_with_its_reason_and_appends_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let rejected = Step::rejected(command("c1", "Withdraw"), "insufficient funds", T0);

    let receipt = store.commit_step(MAIN, &rejected).unwrap();

    assert!(receipt.positions.is_empty());
    assert_eq!(count(&store, "events"), 0);
    let logged = store.logged_command(MAIN, "c1").unwrap().unwrap();
    assert_eq!(logged.outcome, Outcome::Rejected { reason: "insufficient funds".to_owned() });
    assert_eq!(logged.positions, None);
    assert_eq!(logged.command, rejected.command);
    let sql = store.query("SELECT outcome, reason FROM commands WHERE command_id = 'c1'").unwrap();
    assert_eq!(sql.rows, vec![vec![json!("rejected"), json!("insufficient funds")]]);
}

#[test]
fn given_a_rejected_step_carrying_events_when_committed_then_it_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let mut rejected = Step::rejected(command("c1", "Withdraw"), "no", T0);
    rejected.events.push(event("acc-1", 0, "Withdrawn", json!({})));

    let err = store.commit_step(MAIN, &rejected).unwrap_err();

    assert!(matches!(err, Error::RejectedWithEvents { events: 1, .. }), "{err}");
    assert_eq!(count(&store, "commands"), 0);
}

#[test]
fn given_accepted_commands_when_logged_then_the_log_holds_their_position_ranges_in_order() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .commit_step(MAIN, &step("c1", vec![event("a", 0, "A", json!({})), event("a", 1, "B", json!({}))]))
        .unwrap();
    store.commit_step(MAIN, &Step::accepted(command("c2", "Noop"), T0)).unwrap();
    store.commit_step(MAIN, &step("c3", vec![event("b", 0, "A", json!({}))])).unwrap();

    let log = store.command_log(MAIN).unwrap();

    let summary: Vec<_> = log.iter().map(|c| (c.command.id.as_str(), c.positions)).collect();
    assert_eq!(summary, vec![("c1", Some((1, 2))), ("c2", None), ("c3", Some((3, 3)))]);
    assert!(log.iter().all(|c| c.outcome == Outcome::Accepted));
}

#[test]
fn given_a_processed_command_when_the_same_id_is_committed_again_then_it_is_refused_and_nothing_changes() {
    let mut store = Store::open_in_memory().unwrap();
    common::append(&mut store, MAIN, "c1", "a");

    let err = store.commit_step(MAIN, &step("c1", vec![event("a", 1, "A", json!({}))])).unwrap_err();

    assert!(matches!(err, Error::DuplicateCommand { ref command_id, .. } if command_id == "c1"), "{err}");
    assert_eq!(count(&store, "events"), 1);
    assert!(store.is_processed(MAIN, "c1").unwrap());
}

#[test]
fn given_steps_with_projections_when_each_commits_then_checkpoints_equal_the_last_position() {
    let mut store = Store::open_in_memory().unwrap();
    let mut expected_version = 0;
    for i in 0..5 {
        let mut s = deposit_step(&format!("c{i}"), "acc-1", expected_version, 10);
        s.events.push(event("acc-1", expected_version + 1, "Audited", json!({})));
        s.checkpoints.push("audit".to_owned());
        expected_version += 2;

        let receipt = store.commit_step(MAIN, &s).unwrap();

        let last = receipt.last_position().unwrap();
        assert_eq!(last, store.head(MAIN).unwrap());
        assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), last);
        assert_eq!(store.checkpoint(MAIN, "audit").unwrap(), last);
    }
    let rejected = Step::rejected(command("r", "Withdraw"), "no", T0);
    store.commit_step(MAIN, &rejected).unwrap();
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 10);
    assert_eq!(
        store.checkpoints(MAIN).unwrap(),
        vec![
            Checkpoint { projection: "audit".to_owned(), position: 10 },
            Checkpoint { projection: "balances".to_owned(), position: 10 },
        ]
    );
}

#[test]
fn given_read_models_when_queried_with_plain_sql_then_json_extract_sees_the_documents() {
    let mut store = Store::open_in_memory().unwrap();
    store.commit_step(MAIN, &deposit_step("c1", "acc-1", 0, 10)).unwrap();
    store.commit_step(MAIN, &deposit_step("c2", "acc-2", 0, 30)).unwrap();
    store.commit_step(MAIN, &deposit_step("c3", "acc-1", 1, 10)).unwrap();

    let rows = store
        .query(
            "SELECT key, json_extract(document, '$.balance') AS balance FROM documents \
             WHERE branch = 'main' AND read_model = 'balances' ORDER BY key",
        )
        .unwrap();

    assert_eq!(rows.columns, vec!["key", "balance"]);
    assert_eq!(rows.rows, vec![vec![json!("acc-1"), json!(20)], vec![json!("acc-2"), json!(30)]]);
    let listed = store.documents(MAIN, "balances").unwrap();
    assert_eq!(listed.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(), vec!["acc-1", "acc-2"]);
    assert_eq!(rows.to_objects()[1]["balance"], json!(30));
}

#[test]
fn given_documents_when_a_step_deletes_one_and_the_branch_is_cleared_then_they_are_gone() {
    let mut store = Store::open_in_memory().unwrap();
    store.commit_step(MAIN, &deposit_step("c1", "acc-1", 0, 10)).unwrap();
    store.commit_step(MAIN, &deposit_step("c2", "acc-2", 0, 10)).unwrap();
    let mut close = step("c3", vec![event("acc-1", 1, "Closed", json!({}))]);
    close
        .documents
        .push(DocumentChange::Delete { read_model: "balances".to_owned(), key: "acc-1".to_owned() });

    store.commit_step(MAIN, &close).unwrap();
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), None);
    assert!(store.document(MAIN, "balances", "acc-2").unwrap().is_some());

    store.clear_read_models(MAIN).unwrap();
    assert!(store.documents(MAIN, "balances").unwrap().is_empty());
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 0);
    assert_eq!(count(&store, "events"), 3);
}

#[test]
fn given_a_cleared_branch_when_replaying_then_update_read_models_rebuilds_documents_and_checkpoints() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 0..3 {
        store.commit_step(MAIN, &deposit_step(&format!("c{i}"), "acc-1", i, 10)).unwrap();
    }
    store.clear_read_models(MAIN).unwrap();

    let mut total = 0;
    let mut last = 0;
    store
        .for_each_event(MAIN, 0, None, |e| {
            total += e.payload_value()?["amount"].as_i64().unwrap_or(0);
            last = e.position;
            Ok::<_, Error>(())
        })
        .unwrap();
    store
        .update_read_models(
            MAIN,
            &[DocumentChange::Upsert {
                read_model: "balances".to_owned(),
                key: "acc-1".to_owned(),
                document: json!({ "balance": total }),
            }],
            &[Checkpoint { projection: "balances".to_owned(), position: last }],
        )
        .unwrap();

    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({ "balance": 30 })));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 3);
}

#[test]
fn given_a_queued_command_when_its_step_commits_then_it_leaves_the_queue_and_follow_ups_enter_it() {
    let mut store = Store::open_in_memory().unwrap();
    store.enqueue(MAIN, &command("q1", "Deposit"), T0).unwrap();
    store.enqueue(MAIN, &command("q2", "Deposit"), T0).unwrap();
    let next = store.next_pending(MAIN).unwrap().unwrap();
    assert_eq!(next.command.id, "q1");
    let mut s = step("q1", vec![event("acc-1", 0, "Deposited", json!({}))]);
    s.from_queue = true;
    s.enqueue.push(command("policy-1", "SendReceipt"));

    store.commit_step(MAIN, &s).unwrap();

    let pending: Vec<_> =
        store.pending_commands(MAIN, 10).unwrap().into_iter().map(|q| q.command.id).collect();
    assert_eq!(pending, vec!["q2", "policy-1"]);
    assert_eq!(store.pending_count(MAIN).unwrap(), 2);
}

#[test]
fn given_a_step_consuming_a_command_not_in_the_queue_when_committed_then_it_fails_without_writing() {
    let mut store = Store::open_in_memory().unwrap();
    let mut s = step("ghost", vec![event("acc-1", 0, "Deposited", json!({}))]);
    s.from_queue = true;

    let err = store.commit_step(MAIN, &s).unwrap_err();

    assert!(matches!(err, Error::NotQueued { ref command_id, .. } if command_id == "ghost"), "{err}");
    assert_eq!(count(&store, "events"), 0);
}

#[test]
fn given_a_conflicting_step_that_consumed_a_queued_command_when_rolled_back_then_the_command_stays_queued() {
    let mut store = Store::open_in_memory().unwrap();
    common::append(&mut store, MAIN, "c0", "acc-1");
    store.enqueue(MAIN, &command("q1", "Deposit"), T0).unwrap();
    let mut s = step("q1", vec![event("acc-1", 0, "Deposited", json!({}))]);
    s.from_queue = true;
    s.enqueue.push(command("policy-1", "SendReceipt"));

    assert!(matches!(store.commit_step(MAIN, &s), Err(Error::Conflict { .. })));

    let pending: Vec<_> =
        store.pending_commands(MAIN, 10).unwrap().into_iter().map(|q| q.command.id).collect();
    assert_eq!(pending, vec!["q1"]);
}

#[test]
fn given_a_batch_when_a_step_fails_inside_it_then_only_that_step_is_undone_and_the_rest_commits() {
    let mut store = Store::open_in_memory().unwrap();

    let failures = store
        .batch(|store| {
            let mut failures = 0;
            for i in 0..10_u64 {
                // Every third step reuses a stale expected version and conflicts.
                let expected = if i % 3 == 2 { 0 } else { store.stream_version(MAIN, "s")? };
                match store
                    .commit_step(MAIN, &step(&format!("c{i}"), vec![event("s", expected, "E", json!({}))]))
                {
                    Ok(_) => {}
                    Err(Error::Conflict { .. }) => failures += 1,
                    Err(other) => return Err(other),
                }
            }
            Ok::<_, Error>(failures)
        })
        .unwrap();

    assert_eq!(failures, 3);
    assert!(!store.in_batch());
    let positions: Vec<u64> = visible(&store, MAIN).into_iter().map(|(p, _, _)| p).collect();
    assert_eq!(positions, (1..=7).collect::<Vec<_>>());
    assert_eq!(store.stream_version(MAIN, "s").unwrap(), 7);
    assert_eq!(store.command_log(MAIN).unwrap().len(), 7);
}

#[test]
fn given_a_batch_when_it_is_aborted_then_none_of_its_steps_remain() {
    let mut store = Store::open_in_memory().unwrap();
    common::append(&mut store, MAIN, "before", "s");

    store.begin_batch().unwrap();
    assert!(matches!(store.begin_batch(), Err(Error::BatchAlreadyOpen { .. })));
    common::append(&mut store, MAIN, "in-batch-1", "s");
    store.create_branch("what-if", MAIN, 2, T0).unwrap();
    common::append(&mut store, "what-if", "in-batch-2", "s");
    store.abort_batch().unwrap();

    assert_eq!(visible(&store, MAIN), vec![(1, "s".to_owned(), 1)]);
    assert!(matches!(store.head("what-if"), Err(Error::UnknownBranch { .. })));
    assert!(matches!(store.finish_batch(), Err(Error::NoBatchOpen { .. })));
}

#[test]
fn given_a_batch_when_steps_fail_their_checks_then_the_batch_goes_on_without_them() {
    let mut store = Store::open_in_memory().unwrap();
    store.enqueue(MAIN, &command("queued", "Deposit"), T0).unwrap();

    store.begin_batch().unwrap();
    common::append(&mut store, MAIN, "c1", "s");
    let duplicate = store.commit_step(MAIN, &step("c1", vec![event("s", 1, "E", json!({}))]));
    let mut not_queued = step("ghost", vec![]);
    not_queued.from_queue = true;
    let not_queued = store.commit_step(MAIN, &not_queued);
    let mut twice = step("c2", vec![event("s", 1, "E", json!({}))]);
    twice.enqueue = vec![command("p", "Notify"), command("p", "Notify")];
    let twice = store.commit_step(MAIN, &twice);
    let mut requeue = step("c3", vec![]);
    requeue.enqueue.push(command("queued", "Deposit"));
    let requeue = store.commit_step(MAIN, &requeue);
    common::append(&mut store, MAIN, "c4", "s");
    store.finish_batch().unwrap();

    assert!(matches!(duplicate, Err(Error::DuplicateCommand { .. })), "{duplicate:?}");
    assert!(matches!(not_queued, Err(Error::NotQueued { .. })), "{not_queued:?}");
    assert!(
        matches!(twice, Err(Error::AlreadyQueued { ref command_id, .. }) if command_id == "p"),
        "{twice:?}"
    );
    assert!(matches!(requeue, Err(Error::AlreadyQueued { ref command_id, .. }) if command_id == "queued"));
    assert_eq!(visible(&store, MAIN), vec![(1, "s".to_owned(), 1), (2, "s".to_owned(), 2)]);
    let log: Vec<_> = store.command_log(MAIN).unwrap().into_iter().map(|c| c.command.id).collect();
    assert_eq!(log, vec!["c1", "c4"]);
    assert_eq!(store.pending_count(MAIN).unwrap(), 1);
}

#[test]
fn given_a_batch_when_a_step_fails_after_it_started_writing_then_the_whole_batch_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Batch).unwrap();
    common::append(&mut store, MAIN, "before", "s");
    // A user's own trigger makes the step fail when it appends its event, after its log row.
    refuse_inserts(&path, "events WHEN NEW.event_type = 'Boom'", "boom refused");
    let failing = step("c2", vec![event("s", 2, "Boom", json!({}))]);

    store.begin_batch().unwrap();
    common::append(&mut store, MAIN, "in-batch", "s");
    let err = store.commit_step(MAIN, &failing).unwrap_err();

    assert!(matches!(err, Error::BatchRolledBack { .. }), "{err}");
    assert!(err.to_string().contains("boom refused"), "{err}");
    assert!(!store.in_batch());
    assert_eq!(visible(&store, MAIN), vec![(1, "s".to_owned(), 1)]);
    assert_eq!(store.stream_version(MAIN, "s").unwrap(), 1);
    assert_eq!(common::append(&mut store, MAIN, "after", "s"), 2);
}

#[test]
fn given_a_batch_whose_deferred_read_models_cannot_be_written_when_finishing_then_it_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Batch).unwrap();
    refuse_inserts(&path, "documents", "no docs");

    store.begin_batch().unwrap();
    store.commit_step(MAIN, &deposit_step("c1", "acc-1", 0, 10)).unwrap();
    let err = store.finish_batch().unwrap_err();

    assert!(err.to_string().contains("no docs"), "{err}");
    assert!(!store.in_batch());
    assert_eq!(store.head(MAIN).unwrap(), 0);
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 0);
}

#[test]
fn given_no_batch_when_a_step_fails_after_it_started_writing_then_only_that_step_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Interactive).unwrap();
    common::append(&mut store, MAIN, "before", "s");
    refuse_inserts(&path, "checkpoints", "no");
    let mut failing = step("c2", vec![event("s", 1, "E", json!({}))]);
    failing.checkpoints.push("p".to_owned());

    let err = store.commit_step(MAIN, &failing).unwrap_err();

    assert!(matches!(err, Error::Sqlite { operation: "writing a checkpoint", .. }), "{err}");
    assert_eq!(visible(&store, MAIN), vec![(1, "s".to_owned(), 1)]);
    assert_eq!(store.logged_command(MAIN, "c2").unwrap(), None);
}

#[test]
fn given_a_batch_when_steps_write_read_models_then_reads_inside_the_batch_see_them_and_abort_drops_them() {
    let mut store = Store::open_in_memory().unwrap();
    store.commit_step(MAIN, &deposit_step("c0", "acc-0", 0, 5)).unwrap();

    store.begin_batch().unwrap();
    store.commit_step(MAIN, &deposit_step("c1", "acc-1", 0, 10)).unwrap();
    store.commit_step(MAIN, &deposit_step("c2", "acc-1", 1, 10)).unwrap();
    let mut close = step("c3", vec![event("acc-0", 1, "Closed", json!({}))]);
    close
        .documents
        .push(DocumentChange::Delete { read_model: "balances".to_owned(), key: "acc-0".to_owned() });
    store.commit_step(MAIN, &close).unwrap();

    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({ "balance": 20 })));
    assert_eq!(store.document(MAIN, "balances", "acc-0").unwrap(), None);
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 3);
    let via_sql = store
        .query("SELECT key, json_extract(document, '$.balance') FROM documents WHERE read_model = 'balances'")
        .unwrap();
    assert_eq!(via_sql.rows, vec![vec![json!("acc-1"), json!(20)]]);
    store.commit_step(MAIN, &deposit_step("c4", "acc-1", 2, 10)).unwrap();
    store.abort_batch().unwrap();

    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), None);
    assert_eq!(store.document(MAIN, "balances", "acc-0").unwrap(), Some(json!({ "balance": 5 })));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 1);
}

#[test]
fn given_a_batch_when_it_finishes_then_the_last_value_of_each_read_model_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Batch).unwrap();

    store
        .batch(|store| {
            for i in 0..10 {
                store.commit_step(MAIN, &deposit_step(&format!("c{i}"), "acc-1", i, 10))?;
            }
            store.clear_read_models(MAIN)?;
            store.commit_step(MAIN, &deposit_step("c10", "acc-2", 0, 7))?;
            Ok::<_, Error>(())
        })
        .unwrap();
    drop(store);

    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), None);
    assert_eq!(store.document(MAIN, "balances", "acc-2").unwrap(), Some(json!({ "balance": 7 })));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 11);
    assert_eq!(store.head(MAIN).unwrap(), 11);
}

#[test]
fn given_a_batch_when_commands_are_enqueued_and_consumed_in_it_then_only_the_pending_ones_become_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("board.db"), squall_store::Durability::Batch).unwrap();
    let old = store.enqueue(MAIN, &command("old", "Deposit"), T0).unwrap();

    store.begin_batch().unwrap();
    let first = store.enqueue(MAIN, &command("u1", "Deposit"), T0).unwrap();
    let mut s = step("old", vec![]);
    s.from_queue = true;
    s.enqueue.push(command("p1", "Notify"));
    store.commit_step(MAIN, &s).unwrap();
    let mut s = step("u1", vec![]);
    s.from_queue = true;
    s.enqueue.push(command("p2", "Notify"));
    store.commit_step(MAIN, &s).unwrap();
    let pending: Vec<(u64, String)> =
        store.pending_commands(MAIN, 10).unwrap().into_iter().map(|q| (q.seq, q.command.id)).collect();
    let duplicate = store.enqueue(MAIN, &command("p1", "Notify"), T0);
    let rows_inside = count(&store, "queue");
    store.finish_batch().unwrap();

    assert!(first > old);
    assert_eq!(pending, vec![(first + 1, "p1".to_owned()), (first + 2, "p2".to_owned())]);
    assert!(matches!(duplicate, Err(Error::AlreadyQueued { ref command_id, .. }) if command_id == "p1"));
    assert_eq!(rows_inside, 2, "plain SQL inside the batch sees the pending commands");
    let rows = store.query("SELECT seq, command_id FROM queue ORDER BY seq").unwrap().rows;
    assert_eq!(rows, vec![vec![json!(first + 1), json!("p1")], vec![json!(first + 2), json!("p2")]]);
    assert_eq!(store.pending_count(MAIN).unwrap(), 2);
    assert_eq!(store.next_pending(MAIN).unwrap().unwrap().command, command("p1", "Notify"));
}

#[test]
fn given_commands_consumed_inside_a_batch_when_more_are_enqueued_later_then_no_seq_is_reused() {
    let mut store = Store::open_in_memory().unwrap();
    store.begin_batch().unwrap();
    store.enqueue(MAIN, &command("a", "Deposit"), T0).unwrap();
    let consumed = store.enqueue(MAIN, &command("b", "Deposit"), T0).unwrap();
    for id in ["a", "b"] {
        let mut s = step(id, vec![]);
        s.from_queue = true;
        store.commit_step(MAIN, &s).unwrap();
    }
    store.finish_batch().unwrap();

    let later = store.enqueue(MAIN, &command("c", "Deposit"), T0).unwrap();

    assert_eq!(count(&store, "queue"), 1);
    assert!(later > consumed, "{later} must come after {consumed}");
}

#[test]
fn given_a_batch_when_it_is_aborted_or_its_pending_commands_cannot_be_written_then_none_remain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Batch).unwrap();
    store.begin_batch().unwrap();
    store.enqueue(MAIN, &command("aborted", "Deposit"), T0).unwrap();
    store.abort_batch().unwrap();
    assert_eq!(store.pending_count(MAIN).unwrap(), 0);

    refuse_inserts(&path, "queue", "no queue");
    store.begin_batch().unwrap();
    let mut s = step("c1", vec![event("s", 0, "E", json!({}))]);
    s.enqueue.push(command("follow-up", "Notify"));
    store.commit_step(MAIN, &s).unwrap();
    let err = store.finish_batch().unwrap_err();

    assert!(err.to_string().contains("no queue"), "{err}");
    assert!(!store.in_batch());
    assert_eq!(store.head(MAIN).unwrap(), 0);
    assert_eq!(store.pending_count(MAIN).unwrap(), 0);
    assert_eq!(store.logged_command(MAIN, "c1").unwrap(), None);
}

#[test]
fn given_a_pipelined_batch_when_steps_commit_then_reads_inside_see_them_and_the_commit_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("board.db"), squall_store::Durability::Batch).unwrap();
    store.enqueue(MAIN, &command("old", "Deposit"), T0).unwrap();

    store.begin_pipelined_batch().unwrap();
    let mut receipts = Vec::new();
    for i in 0..200_u64 {
        let mut s = deposit_step(&format!("c{i}"), "acc-1", i, 1);
        s.from_queue = i == 0;
        if i == 0 {
            s.command.id = "old".to_owned();
        }
        receipts.push(store.commit_step(MAIN, &s).unwrap());
    }
    let head_inside = store.head(MAIN).unwrap();
    let log_inside = store.command_log(MAIN).unwrap();
    store.finish_batch().unwrap();

    assert_eq!(head_inside, 200);
    let seqs: Vec<u64> = log_inside.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, receipts.iter().map(|r| r.log_seq).collect::<Vec<_>>());
    assert_eq!(receipts[199].positions, vec![200]);
    assert_eq!(store.stream_version(MAIN, "acc-1").unwrap(), 200);
    assert_eq!(store.pending_count(MAIN).unwrap(), 0);
    assert_eq!(store.document(MAIN, "balances", "acc-1").unwrap(), Some(json!({"balance": 200})));
    assert_eq!(store.checkpoint(MAIN, "balances").unwrap(), 200);
}

#[test]
fn given_a_pipelined_batch_when_a_row_fails_to_be_written_then_the_next_call_reports_it_and_the_batch_is_gone()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    let mut store = Store::open(&path, squall_store::Durability::Batch).unwrap();
    common::append(&mut store, MAIN, "before", "s");
    refuse_inserts(&path, "events WHEN NEW.event_type = 'Boom'", "boom refused");

    store.begin_pipelined_batch().unwrap();
    common::append(&mut store, MAIN, "in-batch", "s");
    // Handed to the writer: the failure comes later.
    store.commit_step(MAIN, &step("c2", vec![event("s", 2, "Boom", json!({}))])).unwrap();
    let err = store.finish_batch().unwrap_err();

    assert!(matches!(err, Error::BatchRolledBack { .. }), "{err}");
    assert!(err.to_string().contains("boom refused"), "{err}");
    assert!(!store.in_batch());
    assert_eq!(visible(&store, MAIN), vec![(1, "s".to_owned(), 1)]);
    assert_eq!(common::append(&mut store, MAIN, "after", "s"), 2);
}

#[test]
fn given_a_pipelined_batch_when_a_command_id_repeats_then_a_repeat_inside_the_batch_is_refused_at_once_and_an_older_one_rolls_the_batch_back()
 {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("board.db"), squall_store::Durability::Batch).unwrap();
    common::append(&mut store, MAIN, "earlier", "s");

    store.begin_pipelined_batch().unwrap();
    common::append(&mut store, MAIN, "c1", "s");
    let inside = store.commit_step(MAIN, &step("c1", vec![]));
    let head = store.head(MAIN).unwrap();
    store.commit_step(MAIN, &step("earlier", vec![])).unwrap();
    let err = store.finish_batch().unwrap_err();

    assert!(matches!(inside, Err(Error::DuplicateCommand { ref command_id, .. }) if command_id == "c1"));
    assert_eq!(head, 2, "the batch went on after the refused repeat");
    match err {
        Error::BatchRolledBack { source, .. } => {
            assert!(
                matches!(*source, Error::DuplicateCommand { ref command_id, .. } if command_id == "earlier")
            );
        }
        other => panic!("expected a rolled-back batch, got {other}"),
    }
    assert_eq!(store.head(MAIN).unwrap(), 1);
}

#[test]
fn given_a_queue_when_asked_whether_anything_waits_then_rows_and_commands_held_by_a_batch_both_count() {
    let mut store = Store::open_in_memory().unwrap();
    let empty = store.has_pending(MAIN).unwrap();
    store.enqueue(MAIN, &command("row", "Deposit"), T0).unwrap();
    let with_a_row = store.has_pending(MAIN).unwrap();

    store.begin_batch().unwrap();
    let mut taken = step("row", vec![]);
    taken.from_queue = true;
    store.commit_step(MAIN, &taken).unwrap();
    let after_taking_it = store.has_pending(MAIN).unwrap();
    store.enqueue(MAIN, &command("held", "Deposit"), T0).unwrap();
    let held_in_memory = store.has_pending(MAIN).unwrap();
    store.finish_batch().unwrap();

    assert_eq!((empty, with_a_row, after_taking_it, held_in_memory), (false, true, false, true));
    assert!(store.has_pending(MAIN).unwrap(), "the held command became a row");
    assert!(matches!(store.has_pending("nowhere"), Err(Error::UnknownBranch { .. })));
}

#[test]
fn given_a_batch_on_an_empty_branch_when_steps_start_streams_then_a_second_start_of_one_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("board.db"), squall_store::Durability::Batch).unwrap();

    store.begin_pipelined_batch().unwrap();
    store.commit_step(MAIN, &step("c1", vec![event("a", 0, "Deposited", json!({}))])).unwrap();
    store.commit_step(MAIN, &step("c2", vec![event("b", 0, "Deposited", json!({}))])).unwrap();
    let again = store.commit_step(MAIN, &step("c3", vec![event("a", 0, "Deposited", json!({}))]));
    store.continue_batch().unwrap();
    let after_a_commit = store.commit_step(MAIN, &step("c4", vec![event("b", 0, "Deposited", json!({}))]));
    store.finish_batch().unwrap();

    assert!(
        matches!(again, Err(Error::Conflict { ref stream, expected: 0, actual: 1, .. }) if stream == "a")
    );
    assert!(matches!(after_a_commit, Err(Error::Conflict { ref stream, actual: 1, .. }) if stream == "b"));
    assert_eq!(visible(&store, MAIN), vec![(1, "a".to_owned(), 1), (2, "b".to_owned(), 1)]);
    assert_eq!(store.stream_version(MAIN, "c").unwrap(), 0);
}
