//! What a session does when things go wrong — endless scripts, runaway
//! policies, bad input, scripts that break the board's rules — and how it
//! travels in time: rewind, fork, switch, diff, replay, reopen.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::temp_model::{TempModel, gadget, reason, rows};
use common::{open, open_with, run, workspace};
use serde_json::{Value, json};
use squall_model::{Field, FieldType, Kind, Point};
use squall_sim::{EventSummary, Options, Session, SimError, Source};
use squall_store::{Durability, Store};

#[test]
fn given_a_script_that_loops_forever_when_its_command_runs_then_the_step_fails_and_the_session_goes_on() {
    let mut model = TempModel::new("Spinning");
    let script = "// Spins.\nfn handle_Spin(state, command) {\n    loop {}\n}\n\nfn handle_Rest(state, command) {\n    [event(\"Rested\", #{ id: command.id })]\n}\n";
    gadget(&mut model, script, &["Spin", "Rest"], &["Rested"]);
    let mut session = model.open(Options::default());

    session.submit("Spin", json!({"id": "g-1"}), Source::User).unwrap();
    let spun = session.step().unwrap().unwrap();

    assert!(spun.is_rejected());
    assert_eq!(spun.errors.len(), 1, "{:?}", spun.errors);
    let error = &spun.errors[0];
    assert!(error.contains("gadget.rhai:2: in `handle_Spin`: stopped"), "{error}");
    assert!(error.contains("too many operations"), "{error}");
    assert_eq!(reason(&spun), error);
    assert_eq!(rows(&session), (0, 1, 0), "the command is logged as rejected, nothing else");

    let rested = run(&mut session, "Rest", json!({"id": "g-1"}));
    assert!(!rested[0].is_rejected(), "{:?}", rested[0].errors);
    assert_eq!(rested[0].events[0].name, "Rested");
}

#[test]
fn given_an_aggregate_without_appliers_when_one_instance_handles_two_commands_then_both_are_accepted() {
    // "A missing applier leaves the state as it is" (docs/scripting.md), but
    // the stream still grows: the second event must follow the first.
    let mut model = TempModel::new("Forgetful");
    gadget(
        &mut model,
        "fn handle_Touch(s, c) { [event(\"Touched\", #{ id: c.id })] }\n",
        &["Touch"],
        &["Touched"],
    );
    let mut session = model.open(Options::default());

    run(&mut session, "Touch", json!({"id": "g-1"}));
    session.submit("Touch", json!({"id": "g-1"}), Source::User).unwrap();
    let second = session.step().unwrap().unwrap();

    assert!(!second.is_rejected(), "{:?}", second.errors);
    assert_eq!(second.events[0].stream_version, 2);
    assert_eq!(session.events(Some("Gadget-g-1")).unwrap().len(), 2);
}

#[test]
fn given_an_external_system_without_a_script_when_sent_a_command_or_an_event_then_it_absorbs_them() {
    // Regression: the lint says a scriptless external system absorbs what it
    // is sent, but the simulator refused its commands with "has no script",
    // so a board drawn as the README shows stopped at its email service.
    let mut model = TempModel::new("Mailer");
    gadget(
        &mut model,
        "fn handle_Touch(s, c) { [event(\"Touched\", #{ id: c.id })] }\n",
        &["Touch"],
        &["Touched"],
    );
    model.add("ext-mail", Kind::ExternalSystem, "Mail", &[]);
    model.add("cmd-send", Kind::Command, "Send", &["id"]);
    model.arrows(&[("actor-user", "cmd-send"), ("cmd-send", "ext-mail"), ("evt-touched", "ext-mail")]);
    let mut session = model.open(Options::default());

    let touched = run(&mut session, "Touch", json!({"id": "g-1"}));
    let sent = run(&mut session, "Send", json!({"id": "g-1"}));

    assert!(!touched[0].is_rejected(), "{:?}", touched[0].errors);
    assert!(!sent[0].is_rejected(), "{:?}", sent[0].errors);
    assert_eq!(sent[0].handled_by.as_ref().map(|s| s.name.as_str()), Some("Mail"));
    assert!(sent[0].events.is_empty());
}

