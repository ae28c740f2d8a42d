//! Every edit of the board, and its undo and redo.

mod support;

use squall_api::{ElementPatch, Error, ErrorKind, GroupPatch, Move, Op, Options, Request};
use squall_model::{Connection, Element, Field, FieldType, GroupKind, Kind, Point, Size};
use support::{bank_account, bank_account_with, id};

fn at(x: f64, y: f64) -> Point {
    Point { x, y }
}

fn connect(from: &str, to: &str) -> Op {
    Op::Connect { from: id(from), to: id(to), label: None }
}

fn has_arrow(board: &squall_model::Board, from: &str, to: &str) -> bool {
    board.connections.iter().any(|c| c.from.as_str() == from && c.to.as_str() == to)
}

// ---- add_element ----

#[test]
fn given_the_bank_account_when_an_event_is_added_then_it_gets_a_fresh_id_and_one_undo_step_takes_it_away() {
    let mut f = bank_account();
    let before = f.board();

    let (state, created) = f
        .edit(Op::AddElement {
            kind: Kind::Event,
            name: "AccountClosed".into(),
            position: at(100.4, 200.6),
            group: None,
            patch: None,
        })
        .unwrap();

    assert_eq!(created.len(), 1);
    assert!(created[0].as_str().starts_with("evt-"), "{}", created[0]);
    let added = state.board.element(created[0].as_str()).unwrap();
    assert_eq!((added.name.as_str(), added.position), ("AccountClosed", at(100.0, 201.0)));
    assert_eq!(added.size, Kind::Event.default_size());
    assert_eq!(state.board.elements.len(), 18);
    assert!(state.dirty && state.can_undo && !state.can_redo);

    let undone = f.undo();
    assert_eq!(undone.board, before);
    assert!(!undone.dirty && !undone.can_undo && undone.can_redo);

    let redone = f.redo();
    assert_eq!(redone.board, state.board);
    assert!(redone.dirty);
}

#[test]
fn given_a_group_when_an_element_is_added_into_it_then_it_is_a_member_until_undone() {
    let mut f = bank_account();
    let before = f.board();

    let (state, created) = f
        .edit(Op::AddElement {
            kind: Kind::Command,
            name: "CloseAccount".into(),
            position: at(10.0, 10.0),
            group: Some(id("ctx-banking")),
            patch: Some(ElementPatch {
                fields: Some(vec![Field { name: "account_id".into(), ty: FieldType::Id }]),
                ..ElementPatch::default()
            }),
        })
        .unwrap();

    assert!(state.board.group("ctx-banking").unwrap().members.contains(&created[0]));
    assert_eq!(state.board.element(created[0].as_str()).unwrap().fields.len(), 1);
    assert_eq!(f.undo().board, before);
}

#[test]
fn given_an_event_when_added_with_a_script_then_it_is_refused_and_nothing_changes() {
    let mut f = bank_account();
    let before = f.board();

    let err = f
        .edit(Op::AddElement {
            kind: Kind::Event,
            name: "Scripted".into(),
            position: at(0.0, 0.0),
            group: None,
            patch: Some(ElementPatch { script: Some("x.rhai".into()), ..ElementPatch::default() }),
        })
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "an event cannot have a script: only aggregates, policies, read models and external systems do"
    );
    assert_eq!(f.board(), before);
    assert!(!f.workspace.is_dirty());
}

// ---- update_element ----

#[test]
fn given_a_command_when_renamed_described_and_tagged_then_undo_restores_it_and_redo_reapplies() {
    let mut f = bank_account();
    let before = f.board();

    let (state, _) = f
        .edit(Op::UpdateElement {
            id: id("cmd-deposit-money"),
            patch: ElementPatch {
                name: Some("Deposit".into()),
                description: Some("Put money in".into()),
                tags: Some(vec!["money".into(), " cash ".into(), "money".into(), "".into()]),
                colour: Some("#123456".into()),
                ..ElementPatch::default()
            },
        })
        .unwrap();

    let updated = state.board.element("cmd-deposit-money").unwrap();
    assert_eq!(updated.name, "Deposit");
    assert_eq!(updated.description.as_deref(), Some("Put money in"));
    assert_eq!(updated.tags, vec!["cash", "money"]);
    assert_eq!(updated.colour.as_deref(), Some("#123456"));

    assert_eq!(f.undo().board, before);
    assert_eq!(f.redo().board, state.board);
}

