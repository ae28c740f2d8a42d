//! Looking back without moving: states and documents as of a position, a
//! command submitted by its sticky, and a board that cannot run keeping its store.

mod common;

use common::{open, run, workspace};
use serde_json::json;
use squall_sim::{Options, Session, SimError, Source};
use squall_store::Store;

/// acc-1 opened (1), 100 deposited (2, 3 the email), then 50 withdrawn (4).
fn history() -> Session {
    let mut session = open("bank_account.ron");
    run(&mut session, "OpenAccount", json!({"account_id": "acc-1", "owner": "Alice"}));
    run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 100}));
    run(&mut session, "WithdrawMoney", json!({"account_id": "acc-1", "amount": 50}));
    session
}

#[test]
fn given_a_history_when_asking_for_a_state_as_of_a_position_then_later_events_are_left_out() {
    let session = history();

    let now = session.state_at("agg-bank-account", "acc-1", None).unwrap();
    let then = session.state_at("agg-bank-account", "acc-1", Some(3)).unwrap();

    assert_eq!((now.version, now.last_event, now.state["balance"].clone()), (3, Some(4), json!(50)));
    assert_eq!(now.before.unwrap()["balance"], json!(100));
    assert_eq!((then.version, then.last_event, then.state["balance"].clone()), (2, Some(2), json!(100)));
    assert_eq!(then.before.unwrap()["balance"], json!(0));
    assert_eq!(then.stream_id, "BankAccount-acc-1");
}

#[test]
fn given_a_history_when_asking_for_documents_as_of_a_position_then_they_are_replayed_up_to_it() {
    let session = history();

    let at_deposit = session.documents_at("rm-account-overview", 2).unwrap();
    let at_email = session.documents_at("rm-account-overview", 3).unwrap();

    assert_eq!(at_deposit.documents["acc-1"]["balance"], json!(100));
    let (key, before) = at_deposit.changed.unwrap();
    assert_eq!((key.as_str(), before.unwrap()["balance"].clone()), ("acc-1", json!(0)));
    assert_eq!(at_email.changed, None, "the email touches no overview");
    assert_eq!(session.document("AccountOverview", "acc-1").unwrap().unwrap()["balance"], json!(50));
}

#[test]
fn given_positions_past_the_head_or_unknown_stickies_then_the_error_says_which() {
    let session = history();

    let beyond = session.documents_at("rm-account-overview", 99).unwrap_err().to_string();
    let unknown = session.state_at("rm-account-overview", "acc-1", None).unwrap_err().to_string();

    assert_eq!(beyond, "position 99 is past the head of branch main, 4");
    assert!(unknown.starts_with("no aggregate sticky has the id `rm-account-overview`"), "{unknown}");
    assert!(unknown.contains("BankAccount (agg-bank-account)"), "{unknown}");
}

#[test]
fn given_a_command_sticky_id_when_submitting_then_it_is_queued_by_its_name() {
    let mut session = open("bank_account.ron");

    let id =
        session.submit_sticky("cmd-open-account", json!({"account_id": "a", "owner": "A"}), Source::User);
    let wrong = session.submit_sticky("evt-account-opened", json!({}), Source::User).unwrap_err();

    assert_eq!(id.unwrap(), "c1");
    assert!(wrong.to_string().starts_with("no command sticky has the id `evt-account-opened`"), "{wrong}");
    assert_eq!(session.pending().unwrap(), 1);
}

#[test]
fn given_a_board_whose_script_does_not_compile_when_opening_then_the_store_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("scripts");
    std::fs::create_dir(&scripts).unwrap();
    for entry in std::fs::read_dir(workspace().join("scripts/bank_account")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, scripts.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(scripts.join("ceo_bonus.rhai"), "fn on_MoneyDeposited(event) {\n  let x = ;\n}\n")
        .unwrap();
    let mut board = squall_model::load(&workspace().join("models/bank_account.ron")).unwrap();
    for element in &mut board.elements {
        if let Some(script) = &mut element.script {
            *script = script.replace("../scripts/bank_account/", "scripts/");
        }
    }
    let mut store = Store::open_in_memory().unwrap();
    store.create_branch("kept", squall_store::MAIN, 0, "t").unwrap();

    let (error, store) = *Session::open_or_return(board, dir.path(), store, Options::default()).unwrap_err();

    assert!(matches!(error, SimError::Script(_)), "{error}");
    assert!(error.to_string().contains("ceo_bonus.rhai:2:"), "{error}");
    assert_eq!(store.branches().unwrap().len(), 2, "the same store, not a new one");
}