#[test]
fn given_a_policy_cycle_without_a_guard_when_it_runs_then_it_is_stopped_and_named_and_the_session_goes_on() {
    let mut model = TempModel::new("Echo");
    gadget(
        &mut model,
        "fn handle_Ping(s, c) { [event(\"Pinged\", #{ id: c.id })] }\nfn handle_Note(s, c) { [event(\"Noted\", #{ id: c.id })] }\n",
        &["Ping", "Note"],
        &["Pinged", "Noted"],
    );
    model.scripted(
        "pol-ping-again",
        Kind::Policy,
        "Ping again",
        None,
        "ping_again.rhai",
        "fn on_Pinged(e) { [command(\"Ping\", #{ id: e.id })] }\n",
    );
    model.arrows(&[("evt-pinged", "pol-ping-again"), ("pol-ping-again", "cmd-ping")]);
    let mut session = model.open(Options { cascade_limit: 20, ..Options::default() });

    session.submit("Ping", json!({"id": "g-1"}), Source::User).unwrap();
    let end = session.run_until_quiet(1000, |_| {}).unwrap();

    assert_eq!(end.steps, 20);
    assert!(end.quiet, "the rest of the cascade is discarded");
    let stopped = end.stopped.unwrap();
    assert!(
        stopped.starts_with("cascade stopped after 20 steps started by command c1 (Ping): "),
        "{stopped}"
    );
    assert!(stopped.contains("it went round Ping → Gadget → Pinged → Ping again → Ping"), "{stopped}");
    let discarded = session
        .store()
        .query("SELECT count(*) FROM commands WHERE outcome = 'rejected' AND reason LIKE 'cascade stopped%'")
        .unwrap();
    assert_eq!(discarded.rows[0][0], json!(1), "the one queued Ping is rejected with the reason");

    let noted = run(&mut session, "Note", json!({"id": "g-1"}));
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0].events[0].name, "Noted");
}

/// Issue 11, item 4: the guard named the last command processed ("started by command c1
/// (Note)") instead of the one that started the cascade, and a board-wide list of cycles
/// instead of the loop the cascade went round.
#[test]
fn given_a_cycle_with_a_side_effect_when_stopped_then_the_message_names_the_start_and_the_loop_taken() {
    let mut model = TempModel::new("Echo");
    gadget(
        &mut model,
        "fn handle_Ping(s, c) { [event(\"Pinged\", #{ id: c.id })] }\nfn handle_Note(s, c) { [] }\n",
        &["Ping", "Note"],
        &["Pinged"],
    );
    model.scripted(
        "pol-ping-again",
        Kind::Policy,
        "Ping again",
        None,
        "ping_again.rhai",
        "fn on_Pinged(e) { [command(\"Ping\", #{ id: e.id })] }\n",
    );
    model.scripted(
        "pol-note-it",
        Kind::Policy,
        "Note it",
        None,
        "note_it.rhai",
        "fn on_Pinged(e) { [command(\"Note\", #{ id: e.id })] }\n",
    );
    model.arrows(&[
        ("evt-pinged", "pol-ping-again"),
        ("pol-ping-again", "cmd-ping"),
        ("evt-pinged", "pol-note-it"),
        ("pol-note-it", "cmd-note"),
    ]);
    let mut session = model.open(Options { cascade_limit: 21, ..Options::default() });

    session.submit("Ping", json!({"id": "g-1"}), Source::User).unwrap();
    let mut last = String::new();
    let end = session.run_until_quiet(1000, |t| last = t.command.name.clone()).unwrap();

    assert_eq!(last, "Note", "the step that hit the limit processed a Note");
    let stopped = end.stopped.unwrap();
    assert!(
        stopped.starts_with("cascade stopped after 21 steps started by command c1 (Ping): "),
        "{stopped}"
    );
    assert!(stopped.contains("it went round Ping → Gadget → Pinged → Ping again → Ping"), "{stopped}");
    assert!(!stopped.contains("(Note)"), "{stopped}");
}

/// A gadget whose `Pinged` sets off two policies, `pol-a` issuing `Left` and `pol-z` issuing
/// `Right`, placed at `a_at` and `z_at` on the board; the events a Ping leads to.
fn reactions(a_at: Point, z_at: Point) -> Vec<String> {
    let mut model = TempModel::new("Order");
    gadget(
        &mut model,
        "fn handle_Ping(s, c) { [event(\"Pinged\", #{ id: c.id })] }\n\
         fn handle_Left(s, c) { [event(\"WentLeft\", #{ id: c.id })] }\n\
         fn handle_Right(s, c) { [event(\"WentRight\", #{ id: c.id })] }\n",
        &["Ping", "Left", "Right"],
        &["Pinged", "WentLeft", "WentRight"],
    );
    for (id, name, file, command, at) in
        [("pol-a", "Go left", "left.rhai", "Left", a_at), ("pol-z", "Go right", "right.rhai", "Right", z_at)]
    {
        let script = format!("fn on_Pinged(e) {{ [command(\"{command}\", #{{ id: e.id }})] }}\n");
        model.scripted(id, Kind::Policy, name, None, file, &script);
        model.board.elements.last_mut().unwrap().position = at;
        model.arrows(&[("evt-pinged", id), (id, &format!("cmd-{}", command.to_lowercase()))]);
    }
    let mut session = model.open(Options::default());
    run(&mut session, "Ping", json!({"id": "g-1"}));
    session.events(None).unwrap().into_iter().map(|e| e.event_type).collect()
}

