//! The session's caches: a step takes aggregate states and documents out of them rather than
//! copying them, and on a fresh store a miss means "none" without asking the store. What a
//! step that is refused after taking them leaves behind.
// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::run;
use common::temp_model::{TempModel, gadget};
use serde_json::json;
use squall_model::Kind;
use squall_sim::{Options, Session, Source};

/// A gadget whose `Break` emits an event its read model's projection throws on, after the
/// aggregate's applier has run: the step is refused once both were taken from the cache.
fn breakable() -> TempModel {
    let mut model = TempModel::new("Breakable");
    let aggregate = "fn handle_Touch(s, c) { [event(\"Touched\", #{ id: c.id })] }\n\
                     fn handle_Break(s, c) { [event(\"Broken\", #{ id: c.id })] }\n\
                     fn apply_Touched(s, e) { s.touches = (s.touches ?? 0) + 1; s }\n\
                     fn apply_Broken(s, e) { s.broken = true; s }\n";
    gadget(&mut model, aggregate, &["Touch", "Break"], &["Touched", "Broken"]);
    let projection = "fn project_Touched(doc, event) { if doc == () { #{ touches: 1 } } else { doc.touches += 1; doc } }\n\
                      fn project_Broken(doc, event) { throw \"the log cannot take it\"; }\n";
    model.scripted("rm-log", Kind::ReadModel, "Log", Some("id"), "log.rhai", projection);
    model.arrows(&[("evt-touched", "rm-log"), ("evt-broken", "rm-log")]);
    model
}

fn touches(session: &Session) -> serde_json::Value {
    session.documents("Log").unwrap()[0].document["touches"].clone()
}

#[test]
fn given_a_fresh_store_when_a_step_is_refused_after_taking_state_and_document_then_the_next_step_finds_them()
{
    let model = breakable();
    let mut session = model.open(Options::default());
    run(&mut session, "Touch", json!({"id": "g-1"}));
    run(&mut session, "Touch", json!({"id": "g-1"}));

    session.submit("Break", json!({"id": "g-1"}), Source::User).unwrap();
    let broken = session.step().unwrap().unwrap();
    let after = run(&mut session, "Touch", json!({"id": "g-1"}));

    assert!(broken.is_rejected(), "{broken:?}");
    assert!(broken.errors[0].contains("the log cannot take it"), "{:?}", broken.errors);
    assert!(!after[0].is_rejected(), "{:?}", after[0].errors);
    assert_eq!(after[0].events[0].stream_version, 3, "the refused Broken event never joined the stream");
    assert_eq!(touches(&session), json!(3));
    let state = session.state("Gadget", "g-1").unwrap();
    assert_eq!((state["touches"].clone(), state.get("broken").cloned()), (json!(3), None));
}

#[test]
fn given_a_batch_on_a_fresh_store_when_a_step_is_refused_after_taking_them_then_the_batch_goes_on_from_the_store()
 {
    let model = breakable();
    let mut session = model.open(Options::default());
    session.begin_batch().unwrap();
    for command in ["Touch", "Touch", "Break", "Touch"] {
        session.submit(command, json!({"id": "g-1"}), Source::User).unwrap();
        session.run_untraced(10).unwrap();
    }
    session.finish_batch().unwrap();

    assert_eq!(touches(&session), json!(3));
    assert_eq!(session.events(None).unwrap().len(), 3);
}
