//! The starting scripts the app writes (squall-api's CreateScript) follow
//! the script contract the simulator runs: a board given only starting
//! scripts runs, its commands producing the events their names call for.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use squall_api::{ElementPatch, Op, Request, Workspace};
use squall_model::Id;

const SCRIPTED: [&str; 5] =
    ["agg-bank-account", "pol-ceo-bonus", "pol-thank-you-email", "rm-account-overview", "ext-email-service"];

fn squall() -> Command {
    let mut cmd = cargo_bin_cmd!("squall");
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE").env_remove("RUST_LOG");
    cmd
}

/// The bank-account example as `models/bank.ron` of a fresh project, every
/// script replaced by the one the app writes to start with.
fn with_starting_scripts(dir: &Path) -> PathBuf {
    std::fs::create_dir(dir.join("models")).unwrap();
    let model = dir.join("models").join("bank.ron");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/models/bank_account.ron"), &model).unwrap();
    let mut workspace = Workspace::open(&model, squall_api::Options::default()).unwrap();
    for id in SCRIPTED {
        let patch = ElementPatch { script: Some(String::new()), ..ElementPatch::default() };
        workspace
            .handle(Request::Edit { op: Box::new(Op::UpdateElement { id: Id::from(id), patch }) })
            .unwrap();
        workspace.handle(Request::CreateScript { id: Id::from(id) }).unwrap();
    }
    workspace.handle(Request::Save).unwrap();
    model
}

fn run(model: &Path, dir: &Path, lines: &[&str]) -> (PathBuf, String) {
    let db = dir.join("bank.db");
    let input = dir.join("input.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let assert =
        squall().arg("run").arg(model).arg("--db").arg(&db).arg("--input").arg(&input).assert().success();
    (db, String::from_utf8(assert.get_output().stdout.clone()).unwrap())
}

const OPEN: &str = r#"{"command":"OpenAccount","data":{"account_id":"acc-1","owner":"Alice"}}"#;

#[test]
fn given_only_starting_scripts_when_a_command_runs_then_the_event_it_names_follows_and_the_read_model_keeps_it()
 {
    let dir = tempfile::tempdir().unwrap();
    let model = with_starting_scripts(dir.path());

    squall().arg("check").arg(&model).assert().success();
    let (db, out) = run(&model, dir.path(), &[OPEN]);

    assert!(!out.contains("rejected") && !out.contains("error"), "{out}");
    assert!(out.contains("AccountOpened"), "{out}");
    let events = squall().args(["events", "--db"]).arg(&db).assert().success();
    let listed = String::from_utf8(events.get_output().stdout.clone()).unwrap();
    assert!(!listed.contains("MoneyDeposited"), "only the event the command names:\n{listed}");
    let read =
        squall().args(["read-model", "--db"]).arg(&db).args(["AccountOverview", "acc-1"]).assert().success();
    let document: Value = serde_json::from_slice(&read.get_output().stdout).unwrap();
    assert_eq!(document["owner"], "Alice");
    assert_eq!(document["account_id"], "acc-1");
}

#[test]
fn given_a_starting_handler_emptied_when_its_command_runs_then_the_trace_says_nothing_followed() {
    let dir = tempfile::tempdir().unwrap();
    let model = with_starting_scripts(dir.path());
    let script = dir.path().join("scripts/bank/bank_account.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    let handler = "fn handle_OpenAccount(state, command) {";
    std::fs::write(&script, text.replacen(handler, &format!("{handler}\n    return [];"), 1)).unwrap();

    let (_, out) = run(&model, dir.path(), &[OPEN]);

    assert!(!out.contains("AccountOpened"), "{out}");
    assert!(out.contains("produced no events for OpenAccount"), "{out}");
}

const DEPOSIT: &str = r#"{"command":"DepositMoney","data":{"account_id":"acc-1","amount":100}}"#;

#[test]
fn given_only_starting_scripts_when_a_deposit_runs_then_its_cascade_ends_without_going_round_the_ceo_bonus() {
    let dir = tempfile::tempdir().unwrap();
    let model = with_starting_scripts(dir.path());

    let (db, out) = run(&model, dir.path(), &[OPEN, DEPOSIT]);

    assert!(!out.contains("rejected") && !out.contains("error"), "{out}");
    let events = squall().args(["events", "--db"]).arg(&db).assert().success();
    let listed = String::from_utf8(events.get_output().stdout.clone()).unwrap();
    assert_eq!(
        listed.matches("MoneyDeposited").count(),
        1,
        "the CEO bonus holds its deposit back:\n{listed}"
    );
    assert!(listed.contains("ThankYouEmailSent"), "the thank-you email policy and the mailer run:\n{listed}");
    let bonus = std::fs::read_to_string(dir.path().join("scripts/bank/ceo_bonus.rhai")).unwrap();
    assert!(bonus.contains("// DepositMoney leads back to MoneyDeposited"), "{bonus}");
}
