//! The script editor: a sticky's script read, checked as it is typed and
//! written, on a copy of the bank account and its scripts.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use squall_api::{
    Options, Push, Request, Response, RunAnswer, RunRequest, ScriptDiagnostic, ScriptInfo, State, Workspace,
};
use squall_model::Id;
use squall_model::lint::Severity;
use squall_sim::Trace;
use squall_sim::trace::Outcome;

const AGGREGATE: &str = "agg-bank-account";
const SCRIPT: &str = "../scripts/bank_account/bank_account.rhai";

/// `models/bank_account.ron` and `scripts/bank_account/` copied into a fresh folder.
struct Bank {
    dir: tempfile::TempDir,
    workspace: Workspace,
}

impl Bank {
    fn new() -> Bank {
        let (dir, model) = support::runnable_bank_account();
        let workspace = Workspace::open(&model, Options::default()).unwrap();
        Bank { dir, workspace }
    }

    fn script_file(&self) -> PathBuf {
        self.dir.path().join("scripts/bank_account/bank_account.rhai")
    }

    fn script(&mut self, request: Request) -> ScriptInfo {
        match self.workspace.handle(request).unwrap() {
            Response::Script { script } => *script,
            other => panic!("{other:?}"),
        }
    }

    fn check(&mut self, id: &str, text: &str) -> Vec<ScriptDiagnostic> {
        self.script(Request::CheckScript { id: Id::from(id), text: text.to_owned() }).diagnostics
    }

    fn write(&mut self, id: &str, text: &str) -> (State, ScriptInfo) {
        match self.workspace.handle(Request::WriteScript { id: Id::from(id), text: text.to_owned() }).unwrap()
        {
            Response::ScriptWritten { state, script } => (state, *script),
            other => panic!("{other:?}"),
        }
    }

    fn run(&mut self, request: RunRequest) -> RunAnswer {
        match self.workspace.handle(Request::Run { request }).unwrap() {
            Response::Run { answer } => answer,
            other => panic!("{other:?}"),
        }
    }

    /// Submit a user command and run until quiet; the traces of the cascade.
    fn act(&mut self, command: &str, data: Value) -> Vec<Trace> {
        self.run(RunRequest::Submit { command: command.into(), data });
        match self.run(RunRequest::RunUntilQuiet { max_steps: None }) {
            RunAnswer::Stepped { traces, .. } => traces,
            other => panic!("{other:?}"),
        }
    }
}

fn the_script() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bank_account/bank_account.rhai"),
    )
    .unwrap()
}

fn messages(diagnostics: &[ScriptDiagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.message.clone()).collect()
}

#[test]
fn given_the_bank_account_when_its_script_is_read_then_the_text_path_contract_and_helpers_come_back_clean() {
    let mut bank = Bank::new();

    let info = bank.script(Request::ReadScript { id: Id::from(AGGREGATE) });

    assert_eq!(info.path, SCRIPT);
    assert_eq!(info.text.as_deref(), Some(the_script().as_str()));
    assert_eq!(info.starter, None);
    assert_eq!(info.diagnostics, Vec::new(), "the example's script keeps the contract");
    let withdraw = info.functions.iter().find(|f| f.name == "handle_WithdrawMoney").unwrap();
    assert_eq!(withdraw.signature, "handle_WithdrawMoney(state, command)");
    assert!(withdraw.defined);
    assert!(info.functions.iter().any(|f| f.name == "apply_MoneyWithdrawn"));
    let command = info.messages.iter().find(|m| m.name == "WithdrawMoney").unwrap();
    let fields: Vec<(&str, &str)> = command.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str())).collect();
    assert!(fields.contains(&("amount", "decimal")), "{fields:?}");
    let helpers: Vec<&str> = info.helpers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(helpers, ["event", "command", "now", "random", "log", "document", "delete"]);
}