/// Issue 11, item 2: reactions came in the order of element ids, which nobody sees and which
/// renaming a sticky's id changed. They follow the board's timeline: left to right, then top to
/// bottom.
#[test]
fn given_two_policies_on_one_event_then_they_react_in_board_order_left_to_right_then_top_down() {
    let left = Point { x: 400.0, y: 300.0 };
    let right = Point { x: 900.0, y: 0.0 };
    assert_eq!(reactions(left, right), ["Pinged", "WentLeft", "WentRight"]);
    assert_eq!(reactions(right, left), ["Pinged", "WentRight", "WentLeft"]);

    let (top, below) = (Point { x: 600.0, y: 0.0 }, Point { x: 600.0, y: 200.0 });
    assert_eq!(reactions(top, below), ["Pinged", "WentLeft", "WentRight"]);
    assert_eq!(reactions(below, top), ["Pinged", "WentRight", "WentLeft"]);
}

/// Issue 11, item 8: a script that computed with a missing field failed with Rhai's words
/// ("Function not found: + ((), i64)"); the error says it in a modeller's, naming the field.
#[test]
fn given_a_script_that_adds_to_a_missing_field_then_the_error_names_the_field_in_plain_words() {
    let mut model = TempModel::new("Counting");
    gadget(
        &mut model,
        "fn handle_Ping(s, c) {\n    let next = s.count + 1;\n    [event(\"Pinged\", #{ id: c.id })]\n}\n",
        &["Ping"],
        &["Pinged"],
    );
    let mut session = model.open(Options::default());

    session.submit("Ping", json!({"id": "g-1"}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    let error = &trace.errors[0];
    assert!(error.contains("gadget.rhai:2:"), "{error}");
    assert!(error.contains("in `handle_Ping`: cannot add nothing (`()`) and a whole number"), "{error}");
    assert!(error.contains("`s.count` is `()`: `s` has no field `count`, or it was never set"), "{error}");
    assert!(!error.contains("Function not found"), "{error}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_writes_nothing() {
    let mut session = open("bank_account.ron");

    let unknown =
        session.submit("Deposit", json!({"account_id": "a", "amount": 1}), Source::User).unwrap_err();
    assert!(matches!(&unknown, SimError::UnknownCommand { name, .. } if name == "Deposit"), "{unknown:?}");
    assert_eq!(
        unknown.to_string(),
        "unknown command `Deposit`; the board's commands are: ChangeOwner, DepositMoney, OpenAccount, SendThankYouEmail, WithdrawMoney"
    );

    let cases = [
        (json!({"account_id": "a"}), "missing field `amount` (decimal)"),
        (
            json!({"account_id": "a", "amount": 1, "note": "hi"}),
            "unexpected field `note`; declared fields: account_id, amount",
        ),
        (
            json!({"account_id": "a", "amount": "lots"}),
            "field `amount` should be decimal, got the string \"lots\"",
        ),
        (json!({"account_id": "", "amount": 1}), "field `account_id` should be id, got an empty string"),
        (json!([1, 2]), "the payload must be a map of fields, got a list"),
        (Value::Null, "the payload must be a map of fields, got null"),
    ];
    for (data, expected) in cases {
        let error = session.submit("DepositMoney", data.clone(), Source::User).unwrap_err();
        assert!(matches!(error, SimError::InvalidPayload { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!("command `DepositMoney` (cmd-deposit-money): {expected}"),
            "for {data}"
        );
    }
    assert_eq!(rows(&session), (0, 0, 0));
    assert!(session.step().unwrap().is_none(), "nothing was queued");
}

#[test]
fn given_a_script_that_emits_an_event_it_has_no_arrow_to_then_the_step_fails_naming_script_and_sticky() {
    let mut model = TempModel::new("Rogue");
    let script = "fn handle_Open(s, c) { [event(\"Closed\", #{ id: c.id })] }\nfn handle_Shut(s, c) { [event(\"Vanished\", #{ id: c.id })] }\n";
    gadget(&mut model, script, &["Open", "Shut"], &["Opened"]);
    // `Closed` is on the board, but the gadget has no arrow to it.
    model.add("evt-closed", Kind::Event, "Closed", &["id"]);
    let mut session = model.open(Options::default());

    let opened = run(&mut session, "Open", json!({"id": "g-1"}));
    let shut = run(&mut session, "Shut", json!({"id": "g-1"}));

    let open_error = &opened[0].errors[0];
    assert!(open_error.ends_with(
        "gadget.rhai: `handle_Open` produced event `Closed`, but aggregate `Gadget` (agg-gadget) has no arrow to it on the board"
    ), "{open_error}");
    let shut_error = &shut[0].errors[0];
    assert!(
        shut_error
            .ends_with("gadget.rhai: `handle_Shut` produced event `Vanished`, which is not on the board"),
        "{shut_error}"
    );
    assert!(opened[0].is_rejected() && shut[0].is_rejected());
    assert_eq!(rows(&session), (0, 2, 0));
}

#[test]
fn given_a_policy_that_issues_a_command_it_has_no_arrow_to_then_the_step_fails_naming_the_policy() {
    let mut model = TempModel::new("Meddler");
    gadget(
        &mut model,
        "fn handle_Open(s, c) { [event(\"Opened\", #{ id: c.id })] }\nfn handle_Shut(s, c) { [] }\n",
        &["Open", "Shut"],
        &["Opened"],
    );
    model.scripted(
        "pol-meddle",
        Kind::Policy,
        "Meddle",
        None,
        "meddle.rhai",
        "fn on_Opened(e) { [command(\"Shut\", #{ id: e.id })] }\n",
    );
    model.arrows(&[("evt-opened", "pol-meddle")]);
    let mut session = model.open(Options::default());

    let traces = run(&mut session, "Open", json!({"id": "g-1"}));

    assert_eq!(traces.len(), 1);
    let error = &traces[0].errors[0];
    assert!(
        error.ends_with(
            "meddle.rhai: `on_Opened` produced command `Shut`, but policy `Meddle` (pol-meddle) has no arrow to it on the board"
        ),
        "{error}"
    );
    assert_eq!(rows(&session), (0, 1, 0), "the step that set the policy off is undone");
}

/// Issue 11, item 6: a read model keyed by a field its event lacks refuses the command that
/// led to the event; the refusal says that the read model's configuration is at fault.
#[test]
fn given_a_read_model_keyed_by_a_field_its_event_lacks_then_the_refusal_names_the_read_models_key() {
    let mut model = TempModel::new("Tags");
    gadget(&mut model, "fn handle_Tag(s, c) { [event(\"Tagged\", #{ id: c.id })] }\n", &["Tag"], &["Tagged"]);
    model.scripted(
        "rm-tags",
        Kind::ReadModel,
        "Tags",
        Some("tag"),
        "tags.rhai",
        "fn project_Tagged(doc, e) { #{ id: e.id } }\n",
    );
    // The board could not run otherwise: the lint makes this an error.
    let why = "accepted to see the simulator's message";
    model.board.elements.last_mut().unwrap().allow.insert("unknown-key-field".into(), why.into());
    model.arrows(&[("evt-tagged", "rm-tags")]);
    let mut session = model.open(Options::default());

    session.submit("Tag", json!({"id": "a"}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    assert_eq!(
        reason(&trace),
        "read model `Tags` (rm-tags) files its documents by the key `tag`, but event `Tagged` has no \
         `tag`; this is the read model's configuration, not the command: set the read model's key to \
         a field every event it projects carries, or define `keys_Tagged(event)`"
    );
}

/// A `Tags` read model keyed by `id` with the given projection of `Tagged`, after one `Tag`.
fn tagged(projection: &str) -> (TempModel, Session) {
    let mut model = TempModel::new("Tags");
    gadget(&mut model, "fn handle_Tag(s, c) { [event(\"Tagged\", #{ id: c.id })] }\n", &["Tag"], &["Tagged"]);
    model.scripted("rm-tags", Kind::ReadModel, "Tags", Some("id"), "tags.rhai", projection);
    model.arrows(&[("evt-tagged", "rm-tags")]);
    let session = model.open(Options::default());
    (model, session)
}

const COUNTING: &str = "fn project_Tagged(doc, e) {\n    if doc == () { return #{ count: 1 }; }\n    doc.count += 1;\n    DONE\n}\n";

/// Issue 11, item 9: a projection that forgot to return its document (`doc.count += 1;` as
/// its last line returns `()`) deleted the document, silently. Deleting takes `delete()`.
#[test]
fn given_a_projection_that_forgets_to_return_its_document_then_the_step_fails_and_the_document_stays() {
    let (_model, mut session) = tagged(&COUNTING.replace("DONE", ""));
    run(&mut session, "Tag", json!({"id": "a"}));

    session.submit("Tag", json!({"id": "a"}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    assert!(trace.is_rejected());
    let error = &trace.errors[0];
    assert!(
        error.contains("tags.rhai: `project_Tagged` returned nothing for the document Tags[a]"),
        "{error}"
    );
    assert!(error.contains("return the document (end with `doc`, no semicolon), or `delete()`"), "{error}");
    assert_eq!(session.document("Tags", "a").unwrap(), Some(json!({"count": 1})));
}

#[test]
fn given_a_projection_that_returns_delete_then_the_document_is_deleted_and_the_trace_says_so() {
    let (_model, mut session) =
        tagged(&COUNTING.replace("DONE", "if doc.count > 1 { delete() } else { doc }"));
    run(&mut session, "Tag", json!({"id": "a"}));

    let traces = run(&mut session, "Tag", json!({"id": "a"}));

    assert_eq!(session.document("Tags", "a").unwrap(), None);
    let change = &traces[0].documents[0];
    assert_eq!((change.before.clone(), change.after.clone()), (Some(json!({"count": 1})), None));
    // A replay agrees.
    assert!(session.replay().unwrap().changed.is_empty());
}

#[test]
fn given_two_documents_changed_in_one_step_then_each_starts_from_its_own_stored_version() {
    let mut model = TempModel::new("Tags");
    gadget(
        &mut model,
        "fn handle_Tag(s, c) { [event(\"Tagged\", #{ id: c.id }), event(\"Tagged\", #{ id: c.other })] }\n",
        &["Tag"],
        &["Tagged"],
    );
    model
        .board
        .elements
        .iter_mut()
        .find(|e| e.name == "Tag")
        .unwrap()
        .fields
        .push(Field { name: "other".into(), ty: FieldType::Id });
    model.scripted(
        "rm-tags",
        Kind::ReadModel,
        "Tags",
        Some("id"),
        "tags.rhai",
        "fn project_Tagged(doc, e) { if doc == () { #{ id: e.id, count: 1 } } else { doc.count += 1; doc } }\n",
    );
    model.arrows(&[("evt-tagged", "rm-tags")]);
    let mut session = model.open(Options::default());
    run(&mut session, "Tag", json!({"id": "a", "other": "b"}));

    // Any id is a valid key, including one that looks like another key's
    // bookkeeping.
    let traces = run(&mut session, "Tag", json!({"id": "a", "other": "before:a"}));

    assert_eq!(session.document("Tags", "a").unwrap(), Some(json!({"count": 2, "id": "a"})));
    assert_eq!(session.document("Tags", "before:a").unwrap(), Some(json!({"count": 1, "id": "before:a"})));
    let changes: Vec<(&str, Option<&Value>)> =
        traces[0].documents.iter().map(|d| (d.key.as_str(), d.before.as_ref())).collect();
    assert_eq!(changes, [("a", Some(&json!({"count": 1, "id": "a"}))), ("before:a", None)]);
}

/// Open acc-1 (no bonus account) and run the given deposits, returning the
/// head after each command.
fn deposits(session: &mut Session, amounts: &[i64]) -> Vec<u64> {
    run(session, "OpenAccount", json!({"account_id": "acc-1", "owner": "Alice"}));
    let mut heads = vec![session.store().head(session.branch()).unwrap()];
    for amount in amounts {
        run(session, "DepositMoney", json!({"account_id": "acc-1", "amount": amount}));
        heads.push(session.store().head(session.branch()).unwrap());
    }
    heads
}

fn balance(session: &mut Session) -> (Value, Value) {
    let state = session.state("BankAccount", "acc-1").unwrap()["balance"].clone();
    let document = session.document("AccountOverview", "acc-1").unwrap().unwrap()["balance"].clone();
    (state, document)
}

#[test]
fn given_a_history_when_rewound_then_state_and_documents_are_as_of_then_and_the_old_branch_keeps_its_events()
{
    let mut session = open("bank_account.ron");
    let heads = deposits(&mut session, &[100, 50, 25]);
    let all = session.events(None).unwrap().len();

    let branch = session.rewind(heads[1]).unwrap();

    assert_eq!(branch, format!("main@{}", heads[1]));
    assert_eq!(session.branch(), branch);
    assert_eq!(balance(&mut session), (json!(100), json!(100)));
    assert_eq!(session.events(None).unwrap().len() as u64, heads[1]);
    let recent = session.document("AccountOverview", "acc-1").unwrap().unwrap()["recent_changes"].clone();
    assert_eq!(recent, json!(["opened for Alice", "deposited 100"]));

    // The new branch goes its own way; main keeps everything.
    run(&mut session, "WithdrawMoney", json!({"account_id": "acc-1", "amount": 30}));
    assert_eq!(balance(&mut session), (json!(70), json!(70)));
    session.switch("main").unwrap();
    assert_eq!(session.events(None).unwrap().len(), all);
    assert_eq!(balance(&mut session), (json!(175), json!(175)));

    // Rewinding to the same place again gets a fresh name.
    assert_eq!(session.rewind(heads[1]).unwrap(), format!("main@{}.2", heads[1]));
}

/// Names and payloads of the current branch's events after `position`.
fn events_after(session: &Session, position: u64) -> Vec<(String, Value)> {
    session
        .events(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.position > position)
        .map(|e| (e.event_type, e.payload))
        .collect()
}

/// Issue 11, item 3: rewinding inside a cascade dropped the commands its policies had issued.
#[test]
fn given_a_deposit_cascade_when_rewound_to_its_money_deposited_then_running_on_gives_the_same_cascade() {
    let mut session = open("bank_account.ron");
    let heads = deposits(&mut session, &[100]);
    let deposited = session
        .events(None)
        .unwrap()
        .into_iter()
        .find(|e| e.event_type == "MoneyDeposited")
        .unwrap()
        .position;
    let on_main = events_after(&session, deposited);
    assert!(on_main.iter().any(|(name, _)| name == "ThankYouEmailSent"), "{on_main:?}");

    session.rewind(deposited).unwrap();

    // The policies' commands (thank-you email, CEO bonus) wait as they did then.
    let pending: Vec<String> = session
        .store()
        .pending_commands(session.branch(), 10)
        .unwrap()
        .into_iter()
        .map(|q| q.command.command_type)
        .collect();
    assert_eq!(pending, ["SendThankYouEmail", "DepositMoney"]);
    let end = session.run_until_quiet(100, |_| {}).unwrap();
    assert!(end.quiet && end.steps == 2, "{end:?}");
    assert_eq!(events_after(&session, heads[1]), on_main);
    assert_eq!(balance(&mut session), (json!(100), json!(100)));
}

/// A user command queued behind another one is pending at the first one's events; one queued
/// after them is not.
#[test]
fn given_user_commands_queued_before_and_after_an_event_when_rewound_there_then_only_the_earlier_waits() {
    let mut session = open("bank_account.ron");
    run(&mut session, "OpenAccount", json!({"account_id": "acc-1", "owner": "Alice"}));
    session.submit("DepositMoney", json!({"account_id": "acc-1", "amount": 10}), Source::User).unwrap();
    session.submit("DepositMoney", json!({"account_id": "acc-1", "amount": 20}), Source::User).unwrap();
    session.step().unwrap();
    let first = session.store().head("main").unwrap();
    session.run_until_quiet(100, |_| {}).unwrap();
    let quiet = session.store().head("main").unwrap();
    session.submit("DepositMoney", json!({"account_id": "acc-1", "amount": 40}), Source::User).unwrap();
    session.run_until_quiet(100, |_| {}).unwrap();

    session.rewind(first).unwrap();
    let amounts = |session: &Session| -> Vec<Value> {
        session
            .store()
            .pending_commands(session.branch(), 10)
            .unwrap()
            .into_iter()
            .filter(|q| q.command.metadata.causation_id.is_none())
            .map(|q| q.command.payload["amount"].clone())
            .collect()
    };
    assert_eq!(amounts(&session), [json!(20)]);

    session.switch("main").unwrap();
    session.rewind(quiet).unwrap();
    assert_eq!(amounts(&session), Vec::<Value>::new());
}

#[test]
fn given_a_what_if_branch_then_switch_and_diff_show_both_sides() {
    let mut session = open("bank_account.ron");
    deposits(&mut session, &[100]);
    let head = session.store().head("main").unwrap();

    session.fork("big-deposit", None).unwrap();
    run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 1000}));
    assert_eq!(balance(&mut session), (json!(1100), json!(1100)));

    session.switch("main").unwrap();
    assert_eq!(balance(&mut session), (json!(100), json!(100)));
    run(&mut session, "ChangeOwner", json!({"account_id": "acc-1", "owner": "Bob"}));

    let diff = session.diff("main", "big-deposit").unwrap();
    let named = |events: &[EventSummary]| -> Vec<(String, Value)> {
        events.iter().map(|e| (e.name.clone(), e.data.clone())).collect()
    };
    assert_eq!(
        named(&diff.only_left),
        [(
            "OwnerChanged".to_owned(),
            json!({"account_id": "acc-1", "owner": "Bob", "previous_owner": "Alice"})
        )]
    );
    assert_eq!(
        named(&diff.only_right),
        [
            ("MoneyDeposited".to_owned(), json!({"account_id": "acc-1", "amount": 1000})),
            ("ThankYouEmailSent".to_owned(), json!({"account_id": "acc-1"})),
        ]
    );
    assert!(diff.only_right.iter().all(|e| e.position > head));
    assert_eq!(diff.documents.len(), 1);
    let changed = &diff.documents[0];
    assert_eq!((changed.read_model.as_str(), changed.key.as_str()), ("AccountOverview", "acc-1"));
    let (left, right) = (changed.before.as_ref().unwrap(), changed.after.as_ref().unwrap());
    assert_eq!((&left["owner"], &left["balance"]), (&json!("Bob"), &json!(100)));
    assert_eq!((&right["owner"], &right["balance"]), (&json!("Alice"), &json!(1100)));
}

/// A copy of the bank-account model and scripts, free to edit.
fn bank_account_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    let scripts = dir.path().join("scripts/bank_account");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::copy(workspace().join("models/bank_account.ron"), models.join("bank_account.ron")).unwrap();
    for entry in std::fs::read_dir(workspace().join("scripts/bank_account")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), scripts.join(entry.file_name())).unwrap();
    }
    (dir, models)
}

fn open_at(models: &Path, store: Store) -> Session {
    let board = squall_model::load(&models.join("bank_account.ron")).unwrap();
    Session::open(board, models, store, Options::default()).unwrap()
}

#[test]
fn given_an_edited_projection_when_replayed_then_the_changed_documents_are_reported() {
    let (dir, models) = bank_account_copy();
    let mut session = open_at(&models, Store::open_in_memory().unwrap());
    deposits(&mut session, &[100, 50]);
    run(&mut session, "OpenAccount", json!({"account_id": "acc-2", "owner": "Bob"}));
    let events = session.events(None).unwrap().len() as u64;

    let unchanged = session.replay().unwrap();
    assert_eq!((unchanged.events, unchanged.changed.len()), (events, 0));

    // Keep only the last change instead of the last five.
    let script = dir.path().join("scripts/bank_account/account_overview.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    let edited = text.replace("const RECENT = 5;", "const RECENT = 1;");
    assert_ne!(text, edited, "the constant to edit was not found");
    std::fs::write(&script, edited).unwrap();
    // Make sure the edit is seen even where file times are coarse.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&script).unwrap().set_modified(later).unwrap();

    let report = session.replay().unwrap();

    assert_eq!(report.events, events);
    assert_eq!(report.changed.len(), 1, "acc-2 has one change either way: {report:?}");
    let acc1 = report.changed.iter().find(|d| d.key == "acc-1").unwrap();
    assert_eq!(acc1.read_model, "AccountOverview");
    assert_eq!(
        acc1.before.as_ref().unwrap()["recent_changes"],
        json!(["opened for Alice", "deposited 100", "deposited 50"])
    );
    assert_eq!(acc1.after.as_ref().unwrap()["recent_changes"], json!(["deposited 50"]));
    assert_eq!(session.document("AccountOverview", "acc-1").unwrap().as_ref(), acc1.after.as_ref());
    assert_eq!(
        session.document("AccountOverview", "acc-2").unwrap().unwrap()["recent_changes"],
        json!(["opened for Bob"])
    );
}

#[test]
fn given_a_projection_that_now_fails_for_two_accounts_when_replayed_then_the_earlier_failure_is_reported_and_nothing_changes()
 {
    let (dir, models) = bank_account_copy();
    let mut session = open_at(&models, Store::open_in_memory().unwrap());
    // Many accounts, so a replay spread over threads gives each thread some.
    for i in 0..60 {
        run(&mut session, "OpenAccount", json!({"account_id": format!("acc-{i}"), "owner": "Alice"}));
    }
    for i in (0..60).rev() {
        run(&mut session, "DepositMoney", json!({"account_id": format!("acc-{i}"), "amount": 5}));
    }
    let before = session.documents("AccountOverview").unwrap();

    // Deposits into acc-7 and acc-41 now break the projection; acc-41's came first.
    let script = dir.path().join("scripts/bank_account/account_overview.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    let edited = text.replace(
        "fn project_MoneyDeposited(doc, event) {",
        "fn project_MoneyDeposited(doc, event) {\n    if event.account_id == \"acc-7\" || event.account_id == \"acc-41\" { throw `no deposits for ${event.account_id}`; }",
    );
    assert_ne!(text, edited, "the projection to edit was not found");
    std::fs::write(&script, edited).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&script).unwrap().set_modified(later).unwrap();

    for _ in 0..3 {
        let error = session.replay().unwrap_err().to_string();
        assert!(error.contains("threw: no deposits for acc-41"), "{error}");
    }
    assert_eq!(session.documents("AccountOverview").unwrap(), before);
}

#[test]
fn given_an_edited_aggregate_and_policy_when_scripts_are_reloaded_then_states_follow_the_new_scripts() {
    let (dir, models) = bank_account_copy();
    let mut session = open_at(&models, Store::open_in_memory().unwrap());
    run(&mut session, "OpenAccount", json!({"account_id": "ceo-bonus", "owner": "The CEO"}));
    deposits(&mut session, &[100]);
    run(&mut session, "DepositMoney", json!({"account_id": "ceo-bonus", "amount": 60}));
    assert_eq!(session.state("BankAccount", "acc-1").unwrap()["balance"], json!(100));

    // Deposits now count twice, and the CEO's cap is 50.
    let edit = |file: &str, from: &str, to: &str| {
        let script = dir.path().join("scripts/bank_account").join(file);
        let text = std::fs::read_to_string(&script).unwrap();
        assert!(text.contains(from), "{from} not found in {file}");
        std::fs::write(&script, text.replace(from, to)).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options().write(true).open(&script).unwrap().set_modified(later).unwrap();
    };
    edit("bank_account.rhai", "state.balance += event.amount;", "state.balance += event.amount * 2;");
    edit("ceo_bonus.rhai", "const CAP = 100000.0;", "const CAP = 50.0;");
    let reloaded = session.reload_scripts().unwrap();
    assert_eq!(reloaded.len(), 2, "{reloaded:?}");

    assert_eq!(session.state("BankAccount", "acc-1").unwrap()["balance"], json!(200));
    let traces = run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 10}));
    let steps: Vec<&str> = traces.iter().map(|t| t.command.name.as_str()).collect();
    assert_eq!(steps, ["DepositMoney", "SendThankYouEmail"], "the bonus account holds 60, over the new cap");
    assert_eq!(traces[0].state_after.as_ref().unwrap()["balance"], json!(220));
}

