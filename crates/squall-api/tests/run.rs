//! The board runs in the app: the bank account driven through run requests
//! as the UI sends them, on a copy of the model and its scripts.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use squall_api::{
    ChainLink, DocumentPage, ErrorKind, EventFilter, EventPage, Options, Push, Request, Response, RunAnswer,
    RunRequest, RunStatus, Workspace,
};
use squall_sim::Trace;
use squall_sim::trace::Outcome;

/// `models/bank_account.ron` and `scripts/bank_account/` copied into a fresh folder.
struct Bank {
    dir: tempfile::TempDir,
    model: PathBuf,
    workspace: Workspace,
}

impl Bank {
    fn new() -> Bank {
        let (dir, model) = support::runnable_bank_account();
        let workspace = Workspace::open(&model, Options::default()).unwrap();
        Bank { dir, model, workspace }
    }

    fn reopen(self) -> Bank {
        let Bank { dir, model, workspace } = self;
        drop(workspace);
        let workspace = Workspace::open(&model, Options::default()).unwrap();
        Bank { dir, model, workspace }
    }

    fn try_run(&mut self, request: RunRequest) -> Result<RunAnswer, squall_api::Error> {
        match self.workspace.handle(Request::Run { request })? {
            Response::Run { answer } => Ok(answer),
            other => panic!("a run request answered {other:?}"),
        }
    }

    fn run(&mut self, request: RunRequest) -> RunAnswer {
        let shown = format!("{request:?}");
        self.try_run(request).unwrap_or_else(|err| panic!("{shown}: {err}"))
    }

    fn status(&mut self) -> RunStatus {
        match self.run(RunRequest::Status) {
            RunAnswer::Status { status } => status,
            other => panic!("{other:?}"),
        }
    }

    fn submit(&mut self, command: &str, data: Value) -> String {
        match self.run(RunRequest::Submit { command: command.into(), data }) {
            RunAnswer::Submitted { command_id, .. } => command_id,
            other => panic!("{other:?}"),
        }
    }

    /// Submit a user command and run until quiet; the traces of the cascade.
    fn act(&mut self, command: &str, data: Value) -> Vec<Trace> {
        self.submit(command, data);
        match self.run(RunRequest::RunUntilQuiet { max_steps: None }) {
            RunAnswer::Stepped { traces, end, .. } => {
                assert!(end.unwrap().quiet);
                traces
            }
            other => panic!("{other:?}"),
        }
    }

    fn open_accounts(&mut self) {
        self.act("cmd-open-account", json!({"account_id": "acc-1", "owner": "Alice"}));
        self.act("cmd-open-account", json!({"account_id": "ceo-bonus", "owner": "The CEO"}));
    }

    fn events(&mut self, filter: EventFilter, offset: u32, limit: u32) -> EventPage {
        match self.run(RunRequest::Events { filter, offset, limit }) {
            RunAnswer::Events { page } => page,
            other => panic!("{other:?}"),
        }
    }

    fn overview(&mut self, at: Option<u32>) -> DocumentPage {
        let request = RunRequest::Documents {
            read_model: "rm-account-overview".into(),
            at,
            search: None,
            offset: 0,
            limit: 50,
        };
        match self.run(request) {
            RunAnswer::Documents { page } => page,
            other => panic!("{other:?}"),
        }
    }

    fn balance(&mut self, at: Option<u32>, account: &str) -> Value {
        let page = self.overview(at);
        page.documents
            .iter()
            .find(|d| d.key == account)
            .map(|d| d.document["balance"].clone())
            .unwrap_or_default()
    }

    fn store_dir(&self) -> PathBuf {
        self.dir.path().join("models/.squall")
    }
}

fn names(traces: &[Trace]) -> Vec<String> {
    traces.iter().flat_map(|t| t.events.iter().map(|e| e.name.clone())).collect()
}

