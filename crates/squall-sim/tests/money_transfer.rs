//! The money transfer: a process across two aggregates, carried by policies,
//! with its failure paths modelled as events.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::{open, run};
use serde_json::{Value, json};
use squall_sim::trace::Origin;
use squall_sim::{Session, Source, Trace};

fn open_account(session: &mut Session, id: &str, owner: &str, balance: &Value) {
    let traces =
        run(session, "OpenAccount", json!({"account_id": id, "owner": owner, "opening_balance": balance}));
    assert!(!traces[0].is_rejected(), "{:?}", traces[0].outcome);
}

fn transfer(session: &mut Session, id: &str, from: &str, to: &str, amount: &Value) -> Vec<Trace> {
    run(
        session,
        "RequestTransfer",
        json!({"transfer_id": id, "from_account_id": from, "to_account_id": to, "amount": amount}),
    )
}

/// Alice with 100, Bob with nothing.
fn alice_and_bob() -> Session {
    let mut session = open("money_transfer.ron");
    open_account(&mut session, "acc-alice", "Alice", &json!(100));
    open_account(&mut session, "acc-bob", "Bob", &json!(0));
    session
}

fn names(traces: &[Trace]) -> Vec<(String, Vec<String>)> {
    traces
        .iter()
        .map(|t| (t.command.name.clone(), t.events.iter().map(|e| e.name.clone()).collect()))
        .collect()
}

fn step(command: &str, events: &[&str]) -> (String, Vec<String>) {
    (command.to_owned(), events.iter().map(|e| (*e).to_owned()).collect())
}

fn policy_of(trace: &Trace) -> Option<&str> {
    match &trace.command.origin {
        Origin::Policy { policy, .. } => Some(policy.name.as_str()),
        _ => None,
    }
}

#[test]
fn given_two_open_accounts_when_money_is_transferred_then_it_moves_and_the_transfer_completes() {
    let mut session = alice_and_bob();

    let traces = transfer(&mut session, "t-1", "acc-alice", "acc-bob", &json!(30.5));

    assert_eq!(
        names(&traces),
        [
            step("RequestTransfer", &["TransferRequested"]),
            step("DebitAccount", &["AccountDebited"]),
            step("CreditAccount", &["AccountCredited"]),
            step("CompleteTransfer", &["TransferCompleted"]),
        ]
    );
    let policies: Vec<Option<&str>> = traces.iter().map(policy_of).collect();
    assert_eq!(policies, [None, Some("Debit source"), Some("Credit destination"), Some("Complete transfer")]);
    assert!(traces.iter().all(|t| t.command.correlation_id == traces[0].command.id), "one cascade");
    assert_eq!(traces[1].events[0].stream_id, "Account-acc-alice");
    assert_eq!(
        traces[2].events[0].data,
        json!({"account_id": "acc-bob", "amount": 30.5, "transfer_id": "t-1"})
    );

    assert_eq!(session.state("Account", "acc-alice").unwrap()["balance"], json!(69.5));
    assert_eq!(session.state("Account", "acc-bob").unwrap()["balance"], json!(30.5));
    assert_eq!(session.state("MoneyTransfer", "t-1").unwrap()["status"], json!("completed"));
    assert_eq!(
        session.document("TransferStatus", "t-1").unwrap(),
        Some(json!({
            "amount": 30.5,
            "from_account_id": "acc-alice",
            "status": "completed",
            "to_account_id": "acc-bob",
            "transfer_id": "t-1",
        }))
    );
    assert_eq!(
        session.document("AccountBalances", "acc-bob").unwrap(),
        Some(json!({"account_id": "acc-bob", "balance": 30.5, "owner": "Bob"}))
    );
}

#[test]
fn given_too_little_money_when_a_transfer_is_requested_then_the_debit_is_refused_and_the_transfer_fails() {
    let mut session = alice_and_bob();

    let traces = transfer(&mut session, "t-1", "acc-alice", "acc-bob", &json!(100.01));

    assert_eq!(
        names(&traces),
        [
            step("RequestTransfer", &["TransferRequested"]),
            step("DebitAccount", &["DebitRefused"]),
            step("FailTransfer", &["TransferFailed"]),
        ]
    );
    assert!(traces.iter().all(|t| !t.is_rejected() && t.errors.is_empty()));
    assert_eq!(
        traces[1].events[0].data,
        json!({"account_id": "acc-alice", "reason": "insufficient funds", "transfer_id": "t-1"})
    );
    assert_eq!(session.state("Account", "acc-alice").unwrap()["balance"], json!(100));
    assert_eq!(session.state("Account", "acc-bob").unwrap()["balance"], json!(0));
    assert_eq!(
        session.state("MoneyTransfer", "t-1").unwrap()["reason"],
        json!("could not debit acc-alice: insufficient funds")
    );
    let status = session.document("TransferStatus", "t-1").unwrap().unwrap();
    assert_eq!(status["status"], json!("failed"));
    assert_eq!(status["reason"], json!("could not debit acc-alice: insufficient funds"));
    assert_eq!(session.document("AccountBalances", "acc-alice").unwrap().unwrap()["balance"], json!(100));
}

