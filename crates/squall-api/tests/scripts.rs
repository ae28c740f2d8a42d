//! Starting scripts: a sticky that needs a script gets one from the app,
//! so a board drawn from scratch can be lint-clean and simulated.

mod support;

use squall_api::{ErrorKind, Op, Request, Response, State, Workspace};
use squall_model::lint::Code;
use squall_model::{Kind, Point};
use support::{Fixture, bank_account, id};

fn create_script(f: &mut Fixture, element: &str) -> Result<State, squall_api::Error> {
    match f.workspace.handle(Request::CreateScript { id: id(element) })? {
        Response::Edited { state, .. } => Ok(state),
        other => panic!("create_script answered {other:?}"),
    }
}

fn script_of(state: &State, element: &str) -> Option<String> {
    state.board.elements.iter().find(|e| e.id.as_str() == element)?.script.clone()
}

fn missing_scripts(state: &State) -> Vec<String> {
    state
        .lint
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingScript)
        .map(|d| d.elements[0].to_string())
        .collect()
}

/// The bank account without its scripts, as a board drawn in the app would be.
// A fixture: failing loudly is what a test wants.
#[allow(clippy::unwrap_used)]
fn without_scripts() -> Fixture {
    let mut f = bank_account();
    for element in [
        "agg-bank-account",
        "pol-ceo-bonus",
        "pol-thank-you-email",
        "rm-account-overview",
        "ext-email-service",
    ] {
        let patch = squall_api::ElementPatch { script: Some(String::new()), ..Default::default() };
        f.edit(Op::UpdateElement { id: id(element), patch }).unwrap();
    }
    f.request(Request::Save).unwrap();
    f
}

#[test]
fn given_an_aggregate_without_a_script_when_one_is_created_then_it_is_written_named_and_the_lint_is_satisfied()
 {
    let mut f = without_scripts();
    assert!(missing_scripts(&f.workspace.state()).contains(&"agg-bank-account".to_owned()));

    let state = create_script(&mut f, "agg-bank-account").unwrap();

    // The model sits in a plain folder: its scripts go to scripts/<model>/ beside it.
    assert_eq!(
        script_of(&state, "agg-bank-account").as_deref(),
        Some("scripts/bank_account/bank_account.rhai")
    );
    let text = std::fs::read_to_string(f.file("scripts/bank_account/bank_account.rhai")).unwrap();
    for function in [
        "fn initial()",
        "fn handle_OpenAccount(state, command)",
        "fn handle_DepositMoney(state, command)",
        "fn handle_WithdrawMoney(state, command)",
        "fn handle_ChangeOwner(state, command)",
        "fn apply_AccountOpened(state, event)",
        "fn apply_MoneyDeposited(state, event)",
        "fn apply_OwnerChanged(state, event)",
    ] {
        assert!(text.contains(function), "{function} missing from:\n{text}");
    }
    // The event the command names, filled from the command where the fields agree.
    let handler = text.split("fn handle_DepositMoney").nth(1).unwrap().split("\n}").next().unwrap();
    assert!(
        handler.contains(
            r#"[event("MoneyDeposited", #{ account_id: command.account_id, amount: command.amount })]"#
        ),
        "{text}"
    );
    assert!(handler.contains("// It may also send AccountOpened, MoneyWithdrawn, OwnerChanged."), "{text}");
    assert!(!missing_scripts(&state).contains(&"agg-bank-account".to_owned()));
    assert!(state.dirty && state.can_undo);
}

#[test]
fn given_every_sticky_without_a_script_when_each_gets_one_then_no_script_is_missing() {
    let mut f = without_scripts();
    for element in [
        "agg-bank-account",
        "pol-ceo-bonus",
        "pol-thank-you-email",
        "rm-account-overview",
        "ext-email-service",
    ] {
        create_script(&mut f, element).unwrap();
    }
    let state = f.workspace.state();

    assert_eq!(missing_scripts(&state), Vec::<String>::new());
    let policy = std::fs::read_to_string(f.file("scripts/bank_account/send_thank_you_email.rhai")).unwrap();
    assert!(policy.contains("fn on_MoneyDeposited(event)"), "{policy}");
    assert!(
        policy.contains(
            r#"[command("SendThankYouEmail", #{ account_id: event.account_id, amount: event.amount })]"#
        ),
        "{policy}"
    );
    let overview = std::fs::read_to_string(f.file("scripts/bank_account/account_overview.rhai")).unwrap();
    assert!(
        overview.contains("fn project_OwnerChanged(doc, event)")
            && overview.contains("one document per account_id"),
        "{overview}"
    );
    let mailer = std::fs::read_to_string(f.file("scripts/bank_account/email_service.rhai")).unwrap();
    assert!(
        mailer.contains("fn on_SendThankYouEmail(command)") && mailer.contains("ThankYouEmailSent"),
        "{mailer}"
    );
}

