//! The workspace around the edits: files, requests as JSON, the grammar,
//! search, changes on disk and autosave.

mod support;

use squall_api::{Error, ErrorKind, Move, Op, Options, Request, Response, Workspace};
use squall_model::grammar::{RULES, Verdict};
use squall_model::lint::Code;
use squall_model::{Kind, Point};
use support::{BANK_ACCOUNT, bank_account, id};

fn move_owner(x: f64) -> Op {
    Op::MoveElements { moves: vec![Move { id: id("actor-owner"), position: Point { x, y: 0.0 } }] }
}

// ---- saving ----

#[test]
fn given_an_unchanged_board_when_saved_then_the_file_is_byte_identical_to_the_example() {
    let mut f = bank_account();

    let state = f.request(Request::Save).unwrap();

    assert_eq!(f.on_disk(), std::fs::read_to_string(BANK_ACCOUNT).unwrap());
    assert!(!state.dirty);
}

#[test]
fn given_edits_when_saved_then_the_file_is_the_canonical_text_and_loads_back_equal() {
    let mut f = bank_account();
    f.edit(Op::AddElement {
        kind: Kind::Hotspot,
        name: "Interest?".into(),
        position: Point { x: 12.3, y: 45.6 },
        group: Some(id("ctx-banking")),
        patch: None,
    })
    .unwrap();
    f.edit(move_owner(77.7)).unwrap();
    f.edit(Op::Connect { from: id("evt-owner-changed"), to: id("pol-thank-you-email"), label: None })
        .unwrap();

    let state = f.request(Request::Save).unwrap();

    let written = f.on_disk();
    assert_eq!(written, squall_model::to_ron(f.workspace.board()).unwrap());
    assert_eq!(&squall_model::load(&f.path).unwrap(), f.workspace.board());
    // What `squall fmt` would write: the canonical form of the file itself.
    assert_eq!(squall_model::to_ron(&squall_model::parse(&written, "saved").unwrap()).unwrap(), written);
    assert!(!state.dirty && state.can_undo);
    assert!(!f.workspace.file_changed());
}

#[test]
fn given_a_saved_board_when_an_edit_is_undone_and_redone_then_dirty_follows_the_saved_revision() {
    let mut f = bank_account();
    f.edit(move_owner(10.0)).unwrap();
    f.request(Request::Save).unwrap();

    assert!(f.undo().dirty, "undoing past the save makes the board differ from the file");
    assert!(!f.redo().dirty, "redoing returns to the saved state");
}

#[test]
fn given_a_new_board_when_saved_then_it_needs_save_as_and_save_as_makes_the_file_its_own() {
    let mut f = bank_account();
    f.request(Request::New { name: "Shop".into(), discard: false }).unwrap();

    let err = f.workspace.handle(Request::Save).unwrap_err();
    assert_eq!(err.to_string(), "the board has no file yet; save it with save_as");

    let target = f.file("shop.ron");
    let state = f.request(Request::SaveAs { path: target.display().to_string() }).unwrap();
    assert_eq!(state.path.as_deref(), Some(target.display().to_string().as_str()));
    assert_eq!(squall_model::load(&target).unwrap().name, "Shop");
    assert!(!state.dirty);
}

#[test]
fn given_a_save_into_a_missing_folder_then_it_fails_naming_the_path_and_the_board_stays_dirty() {
    let mut f = bank_account();
    f.edit(move_owner(1.0)).unwrap();

    let err = f.workspace.handle(Request::SaveAs { path: "/nonexistent/folder/b.ron".into() }).unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().starts_with("/nonexistent/folder/b.ron: cannot save"), "{err}");
    assert!(f.workspace.is_dirty());
    assert_eq!(f.workspace.path(), Some(f.path.as_path()));
}

// ---- requests as JSON ----

