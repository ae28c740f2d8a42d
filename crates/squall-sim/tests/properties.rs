//! Properties of the bank account over random command sequences: the read
//! model agrees with the events, and rewinding agrees with a history that
//! never went further.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::str::FromStr;

use common::{open, workspace};
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use squall_sim::{Options, Session, Source, Submission};
use squall_store::{Command, CommandMetadata, NewEvent, Step, Store};

const ACCOUNTS: [&str; 4] = ["ceo-bonus", "acc-1", "acc-2", "acc-3"];
const OWNERS: [&str; 3] = ["Alice", "Bob", "The CEO"];

#[derive(Clone, Debug)]
enum Op {
    Open(usize, usize),
    Deposit(usize, Value),
    Withdraw(usize, Value),
    ChangeOwner(usize, usize),
}

/// Amounts as people type them: cents, whole sums, sums big enough to
/// reach the CEO's cap quickly, and some that are refused.
fn amount() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (1i64..=500_000).prop_map(|cents| {
            if cents % 100 == 0 { json!(cents / 100) } else { json!(cents as f64 / 100.0) }
        }),
        1 => (1_000_000i64..=12_000_000).prop_map(|whole| json!(whole)),
        1 => (-500i64..=0).prop_map(|whole| json!(whole)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let account = 0..ACCOUNTS.len();
    let owner = 0..OWNERS.len();
    prop_oneof![
        2 => (account.clone(), owner.clone()).prop_map(|(a, o)| Op::Open(a, o)),
        4 => (account.clone(), amount()).prop_map(|(a, x)| Op::Deposit(a, x)),
        3 => (account.clone(), amount()).prop_map(|(a, x)| Op::Withdraw(a, x)),
        1 => (account, owner).prop_map(|(a, o)| Op::ChangeOwner(a, o)),
    ]
}

fn submit(session: &mut Session, op: &Op) {
    submit_only(session, op);
    let end = session
        .run_until_quiet(1000, |trace| assert!(trace.errors.is_empty(), "{:?}", trace.errors))
        .unwrap();
    assert!(end.quiet && end.stopped.is_none(), "{end:?}");
}

fn submit_only(session: &mut Session, op: &Op) {
    let (name, data) = command(op);
    session.submit(name, data, Source::User).unwrap();
}

fn command(op: &Op) -> (&'static str, Value) {
    match op {
        Op::Open(a, o) => ("OpenAccount", json!({"account_id": ACCOUNTS[*a], "owner": OWNERS[*o]})),
        Op::Deposit(a, x) => ("DepositMoney", json!({"account_id": ACCOUNTS[*a], "amount": x})),
        Op::Withdraw(a, x) => ("WithdrawMoney", json!({"account_id": ACCOUNTS[*a], "amount": x})),
        Op::ChangeOwner(a, o) => ("ChangeOwner", json!({"account_id": ACCOUNTS[*a], "owner": OWNERS[*o]})),
    }
}

/// `op` submitted and run in one go, its submission committed with its first step.
fn submit_and_run(session: &mut Session, op: &Op) {
    let (name, data) = command(op);
    let submission = Submission { id: None, name: name.to_owned(), data, source: Source::User };
    let ran = session
        .submit_and_run(submission, 1000, |trace| assert!(trace.errors.is_empty(), "{:?}", trace.errors));
    let (_, end) = ran.unwrap().unwrap();
    assert!(end.quiet && end.stopped.is_none(), "{end:?}");
}