#[test]
fn given_a_file_store_when_reopened_then_positions_commands_and_policy_state_continue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let store = || Store::open(&path, Durability::Interactive).unwrap();
    let (last_position, last_at) = {
        let mut session = open_with("bank_account.ron", store());
        run(&mut session, "OpenAccount", json!({"account_id": "ceo-bonus", "owner": "The CEO"}));
        run(&mut session, "OpenAccount", json!({"account_id": "acc-1", "owner": "Alice"}));
        // Fill the bonus account to the cap: the policy remembers that.
        run(&mut session, "DepositMoney", json!({"account_id": "ceo-bonus", "amount": 100000}));
        let traces = run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 100}));
        let steps: Vec<&str> = traces.iter().map(|t| t.command.name.as_str()).collect();
        assert_eq!(steps, ["DepositMoney", "SendThankYouEmail"], "no bonus at the cap");
        (session.store().head("main").unwrap(), traces.last().unwrap().at.clone())
    };

    let mut session = open_with("bank_account.ron", store());
    let traces = run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 200}));

    let steps: Vec<&str> = traces.iter().map(|t| t.command.name.as_str()).collect();
    assert_eq!(steps, ["DepositMoney", "SendThankYouEmail"], "still no bonus: the cap is remembered");
    assert_eq!(traces[0].events[0].position, last_position + 1);
    assert!(traces[0].at > last_at, "{} after {last_at}", traces[0].at);
    let ids: Vec<Value> = session
        .store()
        .query("SELECT command_id FROM commands")
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let mut unique = ids.clone();
    unique.sort_by_key(ToString::to_string);
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "command ids are not reused: {ids:?}");
    assert_eq!(balance(&mut session), (json!(300), json!(300)));
}