#[test]
fn given_an_aggregate_with_a_script_when_patched_with_empty_texts_then_they_are_cleared() {
    let mut f = bank_account();

    let (state, _) = f
        .edit(Op::UpdateElement {
            id: id("agg-bank-account"),
            patch: ElementPatch {
                description: Some(String::new()),
                script: Some(String::new()),
                key: Some(String::new()),
                ..ElementPatch::default()
            },
        })
        .unwrap();

    let aggregate = state.board.element("agg-bank-account").unwrap();
    assert_eq!((&aggregate.description, &aggregate.script, &aggregate.key), (&None, &None, &None));
    let restored = f.undo();
    assert!(restored.board.element("agg-bank-account").unwrap().script.is_some());
}

#[test]
fn given_edits_that_change_nothing_then_no_undo_step_is_recorded_and_the_board_stays_clean() {
    let mut f = bank_account();

    let (state, _) = f
        .edit(Op::UpdateElement {
            id: id("cmd-deposit-money"),
            patch: ElementPatch { name: Some("DepositMoney".into()), ..ElementPatch::default() },
        })
        .unwrap();

    assert!(!state.dirty && !state.can_undo);

    let members = f.board().group("ctx-banking").unwrap().members.clone();
    let size = f.board().element("agg-bank-account").unwrap().size;
    let (state, _) = f.edit(Op::SetGroupMembers { id: id("ctx-banking"), members }).unwrap();
    assert!(!state.can_undo);
    let (state, _) = f.edit(Op::Resize { id: id("agg-bank-account"), size, position: None }).unwrap();
    assert!(!state.dirty && !state.can_undo);
}

#[test]
fn given_bad_patches_when_applied_then_each_is_refused_with_what_was_wrong_and_nothing_changes() {
    let mut f = bank_account();
    let before = f.board();
    let revision = f.workspace.revision();
    let cases: Vec<(&str, ElementPatch, &str)> = vec![
        ("nope", ElementPatch::default(), "unknown element `nope`"),
        (
            "cmd-deposit-money",
            ElementPatch { script: Some("deposit.rhai".into()), ..ElementPatch::default() },
            "a command cannot have a script",
        ),
        (
            "evt-money-deposited",
            ElementPatch { key: Some("account_id".into()), ..ElementPatch::default() },
            "an event cannot have a key",
        ),
        (
            "cmd-deposit-money",
            ElementPatch { resolved: Some(true), ..ElementPatch::default() },
            "a command cannot have `resolved` set",
        ),
        (
            "agg-bank-account",
            ElementPatch {
                fields: Some(vec![Field { name: "x".into(), ty: FieldType::Int }]),
                ..ElementPatch::default()
            },
            "an aggregate cannot have fields",
        ),
        (
            "cmd-deposit-money",
            ElementPatch {
                fields: Some(vec![
                    Field { name: "amount".into(), ty: FieldType::Int },
                    Field { name: "amount".into(), ty: FieldType::Decimal },
                ]),
                ..ElementPatch::default()
            },
            "declares field `amount` twice",
        ),
        (
            "cmd-deposit-money",
            ElementPatch {
                allow: Some([("no-such-code".to_owned(), "because".to_owned())].into()),
                ..ElementPatch::default()
            },
            "unknown lint code `no-such-code`",
        ),
        (
            "cmd-deposit-money",
            ElementPatch { size: Some(Size { width: -5.0, height: 10.0 }), ..ElementPatch::default() },
            "element size must be at least 1 by 1 pixel",
        ),
    ];
    for (target, patch, says) in cases {
        let err = f.edit(Op::UpdateElement { id: id(target), patch }).unwrap_err();
        assert!(err.to_string().contains(says), "{target}: `{err}` should say `{says}`");
    }
    assert_eq!(f.board(), before);
    assert_eq!(f.workspace.revision(), revision);
    assert!(!f.workspace.is_dirty());
}

// ---- move_elements and resize ----