#[test]
fn given_open_accounts_when_depositing_1000_then_the_cascade_pays_the_ceo_bonus_and_thanks_twice() {
    let mut bank = Bank::new();
    bank.open_accounts();

    let traces = bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));

    assert_eq!(
        names(&traces),
        ["MoneyDeposited", "ThankYouEmailSent", "MoneyDeposited", "ThankYouEmailSent"]
    );
    let bonus = traces.iter().find(|t| t.command.data["account_id"] == "ceo-bonus").unwrap();
    assert_eq!(
        (bonus.command.name.as_str(), bonus.command.data["amount"].clone()),
        ("DepositMoney", json!(10))
    );
    assert!(
        matches!(&bonus.command.origin, squall_sim::trace::Origin::Policy { policy, .. } if policy.name == "CEO bonus")
    );
    let status = bank.status();
    assert_eq!((status.head, status.pending, status.commands, status.rejected), (6, 0, 6, 0));
    let deposited = status.event_counts.iter().find(|c| c.sticky.as_str() == "evt-money-deposited").unwrap();
    assert_eq!(deposited.count, 2);
    assert!(status.store.unwrap().ends_with("models/.squall/bank_account.sqlite"));
    assert_eq!(std::fs::read_to_string(bank.store_dir().join(".gitignore")).unwrap(), "*\n");
    assert_eq!(bank.balance(None, "acc-1"), json!(1000));
    assert_eq!(bank.balance(None, "ceo-bonus"), json!(10));
}

#[test]
fn given_a_balance_of_1000_when_withdrawing_5000_then_it_is_rejected_for_insufficient_funds() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));

    let traces = bank.act("cmd-withdraw-money", json!({"account_id": "acc-1", "amount": 5000}));

    assert_eq!(traces.len(), 1);
    assert_eq!(traces[0].outcome, Outcome::Rejected { reason: "insufficient funds".into() });
    assert_eq!(bank.status().rejected, 1);
    assert_eq!(bank.balance(None, "acc-1"), json!(1000));
}

#[test]
fn given_a_wrong_field_type_when_submitting_then_the_field_is_named_and_nothing_is_queued() {
    let mut bank = Bank::new();

    let err = bank
        .try_run(RunRequest::Submit {
            command: "cmd-deposit-money".into(),
            data: json!({"account_id": "acc-1", "amount": "lots"}),
        })
        .unwrap_err();

    let message = err.to_string();
    assert!(message.contains("DepositMoney") && message.contains("amount"), "{message}");
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(bank.status().pending, 0);
}

#[test]
fn given_a_deposit_when_looking_before_it_then_documents_and_states_show_the_old_balance() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 200}));

    let before = bank.overview(Some(2));
    let at_deposit = bank.overview(Some(3));
    let state = match bank.run(RunRequest::AggregateState {
        aggregate: "agg-bank-account".into(),
        instance: "acc-1".into(),
        at: Some(3),
    }) {
        RunAnswer::Aggregate { aggregate } => aggregate,
        other => panic!("{other:?}"),
    };

    assert_eq!(before.documents.iter().find(|d| d.key == "acc-1").unwrap().document["balance"], json!(0));
    let acc = at_deposit.documents.iter().find(|d| d.key == "acc-1").unwrap();
    assert_eq!(
        (acc.document["balance"].clone(), acc.changed.clone()),
        (json!(1000), vec!["balance".to_owned(), "recent_changes".to_owned()])
    );
    assert_eq!(
        (state.state["balance"].clone(), state.before.unwrap()["balance"].clone()),
        (json!(1000), json!(0))
    );
    assert_eq!((state.version, state.last_event), (2, Some(3)));
    assert_eq!(bank.balance(None, "acc-1"), json!(1200), "the head is as it was");
}

