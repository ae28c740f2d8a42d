//! A command submitted and run in one go (`Session::submit_and_run`, what `squall run` does
//! for each line): its submission is committed together with its first step.
// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::open_with;
use serde_json::{Value, json};
use squall_sim::{Session, SimError, Source, Submission};
use squall_store::{Durability, Store};

fn open_account(id: &str) -> Submission {
    Submission {
        id: None,
        name: "OpenAccount".to_owned(),
        data: json!({"account_id": id, "owner": "Ada"}),
        source: Source::User,
    }
}

fn deposit(id: &str, amount: u32) -> Submission {
    Submission {
        id: None,
        name: "DepositMoney".to_owned(),
        data: json!({"account_id": id, "amount": amount}),
        source: Source::User,
    }
}

/// Submits and runs until quiet; the names of the commands each step processed, in order.
fn submit_and_run(session: &mut Session, submission: Submission) -> Vec<String> {
    let mut names = Vec::new();
    let (_, end) = session
        .submit_and_run(submission, 1000, |trace| names.push(trace.command.name.clone()))
        .unwrap()
        .unwrap();
    assert!(end.quiet, "{end:?}");
    names
}

fn count(session: &Session, sql: &str) -> i64 {
    session.store().query(sql).unwrap().rows[0][0].as_i64().unwrap()
}

#[test]
fn given_a_store_that_refuses_the_steps_events_when_a_command_is_submitted_and_run_then_neither_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let mut session = open_with("bank_account.ron", Store::open(&path, Durability::Interactive).unwrap());
    let refuse =
        "CREATE TRIGGER boom BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk says no'); END;";
    rusqlite::Connection::open(&path).unwrap().execute_batch(refuse).unwrap();

    let failed = session.submit_and_run(open_account("acc-1"), 1000, |_| {});

    let err = failed.unwrap_err();
    assert!(err.to_string().contains("disk says no"), "{err}");
    let counts: Vec<i64> = ["commands", "queue", "events"]
        .iter()
        .map(|t| count(&session, &format!("SELECT count(*) FROM {t}")))
        .collect();
    assert_eq!(counts, vec![0, 0, 0], "no command logged, none left queued, no event");
    rusqlite::Connection::open(&path).unwrap().execute_batch("DROP TRIGGER boom").unwrap();
    assert_eq!(submit_and_run(&mut session, open_account("acc-1")), ["OpenAccount"]);
    assert_eq!(session.events(None).unwrap().len(), 1);
}

#[test]
fn given_nothing_queued_when_a_command_is_submitted_and_run_then_it_is_logged_as_if_queued_but_never_was() {
    let mut session = common::open("bank_account.ron");
    submit_and_run(&mut session, open_account("acc-1"));

    let (id, _) = session.submit_and_run(open_account("acc-2"), 1000, |_| {}).unwrap().unwrap();

    let logged = session.store().find_command("main", &id).unwrap().unwrap();
    assert_eq!(logged.command.metadata.queued_after, Some(1), "the last position when it was submitted");
    assert_eq!(logged.command.metadata.actor.as_deref(), Some("user"));
    let queue_rows_ever = count(&session, "SELECT count(*) FROM sqlite_sequence WHERE name = 'queue'");
    assert_eq!(queue_rows_ever, 0, "no command ever became a queue row");
}

#[test]
fn given_commands_already_queued_when_another_is_submitted_and_run_then_they_go_first_in_their_order() {
    let mut session = common::open("bank_account.ron");
    session
        .submit("OpenAccount", json!({"account_id": "ceo-bonus", "owner": "The CEO"}), Source::User)
        .unwrap();
    session.submit("OpenAccount", json!({"account_id": "acc-1", "owner": "Ada"}), Source::User).unwrap();

    let steps = submit_and_run(&mut session, deposit("acc-1", 100));

    assert_eq!(
        steps,
        [
            "OpenAccount",
            "OpenAccount",
            "DepositMoney",
            "SendThankYouEmail",
            "DepositMoney",
            "SendThankYouEmail"
        ],
        "the queued commands, then the deposit and the cascade its policies set off"
    );
    assert_eq!(session.pending().unwrap(), 0);
    let state = session.state("BankAccount", "ceo-bonus").unwrap();
    assert_eq!(state["balance"], json!(1));
}