#[test]
fn given_two_stickies_when_dragged_together_then_one_undo_step_moves_both_back() {
    let mut f = bank_account();
    let before = f.board();

    let (state, _) = f
        .edit(Op::MoveElements {
            moves: vec![
                Move { id: id("cmd-deposit-money"), position: at(300.0, 300.0) },
                Move { id: id("cmd-withdraw-money"), position: at(300.2, 450.7) },
            ],
        })
        .unwrap();

    assert_eq!(state.board.element("cmd-deposit-money").unwrap().position, at(300.0, 300.0));
    assert_eq!(state.board.element("cmd-withdraw-money").unwrap().position, at(300.0, 451.0));
    let undone = f.undo();
    assert_eq!(undone.board, before);
    assert!(!undone.can_undo);
}

#[test]
fn given_a_bounded_context_when_moved_then_its_members_move_by_the_same_amount_except_those_moved_explicitly()
{
    let mut f = bank_account();
    let before = f.board();
    let owner = before.element("actor-owner").unwrap().position;
    let frame = before.group("ctx-banking").unwrap().position;

    let (state, _) = f
        .edit(Op::MoveElements {
            moves: vec![
                Move { id: id("ctx-banking"), position: at(frame.x + 100.0, frame.y + 50.0) },
                Move { id: id("cmd-deposit-money"), position: at(5.0, 5.0) },
            ],
        })
        .unwrap();

    assert_eq!(state.board.group("ctx-banking").unwrap().position, at(frame.x + 100.0, frame.y + 50.0));
    assert_eq!(state.board.element("actor-owner").unwrap().position, at(owner.x + 100.0, owner.y + 50.0));
    assert_eq!(state.board.element("cmd-deposit-money").unwrap().position, at(5.0, 5.0));
    assert_eq!(f.undo().board, before);
}

#[test]
fn given_moves_naming_an_unknown_id_or_one_id_twice_then_nothing_moves() {
    let mut f = bank_account();
    let before = f.board();

    let unknown = f
        .edit(Op::MoveElements {
            moves: vec![
                Move { id: id("cmd-deposit-money"), position: at(1.0, 1.0) },
                Move { id: id("ghost"), position: at(1.0, 1.0) },
            ],
        })
        .unwrap_err();
    let twice = f
        .edit(Op::MoveElements {
            moves: vec![
                Move { id: id("cmd-deposit-money"), position: at(1.0, 1.0) },
                Move { id: id("cmd-deposit-money"), position: at(2.0, 2.0) },
            ],
        })
        .unwrap_err();

    assert_eq!(unknown.to_string(), "no element or group has the id `ghost`");
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
    assert!(twice.to_string().contains("`cmd-deposit-money` is moved twice"), "{twice}");
    assert_eq!(f.board(), before);
}

#[test]
fn given_positions_off_the_board_when_moved_pasted_added_or_resized_then_each_is_refused_and_nothing_moves() {
    // Regression (issue 11, item 15): a 1e308 offset made positions infinite,
    // which clients received as `null`.
    let mut f = bank_account();
    let before = f.board();
    let deposit = f.board().element("cmd-deposit-money").unwrap().clone();

    let far = f
        .edit(Op::MoveElements {
            moves: vec![Move { id: id("cmd-deposit-money"), position: at(1e308, 0.0) }],
        })
        .unwrap_err();
    let pasted = f
        .edit(Op::Paste { elements: vec![deposit], connections: vec![], offset: Some(at(1e308, 1e308)) })
        .unwrap_err();
    let added = f
        .edit(Op::AddElement {
            kind: Kind::Event,
            name: "Lost".into(),
            position: at(f64::NAN, 0.0),
            group: None,
            patch: None,
        })
        .unwrap_err();
    let huge = f
        .edit(Op::Resize {
            id: id("cmd-deposit-money"),
            size: Size { width: f64::INFINITY, height: 80.0 },
            position: None,
        })
        .unwrap_err();

    for err in [&far, &pasted, &added] {
        assert_eq!(err.kind(), ErrorKind::BadRequest, "{err}");
        assert!(err.to_string().contains("is off the board"), "{err}");
    }
    assert!(huge.to_string().contains("larger than the board"), "{huge}");
    assert_eq!(f.board(), before);
}