#[test]
fn given_a_missing_bracket_when_checked_then_rhai_s_error_stands_at_its_line_and_column() {
    let mut bank = Bank::new();
    let text = the_script().replacen(
        "if command.amount > state.balance {",
        "if command.amount > state.balance {{",
        1,
    );
    let broken_line = text.lines().position(|l| l.contains("state.balance {{")).unwrap() + 1;

    let diagnostics = bank.check(AGGREGATE, &text);

    let error = diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap();
    assert!(error.line >= u32::try_from(broken_line).unwrap(), "{error:?} for line {broken_line}");
    assert!(error.column >= 1);
    assert!(!error.message.is_empty());
    assert_eq!(std::fs::read_to_string(bank.script_file()).unwrap(), the_script(), "checking writes nothing");
}

#[test]
fn given_an_unclosed_call_when_checked_then_the_error_names_the_exact_position() {
    let mut bank = Bank::new();
    let text = "fn initial() {\n    #{}\n}\n\nfn handle_OpenAccount(state, command) {\n    let x = (1 + ;\n    []\n}\n";

    let diagnostics = bank.check(AGGREGATE, text);

    let error = diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap();
    assert_eq!((error.line, error.column), (6, 18), "{error:?}");
}

#[test]
fn given_a_handler_for_a_command_without_an_arrow_when_checked_then_it_is_flagged_at_its_name() {
    let mut bank = Bank::new();
    let text = format!("{}\nfn handle_CloseAccount(state, command) {{\n    []\n}}\n", the_script());
    let line =
        u32::try_from(text.lines().position(|l| l.contains("handle_CloseAccount")).unwrap() + 1).unwrap();

    let diagnostics = bank.check(AGGREGATE, &text);

    assert_eq!(diagnostics.len(), 1, "{:?}", messages(&diagnostics));
    let d = &diagnostics[0];
    assert_eq!((d.severity, d.line, d.column, d.end_column), (Severity::Warning, line, 4, Some(23)));
    assert!(d.message.contains("`handle_CloseAccount` is never called"), "{}", d.message);
}

#[test]
fn given_a_handler_removed_when_checked_then_its_arrow_asks_for_it() {
    let mut bank = Bank::new();
    let text = the_script().replace("fn handle_ChangeOwner(", "fn change_owner(");

    let diagnostics = bank.check(AGGREGATE, &text);

    assert_eq!(messages(&diagnostics).len(), 1, "{:?}", messages(&diagnostics));
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert!(
        diagnostics[0]
            .message
            .contains("`handle_ChangeOwner(state, command)` is missing for command \"ChangeOwner\""),
        "{}",
        diagnostics[0].message
    );
    let info = bank.script(Request::CheckScript { id: Id::from(AGGREGATE), text });
    assert!(!info.functions.iter().find(|f| f.name == "handle_ChangeOwner").unwrap().defined);
}

#[test]
fn given_an_event_the_aggregate_has_no_arrow_to_when_checked_then_the_literal_is_an_error() {
    let mut bank = Bank::new();
    let text = the_script().replacen("event(\"MoneyWithdrawn\"", "event(\"MoneyStolen\"", 1);
    let line = u32::try_from(text.lines().position(|l| l.contains("MoneyStolen")).unwrap() + 1).unwrap();

    let diagnostics = bank.check(AGGREGATE, &text);

    assert_eq!(diagnostics.len(), 1, "{:?}", messages(&diagnostics));
    let d = &diagnostics[0];
    assert_eq!((d.severity, d.line, d.column, d.end_column), (Severity::Error, line, 6, Some(25)));
    assert!(d.message.contains("has no arrow to event \"MoneyStolen\""), "{}", d.message);
    // In a comment it is only words.
    let commented = format!("{}\n// event(\"MoneyStolen\", #{{}})\n", the_script());
    assert_eq!(bank.check(AGGREGATE, &commented), Vec::new());
}