#[test]
fn given_an_id_already_processed_when_submitted_and_run_again_then_it_is_skipped_and_nothing_is_written() {
    let mut session = common::open("bank_account.ron");
    let once = Submission { id: Some("open-1".to_owned()), ..open_account("acc-1") };
    submit_and_run(&mut session, once.clone());
    let events = session.events(None).unwrap().len();

    let again = session.submit_and_run(once, 1000, |_| {}).unwrap();

    assert_eq!(again, None);
    assert_eq!(session.events(None).unwrap().len(), events);
    assert_eq!(count(&session, "SELECT count(*) FROM commands"), 1);
}

#[test]
fn given_a_payload_that_does_not_match_the_board_when_submitted_and_run_then_it_is_refused_and_nothing_written()
 {
    let mut session = common::open("bank_account.ron");
    let bad = Submission { data: json!({"account_id": "acc-1"}), ..open_account("acc-1") };

    let err = session.submit_and_run(bad, 1000, |_| {}).unwrap_err();

    assert!(matches!(err, SimError::InvalidPayload { .. }), "{err}");
    assert!(err.to_string().contains("owner"), "{err}");
    assert_eq!(count(&session, "SELECT count(*) FROM commands"), 0);
    assert_eq!(session.pending().unwrap(), 0);
}

#[test]
fn given_an_open_batch_when_commands_are_submitted_and_run_then_they_join_it_and_commit_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let mut session = open_with("bank_account.ron", Store::open(&path, Durability::Batch).unwrap());
    let outside = || -> Value {
        let conn = rusqlite::Connection::open(&path).unwrap();
        json!(conn.query_row("SELECT count(*) FROM events", [], |row| row.get::<_, i64>(0)).unwrap())
    };

    session.begin_batch().unwrap();
    submit_and_run(&mut session, open_account("acc-1"));
    submit_and_run(&mut session, deposit("acc-1", 5));
    let before_commit = outside();
    session.finish_batch().unwrap();

    assert_eq!(before_commit, json!(0));
    assert_eq!(outside(), json!(3), "opened, deposited, thanked by email");
}

/// Every row of the tables a run writes, in order, as text.
fn rows_of(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT * FROM events ORDER BY position",
        "SELECT * FROM commands ORDER BY seq",
        "SELECT * FROM documents ORDER BY branch, read_model, key",
        "SELECT * FROM checkpoints ORDER BY branch, projection",
        "SELECT * FROM queue ORDER BY seq",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns = stmt.column_count();
        let mut query = stmt.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let cells: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            rows.push(format!("{sql}: {}", cells.join(" | ")));
        }
    }
    rows
}

/// Issue 14: `squall run`'s pipelined steps. Each step is a batch of its own, committed by the
/// writer thread while the next runs, and the store ends as a run of one transaction per step
/// leaves it.
#[test]
fn given_pipelined_steps_when_commands_cascade_then_each_step_commits_alone_and_the_store_is_as_step_by_step()
{
    let dir = tempfile::tempdir().unwrap();
    let (plain, pipelined) = (dir.path().join("plain.db"), dir.path().join("pipelined.db"));
    let submissions =
        || vec![open_account("ceo-bonus"), open_account("acc-1"), deposit("acc-1", 5), deposit("acc-1", 7)];
    let mut one_by_one = open_with("bank_account.ron", Store::open(&plain, Durability::Interactive).unwrap());
    for submission in submissions() {
        submit_and_run(&mut one_by_one, submission);
    }
    drop(one_by_one);
    let mut session =
        open_with("bank_account.ron", Store::open(&pipelined, Durability::Interactive).unwrap());
    let commits = session.store().commits();

    session.begin_pipelined_steps().unwrap();
    let mut batches = Vec::new();
    for submission in submissions() {
        session.submit_and_run(submission, 1000, |_| batches.push(commits.current())).unwrap().unwrap();
    }
    session.finish_batch().unwrap();

    assert!(batches.len() > 4, "the deposits set off policies: {batches:?}");
    assert!(batches.windows(2).all(|pair| pair[1] == pair[0] + 1), "a batch per step: {batches:?}");
    assert!(batches.iter().all(|batch| commits.is_committed(*batch)));
    assert_eq!(rows_of(&pipelined), rows_of(&plain));
}