#[test]
fn given_an_element_and_a_group_when_resized_then_undo_restores_their_sizes() {
    let mut f = bank_account();
    let before = f.board();

    f.edit(Op::Resize {
        id: id("agg-bank-account"),
        size: Size { width: 300.0, height: 200.0 },
        position: None,
    })
    .unwrap();
    let (state, _) = f
        .edit(Op::Resize {
            id: id("ctx-banking"),
            size: Size { width: 2000.0, height: 900.0 },
            position: Some(at(-10.0, -10.0)),
        })
        .unwrap();

    assert_eq!(state.board.element("agg-bank-account").unwrap().size, Size { width: 300.0, height: 200.0 });
    let frame = state.board.group("ctx-banking").unwrap();
    assert_eq!((frame.size, frame.position), (Size { width: 2000.0, height: 900.0 }, at(-10.0, -10.0)));
    f.undo();
    assert_eq!(f.undo().board, before);

    let err = f
        .edit(Op::Resize {
            id: id("agg-bank-account"),
            size: Size { width: 0.0, height: 10.0 },
            position: None,
        })
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(f.board(), before);
}

// ---- batch ----

#[test]
fn given_a_tidy_up_when_members_move_and_their_frame_is_reshaped_in_one_batch_then_one_undo_puts_all_back() {
    let mut f = bank_account();
    let before = f.board();

    let (state, _) = f
        .edit(Op::Batch {
            ops: vec![
                Op::MoveElements {
                    moves: vec![
                        Move { id: id("cmd-deposit-money"), position: at(100.0, 100.0) },
                        Move { id: id("evt-money-deposited"), position: at(400.0, 100.0) },
                    ],
                },
                Op::Resize {
                    id: id("ctx-banking"),
                    size: Size { width: 2400.0, height: 1000.0 },
                    position: Some(at(-20.0, -40.0)),
                },
            ],
        })
        .unwrap();

    assert_eq!(state.board.element("cmd-deposit-money").unwrap().position, at(100.0, 100.0));
    assert_eq!(state.board.element("evt-money-deposited").unwrap().position, at(400.0, 100.0));
    let frame = state.board.group("ctx-banking").unwrap();
    assert_eq!((frame.position, frame.size), (at(-20.0, -40.0), Size { width: 2400.0, height: 1000.0 }));
    assert_eq!(
        state.board.element("actor-owner").unwrap().position,
        before.element("actor-owner").unwrap().position,
        "reshaping a frame does not carry its members along"
    );
    let undone = f.undo();
    assert_eq!(undone.board, before);
    assert!(!undone.can_undo, "the batch was one undo step");
    assert_eq!(f.redo().board, state.board);
}

#[test]
fn given_a_batch_then_each_op_is_checked_against_the_board_the_ones_before_it_left() {
    let mut f = bank_account();

    // The resize keeps the sticky's position: the one the move gave it, not the one it had.
    let (state, _) = f
        .edit(Op::Batch {
            ops: vec![
                Op::MoveElements {
                    moves: vec![Move { id: id("cmd-deposit-money"), position: at(300.0, 300.0) }],
                },
                Op::Resize {
                    id: id("cmd-deposit-money"),
                    size: Size { width: 200.0, height: 120.0 },
                    position: None,
                },
            ],
        })
        .unwrap();

    let deposit = state.board.element("cmd-deposit-money").unwrap();
    assert_eq!((deposit.position, deposit.size), (at(300.0, 300.0), Size { width: 200.0, height: 120.0 }));
}

#[test]
fn given_a_batch_whose_second_op_is_refused_then_nothing_of_it_is_made_and_the_refusal_says_why() {
    let mut f = bank_account();
    let before = f.board();

    let err = f
        .edit(Op::Batch {
            ops: vec![
                Op::MoveElements {
                    moves: vec![Move { id: id("cmd-deposit-money"), position: at(5.0, 5.0) }],
                },
                connect("evt-money-withdrawn", "cmd-withdraw-money"),
            ],
        })
        .unwrap_err();

    assert!(err.to_string().contains("put a policy between them"), "{err}");
    assert_eq!(f.board(), before);
    assert!(!f.workspace.state().can_undo);
}

#[test]
fn given_an_empty_batch_then_no_undo_step_is_recorded() {
    let mut f = bank_account();

    let (state, created) = f.edit(Op::Batch { ops: vec![] }).unwrap();

    assert!(created.is_empty());
    assert!(!state.can_undo && !state.dirty);
}

#[test]
fn given_a_batch_that_adds_two_stickies_then_both_ids_come_back_in_order() {
    let mut f = bank_account();
    let add = |name: &str| Op::AddElement {
        kind: Kind::Event,
        name: name.into(),
        position: at(0.0, 0.0),
        group: None,
        patch: None,
    };

    let (state, created) = f.edit(Op::Batch { ops: vec![add("First"), add("Second")] }).unwrap();

    let names: Vec<&str> =
        created.iter().map(|id| state.board.element(id.as_str()).unwrap().name.as_str()).collect();
    assert_eq!(names, ["First", "Second"]);
    assert_eq!(f.undo().board.elements.len(), 17);
}