#[test]
fn given_a_policy_issuing_a_command_it_has_no_arrow_to_when_checked_then_it_is_an_error() {
    let mut bank = Bank::new();
    let text = "fn on_MoneyDeposited(event) {\n    [command(\"WithdrawMoney\", #{})]\n}\n";

    let diagnostics = bank.check("pol-ceo-bonus", text);

    let errors: Vec<&ScriptDiagnostic> =
        diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:?}", messages(&diagnostics));
    assert_eq!((errors[0].line, errors[0].column), (2, 6));
    assert!(errors[0].message.contains("its arrows go to DepositMoney"), "{}", errors[0].message);
}

#[test]
fn given_a_sticky_without_a_script_when_one_is_written_then_the_file_holds_the_text_and_undo_takes_the_path_away()
 {
    let mut bank = Bank::new();
    let patch = squall_api::ElementPatch { script: Some(String::new()), ..Default::default() };
    bank.workspace
        .handle(Request::Edit {
            op: Box::new(squall_api::Op::UpdateElement { id: Id::from(AGGREGATE), patch }),
        })
        .unwrap();
    let unnamed = bank.script(Request::ReadScript { id: Id::from(AGGREGATE) });
    assert_eq!(unnamed.text, None);
    assert_eq!(unnamed.path, SCRIPT, "the path create_script would use");
    assert!(
        unnamed.starter.as_deref().is_some_and(|s| s.contains("fn handle_WithdrawMoney(state, command)"))
    );
    let text = "fn initial() { #{} }\n";

    let (state, written) = bank.write(AGGREGATE, text);

    assert_eq!(std::fs::read_to_string(bank.script_file()).unwrap(), text);
    let sticky = state.board.elements.iter().find(|e| e.id.as_str() == AGGREGATE).unwrap();
    assert_eq!(sticky.script.as_deref(), Some(SCRIPT));
    assert_eq!(written.text.as_deref(), Some(text));
    assert!(state.can_undo);

    let undone = match bank.workspace.handle(Request::Undo).unwrap() {
        Response::State { state } => state,
        other => panic!("{other:?}"),
    };
    let sticky = undone.board.elements.iter().find(|e| e.id.as_str() == AGGREGATE).unwrap();
    assert_eq!(sticky.script, None, "one undo step takes the path away");
    assert_eq!(std::fs::read_to_string(bank.script_file()).unwrap(), text, "the file stays");
}

#[test]
fn given_a_sticky_naming_a_script_outside_the_project_when_written_then_it_is_refused() {
    let mut bank = Bank::new();
    let patch = squall_api::ElementPatch { script: Some("../../evil.rhai".into()), ..Default::default() };
    bank.workspace
        .handle(Request::Edit {
            op: Box::new(squall_api::Op::UpdateElement { id: Id::from(AGGREGATE), patch }),
        })
        .unwrap();

    let err = bank
        .workspace
        .handle(Request::WriteScript { id: Id::from(AGGREGATE), text: "x".into() })
        .unwrap_err();

    assert!(err.to_string().contains("inside"), "{err}");
    assert!(!bank.dir.path().parent().unwrap().join("evil.rhai").exists());
}

#[test]
fn given_a_refused_withdrawal_when_the_overdraft_rule_is_rewritten_then_the_resubmitted_withdrawal_is_accepted()
 {
    let mut bank = Bank::new();
    bank.act("cmd-open-account", json!({"account_id": "acc-1", "owner": "Alice"}));
    let withdraw = json!({"account_id": "acc-1", "amount": 50});
    let refused = bank.act("cmd-withdraw-money", withdraw.clone());
    assert!(
        matches!(&refused[0].outcome, Outcome::Rejected { reason } if reason.contains("insufficient funds")),
        "{:?}",
        refused[0].outcome
    );
    bank.workspace.take_pushes();

    let overdraft = the_script()
        .replace("if command.amount > state.balance {", "if command.amount > state.balance + 100.0 {");
    let (_, written) = bank.write(AGGREGATE, &overdraft);

    assert_eq!(written.diagnostics, Vec::new());
    let pushes = bank.workspace.take_pushes();
    assert!(
        pushes.iter().any(|p| matches!(p, Push::Run { status, .. } if status.problem.is_none())),
        "every client hears the run's status: {pushes:?}"
    );
    let accepted = bank.act("cmd-withdraw-money", withdraw);
    assert!(matches!(accepted[0].outcome, Outcome::Accepted), "{:?}", accepted[0].outcome);
    assert_eq!(accepted[0].events[0].name, "MoneyWithdrawn");
}