#[test]
fn given_a_model_in_a_models_folder_then_its_scripts_go_to_the_project_s_scripts_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    let model = dir.path().join("models").join("shop.ron");
    let mut workspace = Workspace::new("Shop", squall_api::Options::default());
    workspace.handle(Request::SaveAs { path: model.display().to_string() }).unwrap();
    let created = match workspace
        .handle(Request::Edit {
            op: Box::new(Op::AddElement {
                kind: Kind::Policy,
                name: "Ship paid orders".into(),
                position: Point { x: 0.0, y: 0.0 },
                group: None,
                patch: None,
            }),
        })
        .unwrap()
    {
        Response::Edited { created, .. } => created,
        other => panic!("{other:?}"),
    };

    workspace.handle(Request::CreateScript { id: created[0].clone() }).unwrap();

    let element = &workspace.board().elements[0];
    assert_eq!(element.script.as_deref(), Some("../scripts/shop/ship_paid_orders.rhai"));
    assert!(dir.path().join("scripts/shop/ship_paid_orders.rhai").is_file());
    assert!(workspace.lint().diagnostics.iter().all(|d| d.code != Code::MissingScript));
}

#[test]
fn given_a_script_file_already_there_then_it_is_kept_as_it_is() {
    let mut f = without_scripts();
    std::fs::create_dir_all(f.file("scripts/bank_account")).unwrap();
    std::fs::write(f.file("scripts/bank_account/bank_account.rhai"), "// mine\n").unwrap();

    let state = create_script(&mut f, "agg-bank-account").unwrap();

    assert_eq!(
        script_of(&state, "agg-bank-account").as_deref(),
        Some("scripts/bank_account/bank_account.rhai")
    );
    assert_eq!(
        std::fs::read_to_string(f.file("scripts/bank_account/bank_account.rhai")).unwrap(),
        "// mine\n"
    );
}

#[test]
fn given_two_stickies_of_one_name_then_each_gets_a_file_of_its_own() {
    let mut f = without_scripts();
    let patch = squall_api::ElementPatch { name: Some("Bank account".into()), ..Default::default() };
    f.edit(Op::UpdateElement { id: id("rm-account-overview"), patch }).unwrap();

    create_script(&mut f, "agg-bank-account").unwrap();
    let state = create_script(&mut f, "rm-account-overview").unwrap();

    assert_eq!(
        script_of(&state, "rm-account-overview").as_deref(),
        Some("scripts/bank_account/bank_account_2.rhai")
    );
    assert!(f.file("scripts/bank_account/bank_account_2.rhai").is_file());
}

#[test]
fn given_a_created_script_when_undone_then_the_sticky_has_none_again_and_the_file_stays() {
    let mut f = without_scripts();
    create_script(&mut f, "agg-bank-account").unwrap();

    let state = f.undo();

    assert_eq!(script_of(&state, "agg-bank-account"), None);
    assert!(f.file("scripts/bank_account/bank_account.rhai").is_file());
    // Asking again takes the file that is there.
    let state = create_script(&mut f, "agg-bank-account").unwrap();
    assert_eq!(
        script_of(&state, "agg-bank-account").as_deref(),
        Some("scripts/bank_account/bank_account.rhai")
    );
}

#[test]
fn given_a_sticky_that_takes_no_script_or_has_one_then_creating_one_is_refused_and_nothing_changes() {
    let mut f = bank_account();
    std::fs::create_dir_all(f.file("scripts")).unwrap();
    let revision = f.workspace.revision();

    let command = create_script(&mut f, "cmd-open-account").unwrap_err();
    assert_eq!(command.kind(), ErrorKind::Refused);
    assert!(
        command.to_string().contains("command `OpenAccount` (cmd-open-account) has no script"),
        "{command}"
    );

    let unknown = create_script(&mut f, "agg-nowhere").unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);

    let patch = squall_api::ElementPatch { script: Some("scripts/mine.rhai".into()), ..Default::default() };
    f.edit(Op::UpdateElement { id: id("agg-bank-account"), patch }).unwrap();
    std::fs::write(f.file("scripts/mine.rhai"), "// mine\n").unwrap();
    let revision_with_script = f.workspace.revision();
    let has_one = create_script(&mut f, "agg-bank-account").unwrap_err();
    assert!(has_one.to_string().contains("already has its script `scripts/mine.rhai`"), "{has_one}");
    assert_eq!(f.workspace.revision(), revision_with_script);
    assert_ne!(revision, revision_with_script);
}

#[test]
fn given_a_board_without_a_file_then_creating_a_script_asks_for_a_save_first() {
    let mut workspace = Workspace::new("Scratch", squall_api::Options::default());
    let created = match workspace
        .handle(Request::Edit {
            op: Box::new(Op::AddElement {
                kind: Kind::Aggregate,
                name: "Cart".into(),
                position: Point { x: 0.0, y: 0.0 },
                group: None,
                patch: None,
            }),
        })
        .unwrap()
    {
        Response::Edited { created, .. } => created,
        other => panic!("{other:?}"),
    };

    let err = workspace.handle(Request::CreateScript { id: created[0].clone() }).unwrap_err();

    assert_eq!(err.to_string(), "the board has no file yet; save it with save_as");
}