#[test]
fn given_an_unknown_destination_when_money_is_transferred_then_the_debit_is_reversed_and_the_transfer_fails()
{
    let mut session = alice_and_bob();

    let traces = transfer(&mut session, "t-1", "acc-alice", "acc-nobody", &json!(40));

    assert_eq!(
        names(&traces),
        [
            step("RequestTransfer", &["TransferRequested"]),
            step("DebitAccount", &["AccountDebited"]),
            step("CreditAccount", &["CreditRefused"]),
            // Both policies react to CreditRefused, in board order: Fail transfer sits above
            // Refund source (docs/scripting.md, "Reaction order").
            step("FailTransfer", &["TransferFailed"]),
            step("ReverseDebit", &["DebitReversed"]),
        ]
    );
    assert_eq!(policy_of(&traces[4]), Some("Refund source"));
    assert_eq!(
        traces[4].command.data,
        json!({"account_id": "acc-alice", "amount": 40, "transfer_id": "t-1"})
    );
    assert_eq!(session.state("Account", "acc-alice").unwrap()["balance"], json!(100));
    assert_eq!(session.state("Account", "acc-nobody").unwrap()["open"], json!(false));
    assert_eq!(session.document("AccountBalances", "acc-alice").unwrap().unwrap()["balance"], json!(100));
    assert_eq!(session.document("AccountBalances", "acc-nobody").unwrap(), None);
    let status = session.document("TransferStatus", "t-1").unwrap().unwrap();
    assert_eq!(
        (status["status"].clone(), status["refunded"].clone(), status["reason"].clone()),
        (json!("failed"), json!(true), json!("could not credit acc-nobody: account not open"))
    );
}

#[test]
fn given_an_unknown_source_when_money_is_transferred_then_the_transfer_fails_and_nothing_moves() {
    let mut session = alice_and_bob();

    let traces = transfer(&mut session, "t-1", "acc-nobody", "acc-bob", &json!(10));

    assert_eq!(
        names(&traces),
        [
            step("RequestTransfer", &["TransferRequested"]),
            step("DebitAccount", &["DebitRefused"]),
            step("FailTransfer", &["TransferFailed"]),
        ]
    );
    assert_eq!(traces[2].events[0].data["reason"], json!("could not debit acc-nobody: account not open"));
    assert_eq!(session.state("Account", "acc-bob").unwrap()["balance"], json!(0));
}

#[test]
fn a_non_positive_amount_or_a_transfer_to_oneself_is_refused_and_appends_nothing() {
    let mut session = alice_and_bob();
    let before = session.events(None).unwrap().len();

    for (amount, to, reason) in [
        (json!(0), "acc-bob", "amount must be positive"),
        (json!(-5), "acc-bob", "amount must be positive"),
        (json!(10), "acc-alice", "source and destination must differ"),
    ] {
        let traces = transfer(&mut session, "t-1", "acc-alice", to, &amount);
        assert_eq!(traces.len(), 1, "a refused request sets nothing off");
        assert_eq!(traces[0].outcome, squall_sim::trace::Outcome::Rejected { reason: reason.to_owned() });
    }

    assert_eq!(session.events(None).unwrap().len(), before);
    assert_eq!(session.document("TransferStatus", "t-1").unwrap(), None);
    assert_eq!(session.state("MoneyTransfer", "t-1").unwrap()["status"], json!("new"));
}

#[test]
fn given_a_completed_transfer_then_it_can_be_neither_requested_again_nor_completed_or_failed_again() {
    let mut session = alice_and_bob();
    transfer(&mut session, "t-1", "acc-alice", "acc-bob", &json!(10));

    let again = transfer(&mut session, "t-1", "acc-alice", "acc-bob", &json!(10));
    let complete = run(&mut session, "CompleteTransfer", json!({"transfer_id": "t-1"}));
    let fail = run(&mut session, "FailTransfer", json!({"transfer_id": "t-1", "reason": "changed my mind"}));
    let stray = run(&mut session, "CompleteTransfer", json!({"transfer_id": "t-404"}));

    let reasons: Vec<String> = [again, complete, fail, stray]
        .iter()
        .map(|traces| match &traces[0].outcome {
            squall_sim::trace::Outcome::Rejected { reason } => reason.clone(),
            other => panic!("expected a refusal, got {other:?}"),
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "transfer already requested",
            "transfer already completed",
            "transfer already completed",
            "unknown transfer"
        ]
    );
    assert_eq!(session.state("Account", "acc-bob").unwrap()["balance"], json!(10));
}

#[test]
fn given_two_transfers_requested_together_when_they_run_then_each_finds_its_own_destination() {
    let mut session = open("money_transfer.ron");
    open_account(&mut session, "acc-alice", "Alice", &json!(100));
    open_account(&mut session, "acc-bob", "Bob", &json!(0));
    open_account(&mut session, "acc-carol", "Carol", &json!(0));

    // Both requests are queued before either runs, so their cascades
    // interleave and the policies must keep the transfers apart.
    for (id, to, amount) in [("t-1", "acc-bob", 60), ("t-2", "acc-carol", 60)] {
        session
            .submit(
                "RequestTransfer",
                json!({"transfer_id": id, "from_account_id": "acc-alice", "to_account_id": to, "amount": amount}),
                Source::User,
            )
            .unwrap();
    }
    let end = session.run_until_quiet(100, |_| {}).unwrap();
    assert!(end.quiet && end.stopped.is_none(), "{end:?}");

    assert_eq!(session.state("MoneyTransfer", "t-1").unwrap()["status"], json!("completed"));
    assert_eq!(session.state("MoneyTransfer", "t-2").unwrap()["status"], json!("failed"));
    let balance = |session: &mut Session, id| session.state("Account", id).unwrap()["balance"].clone();
    assert_eq!(
        [
            balance(&mut session, "acc-alice"),
            balance(&mut session, "acc-bob"),
            balance(&mut session, "acc-carol")
        ],
        [json!(40), json!(60), json!(0)]
    );
}