// ---- delete_elements ----

#[test]
fn given_the_aggregate_when_deleted_then_its_arrows_and_membership_go_too_and_undo_restores_the_exact_board()
{
    let mut f = bank_account();
    let before = f.board();

    let (state, _) =
        f.edit(Op::DeleteElements { ids: vec![id("agg-bank-account"), id("pol-ceo-bonus")] }).unwrap();

    assert!(state.board.element("agg-bank-account").is_none());
    assert!(state.board.element("pol-ceo-bonus").is_none());
    assert!(!state.board.connections.iter().any(|c| {
        ["agg-bank-account", "pol-ceo-bonus"]
            .iter()
            .any(|gone| c.from.as_str() == *gone || c.to.as_str() == *gone)
    }));
    assert!(!state.board.group("ctx-banking").unwrap().members.contains(&id("agg-bank-account")));
    assert_eq!(state.board.connections.len(), before.connections.len() - 11);

    assert_eq!(f.undo().board, before);
    assert_eq!(f.redo().board, state.board);
}

#[test]
fn given_a_group_in_a_deletion_then_only_its_frame_goes_and_an_unknown_id_refuses_the_whole_deletion() {
    let mut f = bank_account();
    let before = f.board();

    let err = f.edit(Op::DeleteElements { ids: vec![id("cmd-deposit-money"), id("ghost")] }).unwrap_err();
    assert_eq!(err.to_string(), "no element or group has the id `ghost`");
    assert_eq!(f.board(), before);

    let (state, _) = f.edit(Op::DeleteElements { ids: vec![id("ctx-banking")] }).unwrap();
    assert!(state.board.groups.is_empty());
    assert_eq!(state.board.elements.len(), 17);
    assert_eq!(f.undo().board, before);
}

// ---- connect and disconnect ----

#[test]
fn given_an_event_and_a_policy_when_connected_then_the_arrow_is_drawn_in_canonical_order_and_undone() {
    let mut f = bank_account();
    let before = f.board();

    let (state, _) = f.edit(connect("evt-owner-changed", "pol-thank-you-email")).unwrap();

    assert!(has_arrow(&state.board, "evt-owner-changed", "pol-thank-you-email"));
    let mut sorted = state.board.clone();
    sorted.canonicalize();
    assert_eq!(sorted, state.board, "the board stays in canonical order");
    assert_eq!(f.undo().board, before);
}

#[test]
fn given_an_event_and_a_command_when_connected_then_it_is_refused_with_the_grammar_s_reason_and_nothing_changes()
 {
    let mut f = bank_account();
    let before = f.board();
    let revision = f.workspace.revision();

    let err = f.edit(connect("evt-money-deposited", "cmd-withdraw-money")).unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Refused);
    assert_eq!(
        err.to_string(),
        "cannot connect event `MoneyDeposited` (evt-money-deposited) to command `WithdrawMoney` \
         (cmd-withdraw-money): an event cannot trigger a command directly; put a policy between them"
    );
    assert_eq!(serde_json::to_value(&err).unwrap(), serde_json::Value::String(err.to_string()));
    assert_eq!(f.board(), before);
    assert_eq!(f.workspace.revision(), revision);
    assert!(!f.workspace.is_dirty() && !f.workspace.state().can_undo);
}

#[test]
fn given_arrows_to_oneself_drawn_twice_or_to_a_frame_then_each_is_refused() {
    let mut f = bank_account();
    let before = f.board();

    let itself = f.edit(connect("pol-ceo-bonus", "pol-ceo-bonus")).unwrap_err();
    let twice = f.edit(connect("actor-owner", "cmd-deposit-money")).unwrap_err();
    let frame = f.edit(connect("actor-owner", "ctx-banking")).unwrap_err();
    let unknown = f.edit(connect("actor-owner", "cmd-ghost")).unwrap_err();

    assert_eq!(itself.to_string(), "an arrow cannot point from policy `CEO bonus` (pol-ceo-bonus) to itself");
    assert!(twice.to_string().starts_with("there is already an arrow from actor `Account owner`"), "{twice}");
    assert!(frame.to_string().contains("is a group; arrows join stickies"), "{frame}");
    assert!(matches!(unknown, Error::UnknownElement(ref missing) if missing.as_str() == "cmd-ghost"));
    assert_eq!(f.board(), before);
}