#[test]
fn given_malformed_requests_then_each_is_a_bad_request_naming_the_problem_and_nothing_changes() {
    let mut f = bank_account();
    f.edit(move_owner(5.0)).unwrap();
    let before = f.workspace.state();
    let cases = [
        ("not json", "expected"),
        (r#"{"type": "explode"}"#, "unknown variant `explode`"),
        (r#"{"path": "x.ron"}"#, "missing field `type`"),
        (r#"{"type": "open"}"#, "missing field `path`"),
        (r#"{"type": "save_as", "path": "x.ron", "force": true}"#, "unknown field `force`"),
        (r#"{"type": "edit", "op": {"type": "connect", "from": "a"}}"#, "missing field `to`"),
        (
            r#"{"type": "edit", "op": {"type": "add_element", "kind": "Sticky", "name": "x", "position": {"x": 0, "y": 0}}}"#,
            "unknown variant `Sticky`",
        ),
        (
            r#"{"type": "edit", "op": {"type": "move_elements", "moves": [{"id": "actor-owner", "position": {"x": "left", "y": 0}}]}}"#,
            "invalid type",
        ),
        (
            r#"{"type": "edit", "op": {"type": "update_element", "id": "actor-owner", "patch": {"nmae": "x"}}}"#,
            "unknown field `nmae`",
        ),
    ];
    for (json, says) in cases {
        let err = f.workspace.handle_json(json).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadRequest, "{json}");
        assert!(err.to_string().starts_with("bad request: "), "{err}");
        assert!(err.to_string().contains(says), "{json}: `{err}` should say `{says}`");
    }
    assert_eq!(f.workspace.state(), before);
}

#[test]
fn given_requests_as_json_then_they_are_carried_out_and_answer_in_snake_case() {
    let mut f = bank_account();

    let response = f
        .workspace
        .handle_json(r#"{"type": "edit", "op": {"type": "rename_board", "name": "Savings"}}"#)
        .unwrap();
    let json = serde_json::to_value(&response).unwrap();

    assert_eq!(json["type"], "edited");
    assert_eq!(json["state"]["board"]["name"], "Savings");
    assert_eq!(json["state"]["dirty"], true);
    assert_eq!(json["state"]["can_undo"], true);
    assert!(json["state"]["lint"]["diagnostics"].is_array());
    assert_eq!(json["created"], serde_json::json!([]));
}

#[test]
fn given_a_request_then_it_survives_a_json_round_trip() {
    let request = Request::Edit {
        op: Box::new(Op::Connect { from: id("a"), to: id("b"), label: Some("on success".into()) }),
    };
    let json = serde_json::to_string(&request).unwrap();
    assert_eq!(json, r#"{"type":"edit","op":{"type":"connect","from":"a","to":"b","label":"on success"}}"#);
    assert_eq!(Request::from_json(&json).unwrap(), request);
}

// ---- open, new, reload ----

#[test]
fn given_unsaved_changes_when_another_board_is_opened_then_it_is_refused_unless_discarded() {
    let mut f = bank_account();
    f.edit(move_owner(3.0)).unwrap();
    let other = f.file("other.ron");
    std::fs::copy(BANK_ACCOUNT, &other).unwrap();

    let err =
        f.workspace.handle(Request::Open { path: other.display().to_string(), discard: false }).unwrap_err();
    assert!(matches!(err, Error::Unsaved));
    assert_eq!(err.kind(), ErrorKind::Conflict);

    let state = f.request(Request::Open { path: other.display().to_string(), discard: true }).unwrap();
    assert_eq!(state.path.as_deref(), Some(other.display().to_string().as_str()));
    assert!(!state.dirty && !state.can_undo);
    assert_eq!(state.board.elements.len(), 17);
}

#[test]
fn given_a_broken_file_when_opened_then_the_load_error_says_where_and_the_open_board_stays() {
    let mut f = bank_account();
    let broken = f.file("broken.ron");
    std::fs::write(&broken, "(format_version: 1, name: \"b\", elements: [(id: 1)])").unwrap();

    let err =
        f.workspace.handle(Request::Open { path: broken.display().to_string(), discard: false }).unwrap_err();

    assert!(err.to_string().starts_with(&format!("{}:1:", broken.display())), "{err}");
    assert_eq!(f.workspace.path(), Some(f.path.as_path()));
}

#[test]
fn given_a_file_changed_on_disk_then_the_workspace_notices_and_reload_reads_it() {
    let mut f = bank_account();
    assert!(!f.workspace.file_changed());
    let mut board = f.board();
    board.name = "Changed elsewhere".into();
    squall_model::save(&f.path, &board).unwrap();

    assert!(f.workspace.file_changed());
    assert_eq!(f.workspace.handle(Request::CheckFile).unwrap(), Response::FileStatus { changed: true });

    f.edit(move_owner(9.0)).unwrap();
    assert!(matches!(f.workspace.handle(Request::Reload { discard: false }), Err(Error::Unsaved)));
    let state = f.request(Request::Reload { discard: true }).unwrap();
    assert_eq!(state.board.name, "Changed elsewhere");
    assert!(!state.dirty && !state.can_undo);
    assert!(!f.workspace.file_changed());

    std::fs::remove_file(&f.path).unwrap();
    assert!(f.workspace.file_changed(), "a deleted file differs");
}

// ---- grammar, judging, search, lint ----

#[test]
fn given_the_grammar_request_then_it_lists_every_rule_kind_and_lint_code() {
    let mut f = bank_account();
    let Response::Grammar { grammar } = f.workspace.handle(Request::Grammar).unwrap() else {
        panic!("not a grammar");
    };
    assert_eq!(grammar.rules, RULES.to_vec());
    assert_eq!(grammar.kinds.iter().map(|k| k.kind).collect::<Vec<_>>(), Kind::ALL.to_vec());
    assert_eq!(grammar.codes.len(), Code::ALL.len());
    assert!(grammar.field_types.contains(&"decimal".to_owned()));
}

#[test]
fn given_two_kinds_when_judged_then_the_verdict_is_the_grammar_s() {
    let mut f = bank_account();
    let judge = |f: &mut support::Fixture, from_kind, to_kind| match f
        .workspace
        .handle(Request::JudgeConnection { from_kind, to_kind })
        .unwrap()
    {
        Response::Verdict { verdict } => verdict,
        other => panic!("{other:?}"),
    };

    assert!(matches!(judge(&mut f, Kind::Event, Kind::Policy), Verdict::Flow { .. }));
    assert_eq!(
        judge(&mut f, Kind::Event, Kind::Command),
        Verdict::Forbidden {
            reason: "an event cannot trigger a command directly; put a policy between them".into()
        }
    );
}

#[test]
fn given_a_query_then_search_finds_elements_by_name_or_tag_in_any_case() {
    let mut f = bank_account();
    f.edit(Op::UpdateElement {
        id: id("pol-ceo-bonus"),
        patch: squall_api::ElementPatch { tags: Some(vec!["Money-flow".into()]), ..Default::default() },
    })
    .unwrap();

    let Response::SearchResults { hits } =
        f.workspace.handle(Request::Search { query: "MONEY".into() }).unwrap()
    else {
        panic!("not search results");
    };
    let found: Vec<(&str, bool)> = hits.iter().map(|h| (h.id.as_str(), h.in_name)).collect();
    assert_eq!(
        found,
        vec![
            ("cmd-deposit-money", true),
            ("evt-money-deposited", true),
            ("evt-money-withdrawn", true),
            ("cmd-withdraw-money", true),
            ("pol-ceo-bonus", false),
        ]
    );
    assert_eq!(hits[4].tags, vec!["Money-flow"]);
    let Response::SearchResults { hits } =
        f.workspace.handle(Request::Search { query: "  ".into() }).unwrap()
    else {
        panic!("not search results");
    };
    assert!(hits.is_empty());
}

#[test]
fn given_a_model_whose_scripts_are_missing_then_the_lint_resolves_scripts_against_its_folder() {
    let copied = bank_account();
    let in_place = Workspace::open(std::path::Path::new(BANK_ACCOUNT), Options::default()).unwrap();

    let missing =
        |w: &Workspace| w.lint().diagnostics.iter().filter(|d| d.code == Code::MissingScript).count();
    assert_eq!(missing(&in_place), 0);
    assert_eq!(missing(&copied.workspace), 5, "the copy has no scripts folder next to it");
}

// ---- recovery ----

#[test]
fn given_unsaved_edits_when_recovery_is_written_then_the_next_session_is_offered_it_and_can_take_it() {
    let mut f = bank_account();
    f.edit(Op::RenameBoard { name: "Unsaved work".into() }).unwrap();

    let Response::Recovery { written: Some(written) } = f.workspace.handle(Request::WriteRecovery).unwrap()
    else {
        panic!("nothing written");
    };
    assert_eq!(written, f.file(".bank_account.ron.recovery.ron").display().to_string());
    let edited = f.board();

    // The session ends without saving; the next one opens the model.
    let mut next = Workspace::open(&f.path, Options::default()).unwrap();
    let offer = next.state().recovery.expect("a recovery offer");
    assert_eq!((offer.path.as_str(), offer.elements), (written.as_str(), 17));
    assert_eq!(next.board().name, "Bank account");

    let Response::State { state } = next.handle(Request::TakeRecovery).unwrap() else { panic!() };
    assert_eq!(state.board, edited);
    assert!(state.dirty && state.recovery.is_none());

    // Taking it is one undo step back to the file's board.
    let Response::State { state } = next.handle(Request::Undo).unwrap() else { panic!() };
    assert_eq!(state.board.name, "Bank account");
    assert!(!state.dirty);

    next.handle(Request::Redo).unwrap();
    next.handle(Request::Save).unwrap();
    assert!(!std::path::Path::new(&written).exists(), "saving removes the recovery file");
}

#[test]
fn given_a_recovery_offer_when_discarded_then_the_file_is_gone_and_taking_it_is_refused() {
    let mut f = bank_account();
    f.edit(Op::RenameBoard { name: "Unsaved work".into() }).unwrap();
    f.workspace.write_recovery().unwrap();
    let mut next = Workspace::open(&f.path, Options::default()).unwrap();

    let Response::State { state } = next.handle(Request::DiscardRecovery).unwrap() else { panic!() };

    assert!(state.recovery.is_none());
    assert!(!f.file(".bank_account.ron.recovery.ron").exists());
    let err = next.handle(Request::TakeRecovery).unwrap_err();
    assert_eq!(err.to_string(), "there is no recovery file to take");
}

#[test]
fn given_a_clean_board_when_recovery_is_requested_then_nothing_is_written() {
    let mut f = bank_account();
    assert_eq!(f.workspace.handle(Request::WriteRecovery).unwrap(), Response::Recovery { written: None });
    assert!(!f.file(".bank_account.ron.recovery.ron").exists());
}

#[test]
fn given_a_recovery_file_older_than_the_model_then_it_is_not_offered() {
    let mut f = bank_account();
    f.edit(Op::RenameBoard { name: "Unsaved work".into() }).unwrap();
    f.workspace.write_recovery().unwrap();
    // Saved later by another program: the file is newer than the recovery.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut board = squall_model::load(&f.path).unwrap();
    board.description = None;
    squall_model::save(&f.path, &board).unwrap();

    let next = Workspace::open(&f.path, Options::default()).unwrap();
    assert!(next.state().recovery.is_none());
}

#[test]
fn given_a_new_board_and_a_recovery_folder_when_recovery_is_written_then_it_goes_there() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { recovery_dir: Some(dir.path().to_owned()), ..Options::default() };
    let mut workspace = Workspace::new("Sketch", options.clone());
    workspace.handle(Request::Edit { op: Box::new(Op::RenameBoard { name: "Sketch 2".into() }) }).unwrap();

    let written = workspace.write_recovery().unwrap().unwrap();

    assert_eq!(written, dir.path().join("untitled.recovery.ron"));
    let next = Workspace::new("Sketch", options);
    assert_eq!(next.state().recovery.unwrap().path, written.display().to_string());
}