#[test]
fn given_a_fork_before_the_deposit_when_depositing_300_then_the_diff_shows_both_timelines() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));

    let forked = match bank.run(RunRequest::Fork { name: Some("what-if".into()), at: Some(2) }) {
        RunAnswer::Status { status } => status,
        other => panic!("{other:?}"),
    };
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 300}));
    let diff = match bank.run(RunRequest::Diff { left: "main".into(), right: "what-if".into() }) {
        RunAnswer::Diff { diff } => diff,
        other => panic!("{other:?}"),
    };

    assert_eq!((forked.branch.as_str(), forked.head), ("what-if", 2));
    assert_eq!(
        diff.only_left.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["MoneyDeposited", "ThankYouEmailSent", "MoneyDeposited", "ThankYouEmailSent"]
    );
    assert_eq!(diff.only_right.first().map(|e| e.data["amount"].clone()), Some(json!(300)));
    let acc = diff.documents.iter().find(|d| d.key == "acc-1").unwrap();
    assert_eq!(
        (acc.before.as_ref().unwrap()["balance"].clone(), acc.after.as_ref().unwrap()["balance"].clone()),
        (json!(1000), json!(300))
    );
    let unnamed = match bank.run(RunRequest::Fork { name: None, at: Some(1) }) {
        RunAnswer::Status { status } => status.branch,
        other => panic!("{other:?}"),
    };
    assert_eq!(unnamed, "what-if@1");
    let back = match bank.run(RunRequest::Switch { branch: "main".into() }) {
        RunAnswer::Status { status } => status,
        other => panic!("{other:?}"),
    };
    assert_eq!((back.branch.as_str(), back.branches.len()), ("main", 3));
    assert_eq!(bank.balance(None, "acc-1"), json!(1000));
}

#[test]
fn given_a_run_when_paging_events_then_filters_and_totals_follow_and_each_event_has_its_chain() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));

    let all = bank.events(EventFilter::default(), 0, 2);
    let stream = bank.events(
        EventFilter { stream: Some("BankAccount-acc-1".into()), ..EventFilter::default() },
        0,
        10,
    );
    let typed = bank.events(
        EventFilter { event_type: Some("ThankYouEmailSent".into()), ..EventFilter::default() },
        0,
        10,
    );
    let cascade = bank.events(
        EventFilter { correlation_id: Some(all.events[0].correlation_id.clone()), ..EventFilter::default() },
        0,
        10,
    );
    let deposit =
        bank.events(EventFilter { correlation_id: Some("c3".into()), ..EventFilter::default() }, 1, 2);

    assert_eq!((all.total, all.events.len()), (6, 2));
    assert_eq!(
        stream.events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["AccountOpened", "MoneyDeposited"]
    );
    assert_eq!(typed.total, 2);
    assert_eq!(cascade.total, 1, "opening acc-1 appended one event");
    assert_eq!((deposit.total, deposit.offset, deposit.events.len()), (4, 1, 2));

    let bonus_email = typed.events.last().unwrap();
    let chain: Vec<String> = bonus_email
        .chain
        .iter()
        .map(|link| match link {
            ChainLink::Command { name, actor, .. } => format!("{} {name}", actor.as_deref().unwrap_or("?")),
            ChainLink::Event { name, .. } => name.clone(),
            ChainLink::Policy { name, .. } => name.clone(),
        })
        .collect();
    assert_eq!(
        chain,
        [
            "user DepositMoney",
            "MoneyDeposited",
            "CEO bonus",
            "policy:pol-ceo-bonus DepositMoney",
            "MoneyDeposited",
            "Send thank-you email",
            "policy:pol-thank-you-email SendThankYouEmail",
        ]
    );
    let ChainLink::Command { handled_by, .. } = &bonus_email.chain[0] else { panic!() };
    assert_eq!(handled_by.as_ref().map(|h| h.as_str()), Some("agg-bank-account"));

    let steps = match bank.run(RunRequest::Cascade { correlation_id: "c3".into() }) {
        RunAnswer::Cascade { steps } => steps,
        other => panic!("{other:?}"),
    };
    let issued: Vec<Option<&str>> = steps.iter().map(|s| s.issued_by.as_ref().map(|p| p.as_str())).collect();
    assert_eq!(
        issued,
        [None, Some("pol-thank-you-email"), Some("pol-ceo-bonus"), Some("pol-thank-you-email")]
    );
    assert_eq!(steps[2].caused_by_event, Some(3));
    assert_eq!(steps[1].handled_by.as_ref().map(|h| h.as_str()), Some("ext-email-service"));
}

