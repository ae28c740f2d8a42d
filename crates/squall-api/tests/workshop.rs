//! Many people on one board (issue 13): each undoes their own edits, an
// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! edit someone built upon is not undone under them, viewers only watch,
//! and a locked board waits for the facilitator.

mod support;

use squall_api::{ElementPatch, Move, Op, Request, Response, Role, RunRequest, State, Who};
use squall_model::{Kind, Point};
use support::{bank_account, id};

fn who(id: &str, role: Role) -> Who {
    Who { id: id.to_owned(), role }
}

fn ann() -> Who {
    who("p1", Role::Facilitator)
}

fn bob() -> Who {
    who("p2", Role::Participant)
}

fn send(f: &mut support::Fixture, by: &Who, request: Request) -> Result<State, squall_api::Error> {
    match f.workspace.handle_as(by, request)? {
        Response::Edited { state, .. } | Response::State { state } => Ok(state),
        other => panic!("unexpected answer {other:?}"),
    }
}

fn add(f: &mut support::Fixture, by: &Who, name: &str, x: f64) -> String {
    let op = Op::AddElement {
        kind: Kind::Event,
        name: name.into(),
        position: Point { x, y: 900.0 },
        group: None,
        patch: None,
    };
    match f.workspace.handle_as(by, Request::Edit { op: Box::new(op) }).unwrap() {
        Response::Edited { created, .. } => created[0].to_string(),
        other => panic!("{other:?}"),
    }
}

fn names(state: &State) -> Vec<&str> {
    let mut names: Vec<&str> =
        state.board.elements.iter().map(|e| e.name.as_str()).filter(|n| n.starts_with("Zz")).collect();
    names.sort_unstable();
    names
}

#[test]
fn given_two_people_editing_when_each_undoes_then_only_their_own_edit_goes() {
    let mut f = bank_account();
    add(&mut f, &ann(), "ZzAnnAdded", 100.0);
    add(&mut f, &bob(), "ZzBobAdded", 300.0);

    // Ann's undo comes after Bob's edit: one shared history would take back Bob's sticky.
    let after_ann_undo = send(&mut f, &ann(), Request::Undo).unwrap();
    assert_eq!(names(&after_ann_undo), ["ZzBobAdded"], "Ann's undo takes back Ann's sticky, not Bob's");

    let after_bob_undo = send(&mut f, &bob(), Request::Undo).unwrap();
    assert!(names(&after_bob_undo).is_empty());

    let redone = send(&mut f, &bob(), Request::Redo).unwrap();
    assert_eq!(names(&redone), ["ZzBobAdded"]);
    let histories: Vec<(&str, bool, bool)> =
        redone.histories.iter().map(|h| (h.participant.as_str(), h.can_undo, h.can_redo)).collect();
    assert_eq!(histories, [("p1", false, true), ("p2", true, false)]);
}

#[test]
fn given_an_edit_someone_built_upon_when_undone_then_it_is_refused_and_the_next_undo_goes_on() {
    let mut f = bank_account();
    add(&mut f, &ann(), "ZzEarlier", 100.0);
    let rename = ElementPatch { name: Some("DepositCash".into()), ..ElementPatch::default() };
    send(
        &mut f,
        &ann(),
        Request::Edit { op: Box::new(Op::UpdateElement { id: id("cmd-deposit-money"), patch: rename }) },
    )
    .unwrap();
    let moved = Move { id: id("cmd-deposit-money"), position: Point { x: 5.0, y: 5.0 } };
    send(&mut f, &bob(), Request::Edit { op: Box::new(Op::MoveElements { moves: vec![moved] }) }).unwrap();

    let refused = send(&mut f, &ann(), Request::Undo).unwrap_err();

    assert_eq!(
        refused.to_string(),
        "cannot undo your change of command `DepositCash` (cmd-deposit-money): participant p2 has changed it \
         since, so it stays as they left it; undo again to go on with your earlier changes"
    );
    let board = f.board();
    let sticky = board.element("cmd-deposit-money").unwrap();
    assert_eq!((sticky.name.as_str(), sticky.position), ("DepositCash", Point { x: 5.0, y: 5.0 }));
    let next = send(&mut f, &ann(), Request::Undo).unwrap();
    assert!(names(&next).is_empty(), "Ann's earlier edit is undone");
    assert_eq!(next.board.element("cmd-deposit-money").unwrap().name, "DepositCash");
}

#[test]
fn given_a_viewer_then_they_see_everything_and_change_nothing() {
    let mut f = bank_account();
    let viewer = who("p3", Role::Viewer);
    let before = f.board();

    assert!(send(&mut f, &viewer, Request::GetState).is_ok());
    let edit = Op::AddElement {
        kind: Kind::Event,
        name: "X".into(),
        position: Point::default(),
        group: None,
        patch: None,
    };
    let refused = send(&mut f, &viewer, Request::Edit { op: Box::new(edit) }).unwrap_err();
    assert_eq!(refused.to_string(), "viewers watch the board; they cannot change it");
    assert!(f.workspace.handle_as(&viewer, Request::Run { request: RunRequest::Status }).is_ok());
    let submit = RunRequest::Submit { command: id("cmd-open-account"), data: serde_json::json!({}) };
    assert!(f.workspace.handle_as(&viewer, Request::Run { request: submit }).is_err());
    assert!(send(&mut f, &viewer, Request::Save).is_err());
    assert_eq!(f.board(), before);
}

#[test]
fn given_a_locked_board_then_participants_wait_and_the_facilitator_edits() {
    let mut f = bank_account();
    let refused = send(&mut f, &bob(), Request::Lock { locked: true }).unwrap_err();
    assert_eq!(refused.to_string(), "only the facilitator locks and unlocks the board");

    let locked = send(&mut f, &ann(), Request::Lock { locked: true }).unwrap();
    assert!(locked.locked);
    let waits = send(&mut f, &bob(), Request::Undo).unwrap_err();
    assert!(waits.to_string().contains("the facilitator has locked the board"), "{waits}");
    add(&mut f, &ann(), "ZzByFacilitator", 100.0);

    let unlocked = send(&mut f, &ann(), Request::Lock { locked: false }).unwrap();
    assert!(!unlocked.locked);
    add(&mut f, &bob(), "ZzByBob", 300.0);
    assert_eq!(names(&f.workspace.state()), ["ZzByBob", "ZzByFacilitator"]);
}