#[test]
fn given_a_script_that_stops_compiling_when_written_then_the_run_s_problem_is_pushed() {
    let mut bank = Bank::new();
    bank.act("cmd-open-account", json!({"account_id": "acc-1", "owner": "Alice"}));
    bank.workspace.take_pushes();

    bank.write(AGGREGATE, "fn initial( {");

    let pushes = bank.workspace.take_pushes();
    assert!(
        pushes.iter().any(|p| matches!(p, Push::Run { status, .. }
            if status.problem.as_deref().is_some_and(|p| p.contains("bank_account.rhai")))),
        "{pushes:?}"
    );
}

/// A board drawn in the app: `Place order` → `Order` → `Order placed`, each
/// message with fields, the aggregate keyed by `order_id`, saved to a file.
fn drawn_board(dir: &Path) -> (Workspace, Id, Id) {
    use squall_api::{ElementPatch, Op};
    use squall_model::{Field, FieldType, Kind, Point};

    let mut workspace = Workspace::new("Shop", Options::default());
    workspace.handle(Request::SaveAs { path: dir.join("shop.ron").display().to_string() }).unwrap();
    let mut add = |kind: Kind, name: &str, patch: ElementPatch| -> Id {
        let op = Op::AddElement {
            kind,
            name: name.into(),
            position: Point { x: 0.0, y: 0.0 },
            group: None,
            patch: Some(patch),
        };
        match workspace.handle(Request::Edit { op: Box::new(op) }).unwrap() {
            Response::Edited { created, .. } => created[0].clone(),
            other => panic!("{other:?}"),
        }
    };
    let field = |name: &str, ty: FieldType| Field { name: name.into(), ty };
    let command = add(
        Kind::Command,
        "Place order",
        ElementPatch {
            fields: Some(vec![field("order_id", FieldType::Id), field("total", FieldType::Decimal)]),
            ..Default::default()
        },
    );
    let aggregate =
        add(Kind::Aggregate, "Order", ElementPatch { key: Some("order_id".into()), ..Default::default() });
    let event = add(
        Kind::Event,
        "Order placed",
        ElementPatch {
            fields: Some(vec![
                field("order_id", FieldType::Id),
                field("total", FieldType::Decimal),
                field("note", FieldType::String),
            ]),
            ..Default::default()
        },
    );
    for (from, to) in [(&command, &aggregate), (&aggregate, &event)] {
        let op = Op::Connect { from: from.clone(), to: to.clone(), label: None };
        workspace.handle(Request::Edit { op: Box::new(op) }).unwrap();
    }
    (workspace, command, aggregate)
}

#[test]
fn given_a_freshly_drawn_board_when_its_aggregate_gets_a_starter_then_a_command_produces_its_event_with_the_copied_fields()
 {
    let dir = tempfile::tempdir().unwrap();
    let (workspace, command, aggregate) = drawn_board(dir.path());
    let mut bank = Bank { dir, workspace };
    bank.workspace.handle(Request::CreateScript { id: aggregate.clone() }).unwrap();
    assert_eq!(bank.script(Request::ReadScript { id: aggregate }).diagnostics, Vec::new());

    let traces = bank.act(command.as_str(), json!({"order_id": "o-1", "total": 12.5}));

    assert!(matches!(traces[0].outcome, Outcome::Accepted), "{:?}", traces[0]);
    assert_eq!(traces[0].events.len(), 1, "{:?}", traces[0]);
    let placed = &traces[0].events[0];
    assert_eq!(placed.name, "Order placed");
    assert_eq!(placed.data["order_id"], "o-1");
    assert_eq!(placed.data["total"].to_string().trim_matches('"'), "12.5");
    assert_eq!(placed.data["note"], "", "a field the command lacks starts empty");
}

