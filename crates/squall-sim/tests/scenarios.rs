//! Scenarios on the board: they pass on the examples, and a broken script
//! makes one fail with a diff a person can read.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::workspace;
use squall_sim::Options;
use squall_sim::scenario::run_all;

#[test]
fn every_scenario_of_the_examples_passes() {
    for model in ["bank_account.ron", "money_transfer.ron"] {
        let path = workspace().join("models").join(model);
        if !path.exists() {
            continue;
        }
        let board = squall_model::load(&path).unwrap();
        let results = run_all(&board, path.parent().unwrap(), &Options::default()).unwrap();
        assert!(!results.is_empty(), "{model} has no scenarios");
        for result in results {
            assert!(result.passed, "{model}: {}: {}", result.name, result.failure.unwrap_or_default());
        }
    }
}

#[test]
fn given_a_broken_withdrawal_rule_when_scenarios_run_then_the_failure_reads_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("models")).unwrap();
    let scripts = dir.path().join("scripts/bank_account");
    std::fs::create_dir_all(&scripts).unwrap();
    for entry in std::fs::read_dir(workspace().join("scripts/bank_account")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), scripts.join(entry.file_name())).unwrap();
    }
    // Break the rule: withdrawals no longer check the balance.
    let aggregate = scripts.join("bank_account.rhai");
    let text = std::fs::read_to_string(&aggregate).unwrap();
    let broken = text.replace("if command.amount > state.balance {", "if false {");
    assert_ne!(text, broken, "the rule to break was not found");
    std::fs::write(&aggregate, broken).unwrap();

    let board = squall_model::load(&workspace().join("models/bank_account.ron")).unwrap();
    let results = run_all(&board, &dir.path().join("models"), &Options::default()).unwrap();
    let failed = results.iter().find(|r| r.name == "Withdrawing more than the balance is refused").unwrap();
    assert!(!failed.passed);
    let failure = failed.failure.as_deref().unwrap();
    assert!(
        failure.starts_with("expected the command to be rejected with \"insufficient funds\", but it was accepted and appended MoneyWithdrawn"),
        "{failure}"
    );
    assert!(results.iter().any(|r| r.passed), "the other scenarios still pass");
}

/// The deposit of 250 with the CEO bonus, expected in an order the board does not run it in.
fn bonus_scenario(then: fn(Vec<squall_model::Message>) -> squall_model::Outcome) -> squall_model::Board {
    use serde_json::json;
    use squall_model::Message;
    let mut board = squall_model::load(&workspace().join("models/bank_account.ron")).unwrap();
    let mut scenario =
        board.scenarios.iter().find(|s| s.name == "The CEO earns 1% of every deposit").unwrap().clone();
    scenario.name = "Bonus, in any order".to_owned();
    scenario.when = Message::new("DepositMoney", json!({"account_id": "acc-1", "amount": 250}));
    scenario.then = then(vec![
        Message::new("MoneyDeposited", json!({"account_id": "ceo-bonus", "amount": 2.5})),
        Message::new("ThankYouEmailSent", json!({"account_id": "ceo-bonus"})),
        Message::new("ThankYouEmailSent", json!({"account_id": "acc-1"})),
        Message::new("MoneyDeposited", json!({"account_id": "acc-1", "amount": 250})),
    ]);
    board.scenarios = vec![scenario];
    board
}

/// Issue 11, item 2: a scenario may expect events in any order, so that where policies sit on
/// the board (which orders their reactions) does not break it.
#[test]
fn given_events_expected_in_any_order_when_the_run_has_them_in_another_order_then_the_scenario_passes() {
    let dir = workspace().join("models");
    let any = bonus_scenario(squall_model::Outcome::EventsInAnyOrder);
    let ordered = bonus_scenario(squall_model::Outcome::Events);

    let passed = run_all(&any, &dir, &Options::default()).unwrap();
    let failed = run_all(&ordered, &dir, &Options::default()).unwrap();

    assert!(passed[0].passed, "{}", passed[0].failure.clone().unwrap_or_default());
    assert!(!failed[0].passed, "in order, the same events do not match");

    // A missing event still fails, and the diff shows only what differs.
    let mut short = any;
    if let squall_model::Outcome::EventsInAnyOrder(events) = &mut short.scenarios[0].then {
        events.remove(1);
    }
    let result = &run_all(&short, &dir, &Options::default()).unwrap()[0];
    let failure = result.failure.as_deref().unwrap();
    assert!(failure.contains("+ ThankYouEmailSent {\"account_id\":\"ceo-bonus\"}"), "{failure}");
    assert!(!failure.lines().any(|line| line.starts_with("- ")), "{failure}");
}