#[test]
fn given_the_console_when_a_statement_would_write_then_it_is_refused_and_queries_answer_rows() {
    let mut bank = Bank::new();
    bank.open_accounts();

    let write =
        bank.try_run(RunRequest::Query { sql: "DELETE FROM documents".into(), limit: None }).unwrap_err();
    let attach = bank
        .try_run(RunRequest::Query { sql: "ATTACH DATABASE 'x.db' AS x".into(), limit: None })
        .unwrap_err();
    let rows = match bank
        .run(RunRequest::Query { sql: "SELECT position, event_type FROM events".into(), limit: Some(1) })
    {
        RunAnswer::Rows { rows } => rows,
        other => panic!("{other:?}"),
    };

    assert_eq!(write.kind(), ErrorKind::Refused);
    assert!(write.to_string().contains("DELETE FROM documents"), "{write}");
    assert_eq!(attach.kind(), ErrorKind::Refused);
    assert_eq!(
        (rows.columns.clone(), rows.rows.clone(), rows.truncated),
        (
            vec!["position".to_owned(), "event_type".to_owned()],
            vec![vec![json!(1), json!("AccountOpened")]],
            true
        )
    );
}

#[test]
fn given_a_processed_deposit_when_saving_it_as_a_scenario_then_the_board_gains_one_scenario_in_one_undo_step()
{
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.act("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));
    let before = bank.workspace.board().scenarios.len();
    let on_disk = std::fs::read_to_string(&bank.model).unwrap();

    let saved = bank
        .run(RunRequest::SaveScenario { name: "A deposit pays the bonus".into(), command_id: "c3".into() });
    let again = bank
        .try_run(RunRequest::SaveScenario {
            name: "A deposit pays the bonus".into(),
            command_id: "c3".into(),
        })
        .unwrap_err();

    assert_eq!(saved, RunAnswer::ScenarioSaved { name: "A deposit pays the bonus".into() });
    let board = bank.workspace.board().clone();
    assert_eq!(board.scenarios.len(), before + 1);
    let scenario = board.scenarios.last().unwrap();
    assert_eq!(scenario.given.len(), 2);
    assert_eq!(scenario.when.name, "DepositMoney");
    assert!(bank.workspace.is_dirty());
    assert_eq!(std::fs::read_to_string(&bank.model).unwrap(), on_disk, "the file waits for a save");
    assert!(
        again.to_string().contains("already has a scenario named \"A deposit pays the bonus\""),
        "{again}"
    );
    let results = match bank.run(RunRequest::RunScenarios { name: Some("A deposit pays the bonus".into()) }) {
        RunAnswer::Scenarios { results } => results,
        other => panic!("{other:?}"),
    };
    assert!(results[0].passed, "{:?}", results[0].failure);
    bank.workspace.handle(Request::Undo).unwrap();
    assert_eq!(bank.workspace.board().scenarios.len(), before);
    assert!(!bank.workspace.is_dirty());
}

#[test]
fn given_a_run_when_starting_a_new_run_then_the_old_file_is_kept_aside_and_the_new_run_is_empty() {
    let mut bank = Bank::new();
    bank.open_accounts();

    let status = match bank.run(RunRequest::NewRun) {
        RunAnswer::Status { status } => status,
        other => panic!("{other:?}"),
    };

    assert_eq!((status.head, status.commands), (0, 0));
    assert!(bank.store_dir().join("bank_account.1.sqlite").is_file());
    assert!(bank.store_dir().join("bank_account.sqlite").is_file());
    let old = squall_store::Store::open_read_only(bank.store_dir().join("bank_account.1.sqlite")).unwrap();
    assert_eq!(old.head("main").unwrap(), 2);
}

#[test]
fn given_a_run_when_the_workspace_is_reopened_then_it_continues_with_its_events_and_clock() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.submit("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 5}));
    let before = bank.status();

    let mut bank = bank.reopen();
    let after = bank.status();

    assert_eq!((after.head, after.pending, after.commands), (2, 1, 2));
    assert_eq!(after.now, before.now);
    assert_eq!(after.queue[0].name, "DepositMoney");
    let traces = match bank.run(RunRequest::Step) {
        RunAnswer::Stepped { traces, .. } => traces,
        other => panic!("{other:?}"),
    };
    assert_eq!(traces[0].command.id, "c3", "ids go on from the reopened run");
    assert!(traces[0].at.as_str() > before.now.as_str());
}

#[test]
fn given_a_script_with_a_syntax_error_then_status_names_it_and_steps_are_refused_while_the_log_stays_readable()
 {
    let mut bank = Bank::new();
    bank.open_accounts();
    let script = bank.dir.path().join("scripts/bank_account/ceo_bonus.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    std::fs::write(&script, text.replace("fn initial() {", "fn initial() {\n    let = ;")).unwrap();

    let mut bank = bank.reopen();
    let status = bank.status();
    let refused = bank.try_run(RunRequest::Step).unwrap_err();
    let page = bank.events(EventFilter::default(), 0, 10);

    let problem = status.problem.unwrap();
    assert!(problem.contains("ceo_bonus.rhai:11:"), "{problem}");
    assert!(refused.to_string().contains("ceo_bonus.rhai:11:"), "{refused}");
    assert_eq!(page.total, 2);
    std::fs::write(&script, text).unwrap();
    assert_eq!(bank.status().problem, None, "fixed on disk, it runs again");
}

#[test]
fn given_an_open_run_when_a_script_breaks_on_disk_then_the_disk_changes_include_the_runs_problem() {
    let mut bank = Bank::new();
    bank.open_accounts();
    let script = bank.dir.path().join("scripts/bank_account/email_service.rhai");
    let text = std::fs::read_to_string(&script).unwrap();

    std::fs::write(&script, format!("{text}\nfn broken( {{\n")).unwrap();
    let broken = bank.workspace.disk_changes();
    let unchanged = bank.workspace.disk_changes();
    std::fs::write(&script, &text).unwrap();
    let fixed = bank.workspace.disk_changes();

    let problem = |pushes: &[Push]| -> Option<Option<String>> {
        pushes.iter().find_map(|push| match push {
            Push::Run { status, .. } => Some(status.problem.clone()),
            _ => None,
        })
    };
    let shown = problem(&broken).flatten().unwrap();
    assert!(shown.contains("email_service.rhai:"), "{shown}");
    assert_eq!(problem(&unchanged), None, "nothing new to tell");
    assert_eq!(problem(&fixed), Some(None));
}

#[test]
fn given_run_requests_then_those_that_move_the_run_leave_one_push_each_with_their_traces() {
    let mut bank = Bank::new();
    bank.open_accounts();
    bank.workspace.take_pushes();

    bank.submit("cmd-deposit-money", json!({"account_id": "acc-1", "amount": 1000}));
    bank.run(RunRequest::RunUntilQuiet { max_steps: None });
    bank.status();
    bank.events(EventFilter::default(), 0, 1);
    let pushes = bank.workspace.take_pushes();

    assert_eq!(pushes.len(), 2, "submit and run_until_quiet; looking pushes nothing");
    let Push::Run { status, traces } = &pushes[1] else { panic!("{:?}", pushes[1]) };
    assert_eq!((traces.len(), status.head), (4, 6));
}

#[test]
fn given_a_command_form_then_ids_seen_in_the_run_and_the_scripts_constants_are_suggested() {
    let mut bank = Bank::new();
    bank.act("cmd-open-account", json!({"account_id": "acc-1", "owner": "Alice"}));

    let fields = match bank.run(RunRequest::Suggestions { command: "cmd-deposit-money".into() }) {
        RunAnswer::Suggestions { fields } => fields,
        other => panic!("{other:?}"),
    };

    assert_eq!(fields.len(), 1, "only account_id is an id");
    let values: Vec<(String, String)> =
        fields[0].values.iter().map(|s| (s.value.to_string(), s.source.clone())).collect();
    assert_eq!(
        values,
        [
            ("\"acc-1\"".to_owned(), "seen in the run".to_owned()),
            ("\"ceo-bonus\"".to_owned(), "CEO bonus: BONUS_ACCOUNT".to_owned())
        ]
    );
    let constant = bank.status().constants.into_iter().find(|c| c.name == "BONUS_ACCOUNT").unwrap();
    assert_eq!((constant.sticky.as_str(), constant.value), ("pol-ceo-bonus", json!("ceo-bonus")));
}

#[test]
fn given_a_board_without_a_file_then_it_runs_in_memory() {
    let mut workspace = Workspace::new("scratch", Options::default());

    let answer = workspace.handle(Request::Run { request: RunRequest::Status }).unwrap();

    let Response::Run { answer: RunAnswer::Status { status } } = answer else { panic!("{answer:?}") };
    assert_eq!((status.store, status.head, status.branch.as_str()), (None, 0, "main"));
}