#[test]
fn given_an_annotation_when_connected_to_anything_then_it_is_allowed() {
    let mut f = bank_account();
    f.edit(connect("hot-overdraft-limits", "agg-bank-account")).unwrap();
    assert!(has_arrow(f.workspace.board(), "hot-overdraft-limits", "agg-bank-account"));
}

#[test]
fn given_an_arrow_when_disconnected_then_it_goes_and_undo_brings_it_back_and_a_missing_arrow_is_named() {
    let mut f = bank_account();
    let before = f.board();

    let (state, _) =
        f.edit(Op::Disconnect { from: id("evt-money-deposited"), to: id("pol-ceo-bonus") }).unwrap();
    assert!(!has_arrow(&state.board, "evt-money-deposited", "pol-ceo-bonus"));
    assert_eq!(f.undo().board, before);

    let err =
        f.edit(Op::Disconnect { from: id("pol-ceo-bonus"), to: id("evt-money-deposited") }).unwrap_err();
    assert_eq!(err.to_string(), "there is no arrow from `pol-ceo-bonus` to `evt-money-deposited`");
}

// ---- groups ----

#[test]
fn given_a_new_swimlane_when_added_updated_refilled_and_deleted_then_each_step_undoes() {
    let mut f = bank_account();
    let before = f.board();

    let (added, created) = f
        .edit(Op::AddGroup {
            kind: GroupKind::Swimlane,
            name: "Owner".into(),
            position: at(0.0, 800.0),
            size: Size { width: 1000.0, height: 200.0 },
            members: vec![id("cmd-open-account"), id("actor-owner"), id("actor-owner")],
        })
        .unwrap();
    let lane = created[0].as_str().to_owned();
    assert!(lane.starts_with("lane-"), "{lane}");
    assert_eq!(added.board.group(&lane).unwrap().members, vec![id("actor-owner"), id("cmd-open-account")]);

    let (updated, _) = f
        .edit(Op::UpdateGroup {
            id: id(&lane),
            patch: GroupPatch { name: Some("Owners".into()), colour: Some("#eee".into()), description: None },
        })
        .unwrap();
    assert_eq!(updated.board.group(&lane).unwrap().name, "Owners");

    let (refilled, _) =
        f.edit(Op::SetGroupMembers { id: id(&lane), members: vec![id("cmd-change-owner")] }).unwrap();
    assert_eq!(refilled.board.group(&lane).unwrap().members, vec![id("cmd-change-owner")]);

    let (deleted, _) = f.edit(Op::DeleteGroup { id: id(&lane) }).unwrap();
    assert!(deleted.board.group(&lane).is_none());
    assert_eq!(deleted.board.elements.len(), 17);

    assert_eq!(f.undo().board, refilled.board);
    assert_eq!(f.undo().board, updated.board);
    assert_eq!(f.undo().board, added.board);
    assert_eq!(f.undo().board, before);

    let err = f.edit(Op::SetGroupMembers { id: id("ctx-banking"), members: vec![id("ghost")] }).unwrap_err();
    assert_eq!(err.to_string(), "unknown element `ghost`");
    let err = f.edit(Op::DeleteGroup { id: id("ctx-ghost") }).unwrap_err();
    assert_eq!(err.to_string(), "unknown group `ctx-ghost`");
}

// ---- paste ----

#[test]
fn given_copied_stickies_and_their_arrow_when_pasted_then_they_get_fresh_ids_and_the_arrow_follows() {
    let mut f = bank_account();
    let before = f.board();
    let command = before.element("cmd-deposit-money").unwrap().clone();
    let aggregate = before.element("agg-bank-account").unwrap().clone();

    let (state, created) = f
        .edit(Op::Paste {
            elements: vec![command.clone(), aggregate],
            connections: vec![
                Connection::new("cmd-deposit-money", "agg-bank-account"),
                // An arrow from a sticky on the board to a pasted one.
                Connection::new("actor-owner", "cmd-deposit-money"),
            ],
            offset: Some(at(40.0, 40.0)),
        })
        .unwrap();

    assert_eq!(created.len(), 2);
    assert!(created[0].as_str().starts_with("cmd-") && created[1].as_str().starts_with("agg-"));
    assert!(created.iter().all(|new| before.element(new.as_str()).is_none()));
    let pasted = state.board.element(created[0].as_str()).unwrap();
    assert_eq!(pasted.position, at(command.position.x + 40.0, command.position.y + 40.0));
    assert_eq!(pasted.fields, command.fields);
    assert!(has_arrow(&state.board, created[0].as_str(), created[1].as_str()));
    assert!(has_arrow(&state.board, "actor-owner", created[0].as_str()));
    assert_eq!(state.board.elements.len(), 19);
    assert_eq!(f.undo().board, before);
}