/// Every row the store holds, table by table.
fn tables(session: &Session) -> Vec<Vec<Vec<Value>>> {
    ["events", "commands", "queue", "documents", "checkpoints"]
        .iter()
        .map(|table| session.store().query(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")).unwrap().rows)
        .collect()
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(&value.to_string()).unwrap()
}

/// Every account's (owner, balance) as the events tell it.
fn told_by_events(session: &Session) -> BTreeMap<String, (String, Decimal)> {
    let mut accounts: BTreeMap<String, (String, Decimal)> = BTreeMap::new();
    for event in session.events(None).unwrap() {
        let id = event.payload["account_id"].as_str().unwrap().to_owned();
        let owner = || event.payload["owner"].as_str().unwrap().to_owned();
        match event.event_type.as_str() {
            "AccountOpened" => {
                accounts.insert(id, (owner(), Decimal::ZERO));
            }
            "OwnerChanged" => accounts.get_mut(&id).unwrap().0 = owner(),
            "MoneyDeposited" => accounts.get_mut(&id).unwrap().1 += decimal(&event.payload["amount"]),
            "MoneyWithdrawn" => accounts.get_mut(&id).unwrap().1 -= decimal(&event.payload["amount"]),
            _ => {}
        }
    }
    accounts
}

fn snapshot(session: &mut Session) -> (Vec<Value>, Vec<(String, Value)>) {
    let states = ACCOUNTS.iter().map(|id| session.state("BankAccount", id).unwrap()).collect();
    let documents =
        session.documents("AccountOverview").unwrap().into_iter().map(|d| (d.key, d.document)).collect();
    (states, documents)
}

/// A fresh session whose store holds exactly `events`, copied as history, and `pending` in
/// its queue.
fn session_with_history(events: &[squall_store::RecordedEvent], pending: &[Command]) -> Session {
    let mut store = Store::open_in_memory().unwrap();
    for event in events {
        let id = format!("copy-{}", event.position);
        let command = Command {
            id: id.clone(),
            command_type: format!("copy {}", event.event_type),
            payload: Value::Null,
            metadata: CommandMetadata { correlation_id: id, ..CommandMetadata::default() },
        };
        let mut step = Step::accepted(command, event.recorded_at.clone());
        step.events.push(NewEvent {
            stream_id: event.stream_id.clone(),
            expected_version: event.stream_version - 1,
            event_type: event.event_type.clone(),
            payload: event.payload.clone(),
            metadata: event.metadata.clone(),
        });
        store.commit_step(squall_store::MAIN, &step).unwrap();
    }
    for command in pending {
        store.enqueue(squall_store::MAIN, command, "2026-01-01T00:00:00Z").unwrap();
    }
    let path = workspace().join("models/bank_account.ron");
    let board = squall_model::load(&path).unwrap();
    let mut session = Session::open(board, path.parent().unwrap(), store, Options::default()).unwrap();
    // Opening catches the policies up; the read models are built by a replay.
    session.replay().unwrap();
    session
}

/// What one more deposit sets off: shows whether the policies remember the
/// same history (the CEO bonus depends on what it has seen).
fn probe(session: &mut Session) -> Vec<(String, Value)> {
    let before = session.store().head(session.branch()).unwrap();
    submit(session, &Op::Deposit(1, json!(1000)));
    submit(session, &Op::Deposit(0, json!(10)));
    session
        .events(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.position > before)
        .map(|e| (e.event_type, e.payload))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_overview_agrees_with_the_events_and_the_aggregate(ops in prop::collection::vec(op(), 1..30)) {
        let mut session = open("bank_account.ron");
        for op in &ops {
            submit(&mut session, op);
        }

        let told = told_by_events(&session);
        let documents = session.documents("AccountOverview").unwrap();
        prop_assert_eq!(documents.len(), told.len());
        for document in documents {
            let (owner, balance) = &told[&document.key];
            prop_assert_eq!(decimal(&document.document["balance"]), *balance, "{}", document.key);
            prop_assert_eq!(document.document["owner"].as_str().unwrap(), owner.as_str());
            prop_assert!(*balance >= Decimal::ZERO, "{} went below zero", document.key);
            let state = session.state("BankAccount", &document.key).unwrap();
            prop_assert_eq!(decimal(&state["balance"]), *balance);
        }
    }

    /// What was pending there (issue 11, item 3) is part of "there": the cascade goes on.
    #[test]
    fn rewinding_gives_what_a_history_ending_there_gives(
        ops in prop::collection::vec(op(), 1..25),
        at in any::<Index>(),
    ) {
        let mut session = open("bank_account.ron");
        for op in &ops {
            submit(&mut session, op);
        }
        let head = session.store().head("main").unwrap();
        let position = at.index(usize::try_from(head).unwrap() + 1) as u64;
        let history: Vec<_> =
            session.events(None).unwrap().into_iter().filter(|e| e.position <= position).collect();

        session.rewind(position).unwrap();
        let pending: Vec<Command> = session
            .store()
            .pending_commands(session.branch(), usize::MAX)
            .unwrap()
            .into_iter()
            .map(|queued| queued.command)
            .collect();
        let mut fresh = session_with_history(&history, &pending);

        prop_assert_eq!(snapshot(&mut session), snapshot(&mut fresh));
        prop_assert_eq!(probe(&mut session), probe(&mut fresh));
    }

    #[test]
    fn submitting_and_running_in_one_go_stores_what_submitting_then_running_stores(
        ops in prop::collection::vec(op(), 1..30),
    ) {
        let mut apart = open("bank_account.ron");
        let mut together = open("bank_account.ron");
        for op in &ops {
            submit(&mut apart, op);
            submit_and_run(&mut together, op);
        }

        prop_assert_eq!(tables(&together), tables(&apart));
    }

    #[test]
    fn a_batch_the_writer_thread_commits_as_the_run_goes_on_stores_what_a_step_by_step_run_stores(
        ops in prop::collection::vec(op(), 1..30),
        batch in 1usize..6,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let file = Store::open(dir.path().join("bank.db"), squall_store::Durability::Batch).unwrap();
        let mut batched = common::open_with("bank_account.ron", file);
        let mut traced = open("bank_account.ron");
        batched.begin_batch().unwrap();
        for (i, op) in ops.iter().enumerate() {
            submit(&mut traced, op);
            submit_and_run(&mut batched, op);
            if (i + 1) % batch == 0 {
                batched.continue_batch().unwrap();
            }
        }
        batched.finish_batch().unwrap();

        prop_assert_eq!(tables(&batched), tables(&traced));
        prop_assert_eq!(batched.store().batches_committed() as usize, ops.len() / batch + 1);
    }

    /// What `squall run` does: a batch per step, committed by the writer thread while the next
    /// step runs, finished whenever the input goes quiet and begun again with the next line.
    #[test]
    fn pipelined_steps_store_what_a_step_by_step_run_stores_and_every_step_commits(
        ops in prop::collection::vec((op(), any::<bool>()), 1..30),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let file = Store::open(dir.path().join("bank.db"), squall_store::Durability::Interactive).unwrap();
        let mut pipelined = common::open_with("bank_account.ron", file);
        let mut traced = open("bank_account.ron");
        let commits = pipelined.store().commits();
        let mut batches = Vec::new();
        pipelined.begin_pipelined_steps().unwrap();
        for (op, quiet_after) in &ops {
            submit(&mut traced, op);
            let (name, data) = command(op);
            let submission = Submission { id: None, name: name.to_owned(), data, source: Source::User };
            pipelined.submit_and_run(submission, 1000, |_| batches.push(commits.current())).unwrap().unwrap();
            if *quiet_after {
                pipelined.finish_batch().unwrap();
                pipelined.begin_pipelined_steps().unwrap();
            }
        }
        pipelined.finish_batch().unwrap();

        prop_assert_eq!(tables(&pipelined), tables(&traced));
        prop_assert!(batches.windows(2).all(|pair| pair[0] < pair[1]), "a batch per step: {:?}", batches);
        prop_assert!(batches.iter().all(|batch| commits.is_committed(*batch)));
    }

    #[test]
    fn a_batched_untraced_run_stores_what_a_traced_step_by_step_run_stores(
        ops in prop::collection::vec((op(), 1usize..4), 1..30),
        batch in 1usize..6,
    ) {
        let mut traced = open("bank_account.ron");
        let mut batched = open("bank_account.ron");
        batched.begin_batch().unwrap();
        for (i, (op, steps)) in ops.iter().enumerate() {
            // A few steps at a time, so commands stay queued across batches.
            submit_only(&mut traced, op);
            traced.run_until_quiet(*steps, |_| {}).unwrap();
            submit_only(&mut batched, op);
            batched.run_untraced(*steps).unwrap();
            if (i + 1) % batch == 0 {
                batched.finish_batch().unwrap();
                prop_assert_eq!(tables(&batched), tables(&traced), "after op {}", i);
                batched.begin_batch().unwrap();
            }
        }
        traced.run_until_quiet(10_000, |_| {}).unwrap();
        batched.run_untraced(10_000).unwrap();
        batched.finish_batch().unwrap();

        prop_assert_eq!(tables(&batched), tables(&traced));
        // Replaying every event rebuilds exactly the documents the steps wrote.
        for session in [&mut batched, &mut traced] {
            let replayed = session.replay().unwrap();
            prop_assert!(replayed.changed.is_empty(), "{:?}", replayed.changed);
        }
        prop_assert_eq!(tables(&batched), tables(&traced));
    }
}
