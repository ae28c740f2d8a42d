//! Scenarios on the board: they pass on the examples, and a broken script
//! makes one fail with a diff a person can read.

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