#[test]
fn given_a_handler_that_returns_nothing_when_its_command_runs_then_the_trace_says_so() {
    let mut bank = Bank::new();
    let text = the_script().replacen(
        "fn handle_OpenAccount(state, command) {",
        "fn handle_OpenAccount(state, command) {\n    return [];",
        1,
    );
    bank.write(AGGREGATE, &text);

    let traces = bank.act("cmd-open-account", json!({"account_id": "acc-1", "owner": "Alice"}));

    assert!(traces[0].events.is_empty());
    let notes: Vec<&str> = traces[0].logs.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        notes,
        [
            "squall: aggregate `BankAccount` (agg-bank-account) produced no events for OpenAccount: the command is accepted and changes nothing"
        ]
    );
}

#[test]
fn given_a_sticky_naming_a_script_nobody_wrote_when_read_then_the_starter_is_offered_and_a_write_creates_it()
{
    let mut bank = Bank::new();
    std::fs::remove_file(bank.script_file()).unwrap();

    let info = bank.script(Request::ReadScript { id: Id::from(AGGREGATE) });

    assert_eq!((info.path.as_str(), info.text.as_deref()), (SCRIPT, None));
    let starter = info.starter.unwrap();
    assert!(starter.contains("fn handle_OpenAccount(state, command)"), "{starter}");
    let (state, _) = bank.write(AGGREGATE, &starter);
    assert_eq!(std::fs::read_to_string(bank.script_file()).unwrap(), starter);
    assert!(!state.can_undo, "the sticky named its script already: the board did not change");
}

/// Issue 11, item 7: a policy reads only the read models with an arrow to it.
#[test]
fn given_a_policy_reading_a_read_model_without_an_arrow_when_checked_then_the_literal_is_an_error() {
    let mut bank = Bank::new();
    let text = "fn on_MoneyDeposited(event) {\n    let doc = document(\"AccountOverview\", event.account_id);\n    []\n}\n";

    let diagnostics = bank.check("pol-ceo-bonus", text);

    let errors: Vec<&ScriptDiagnostic> =
        diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:?}", messages(&diagnostics));
    assert_eq!((errors[0].line, errors[0].column), (2, 15));
    assert!(
        errors[0]
            .message
            .contains("has no arrow from read model \"AccountOverview\"; no read model has an arrow to it"),
        "{}",
        errors[0].message
    );
}

/// Issue 11, item 5: `keys_<Event>` is part of a read model's contract, and optional.
#[test]
fn given_a_read_model_script_when_checked_then_keys_functions_are_known_and_not_required() {
    let mut bank = Bank::new();
    let info = bank.script(Request::ReadScript { id: Id::from("rm-account-overview") });
    let keys = info.functions.iter().find(|f| f.name == "keys_MoneyDeposited").unwrap();
    assert_eq!(keys.signature, "keys_MoneyDeposited(event)");
    assert!(
        !info.diagnostics.iter().any(|d| d.message.contains("keys_")),
        "{:?}",
        messages(&info.diagnostics)
    );

    let text = format!("{}\nfn keys_MoneyDeposited(event) {{ [event.account_id] }}\n", info.text.unwrap());
    let diagnostics = bank.check("rm-account-overview", &text);
    assert!(!diagnostics.iter().any(|d| d.message.contains("keys_")), "{:?}", messages(&diagnostics));
}