#[test]
fn given_a_transfer_cut_off_mid_cascade_when_the_store_is_reopened_then_it_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("transfer.db");
    let store = || Store::open(&path, Durability::Interactive).unwrap();
    {
        let mut session = open_with("money_transfer.ron", store());
        for (id, balance) in [("acc-alice", 100), ("acc-bob", 0)] {
            run(
                &mut session,
                "OpenAccount",
                json!({"account_id": id, "owner": id, "opening_balance": balance}),
            );
        }
        session
            .submit(
                "RequestTransfer",
                json!({"transfer_id": "t-1", "from_account_id": "acc-alice", "to_account_id": "acc-bob", "amount": 30}),
                Source::User,
            )
            .unwrap();
        // Request and debit; the credit waits in the queue.
        session.step().unwrap().unwrap();
        let debit = session.step().unwrap().unwrap();
        assert_eq!(debit.issued[0].name, "CreditAccount");
    }

    let mut session = open_with("money_transfer.ron", store());
    assert_eq!(session.pending().unwrap(), 1);
    let mut names = Vec::new();
    let end = session.run_until_quiet(100, |t| names.push(t.command.name.clone())).unwrap();

    assert!(end.quiet);
    assert_eq!(names, ["CreditAccount", "CompleteTransfer"]);
    assert_eq!(session.state("Account", "acc-bob").unwrap()["balance"], json!(30));
    assert_eq!(session.document("TransferStatus", "t-1").unwrap().unwrap()["status"], json!("completed"));
}