#[test]
fn given_a_paste_with_a_forbidden_arrow_then_nothing_is_pasted() {
    let mut f = bank_account();
    let before = f.board();
    let event = Element::new("e1", Kind::Event, "Happened", at(0.0, 0.0));
    let command = Element::new("c1", Kind::Command, "DoIt", at(0.0, 0.0));

    let err = f
        .edit(Op::Paste {
            elements: vec![event, command],
            connections: vec![Connection::new("e1", "c1")],
            offset: None,
        })
        .unwrap_err();

    assert!(
        err.to_string().ends_with("an event cannot trigger a command directly; put a policy between them"),
        "{err}"
    );
    assert_eq!(f.board(), before);
}

// ---- rename_board ----

#[test]
fn given_the_board_when_renamed_then_undo_brings_the_old_name_back() {
    let mut f = bank_account();
    let (state, _) = f.edit(Op::RenameBoard { name: "Savings".into() }).unwrap();
    assert_eq!(state.board.name, "Savings");
    assert_eq!(f.undo().board.name, "Bank account");
}

// ---- history ----

#[test]
fn given_250_edits_when_all_are_undone_then_the_board_is_as_loaded_and_redo_replays_all_of_them() {
    let mut f = bank_account();
    let before = f.board();
    for step in 0..250 {
        f.edit(Op::MoveElements {
            moves: vec![Move { id: id("actor-owner"), position: at(f64::from(step), 0.0) }],
        })
        .unwrap();
    }
    let after = f.board();

    for _ in 0..250 {
        f.undo();
    }
    let state = f.workspace.state();
    assert_eq!(state.board, before);
    assert!(!state.can_undo && !state.dirty);
    assert!(matches!(f.workspace.handle(Request::Undo), Err(Error::NothingToUndo)));

    for _ in 0..250 {
        f.redo();
    }
    assert_eq!(f.board(), after);
    assert!(!f.workspace.state().can_redo);
}

#[test]
fn given_an_undo_limit_of_200_when_205_edits_are_made_then_the_newest_200_can_be_undone() {
    let mut f = bank_account_with(Options { undo_limit: 200, ..Options::default() });
    for step in 0..205 {
        f.edit(Op::RenameBoard { name: format!("name {step}") }).unwrap();
    }
    let mut undone = 0;
    while f.workspace.state().can_undo {
        f.undo();
        undone += 1;
    }
    assert_eq!(undone, 200);
    assert_eq!(f.workspace.board().name, "name 4");
    assert!(f.workspace.is_dirty(), "the loaded state is out of reach, so the board stays dirty");
}

#[test]
fn given_an_undone_edit_when_a_new_edit_is_made_then_there_is_nothing_to_redo() {
    let mut f = bank_account();
    f.edit(Op::RenameBoard { name: "One".into() }).unwrap();
    f.undo();
    let (state, _) = f.edit(Op::RenameBoard { name: "Two".into() }).unwrap();
    assert!(!state.can_redo);
    let err = f.workspace.handle(Request::Redo).unwrap_err();
    assert_eq!(err.to_string(), "nothing to redo");
}

#[test]
fn given_edits_then_each_revision_is_new_and_undo_returns_to_the_earlier_one() {
    let mut f = bank_account();
    let loaded = f.workspace.revision();
    let (first, _) = f.edit(Op::RenameBoard { name: "One".into() }).unwrap();
    let (second, _) = f.edit(Op::RenameBoard { name: "Two".into() }).unwrap();
    assert!(loaded != first.revision && first.revision != second.revision && loaded != second.revision);
    assert_eq!(f.undo().revision, first.revision);
    assert_eq!(f.undo().revision, loaded);
}