#[test]
fn given_a_scenario_expecting_events_in_any_order_then_its_ron_round_trips() {
    let board = bonus_scenario(squall_model::Outcome::EventsInAnyOrder);
    let text = squall_model::to_ron(&board).unwrap();
    assert!(text.contains("then: EventsInAnyOrder([(name: \"MoneyDeposited\""), "{text}");
    assert_eq!(squall_model::parse(&text, "board.ron").unwrap().scenarios, board.scenarios);
}

/// The bank board with only `scenario`.
fn bank_with(scenario: &str) -> squall_model::Board {
    let mut board = squall_model::load(&workspace().join("models/bank_account.ron")).unwrap();
    let text = format!("#![enable(implicit_some)]\n{scenario}");
    board.scenarios = vec![ron::from_str(&text).unwrap()];
    board
}

fn outcome_of(board: &squall_model::Board) -> Option<String> {
    let results = run_all(board, &workspace().join("models"), &Options::default()).unwrap();
    results[0].failure.clone()
}

/// Issue 11, item 8: given events were stored unchecked, so a typo in a field passed silently
/// into the history and the scenario failed somewhere else, or passed by accident.
#[test]
fn given_events_that_do_not_match_the_board_then_the_scenario_fails_naming_the_field() {
    let board = bank_with(
        r#"(name: "Typo", given: [(name: "AccountOpened", data: {"account_id": "acc-1", "ownr": "Alice"})],
            when: (name: "DepositMoney", data: {"account_id": "acc-1", "amount": 5}), then: Events([]))"#,
    );

    let failure = outcome_of(&board).unwrap();

    assert!(failure.starts_with("given event 1, `AccountOpened`, does not match the board:"), "{failure}");
    assert!(failure.contains("missing field `owner`"), "{failure}");
    assert!(failure.contains("unexpected field `ownr`"), "{failure}");
}

/// Issue 11, item 8: a scenario checks several things at once — the events, a document, and a
/// command a policy issued that was refused.
#[test]
fn given_several_expectations_then_each_is_checked_and_each_failure_is_reported() {
    let scenario = |document_balance: &str, refusal: &str| {
        format!(
            r#"(name: "Deposit without a bonus account",
                given: [(name: "AccountOpened", data: {{"account_id": "acc-1", "owner": "Alice"}})],
                when: (name: "DepositMoney", data: {{"account_id": "acc-1", "amount": 100}}),
                then: All([
                    Events([(name: "MoneyDeposited", data: {{"account_id": "acc-1", "amount": 100}}),
                            (name: "ThankYouEmailSent", data: {{"account_id": "acc-1"}})]),
                    ReadModel(name: "AccountOverview", key: "acc-1", document: {{"account_id": "acc-1",
                        "owner": "Alice", "balance": {document_balance},
                        "recent_changes": ["opened for Alice", "deposited 100"]}}),
                    CommandRejected(name: "DepositMoney", reason: "{refusal}"),
                ]))"#
        )
    };

    assert_eq!(outcome_of(&bank_with(&scenario("100", "account not open"))), None);

    let failure = outcome_of(&bank_with(&scenario("99", "no such account"))).unwrap();
    assert!(failure.contains("read model AccountOverview[acc-1]:"), "{failure}");
    assert!(failure.contains("-   \"balance\": 99,"), "{failure}");
    assert!(
        failure.contains(
            "expected command `DepositMoney` to be refused with \"no such account\", but it was refused \
             with \"account not open\""
        ),
        "{failure}"
    );
    assert!(!failure.contains("MoneyDeposited"), "the events matched: {failure}");
}
