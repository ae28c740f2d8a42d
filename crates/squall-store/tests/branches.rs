//! Branches: forks see their ancestors' events up to the fork, plus their own.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::{T0, append, event, step, visible};
use serde_json::json;
use squall_store::{Branch, Error, MAIN, Store};

fn positions(store: &Store, branch: &str) -> Vec<u64> {
    visible(store, branch).into_iter().map(|(p, _, _)| p).collect()
}

#[test]
fn given_a_new_store_when_listing_branches_then_only_main_exists() {
    let store = Store::open_in_memory().unwrap();

    let branches = store.branches().unwrap();

    assert_eq!(
        branches,
        vec![Branch { name: MAIN.to_owned(), parent: None, fork_position: None, created_at: None }]
    );
    assert_eq!(store.head(MAIN).unwrap(), 0);
}

#[test]
fn given_a_fork_at_n_when_both_branches_append_then_each_sees_the_shared_prefix_and_its_own_events() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 1..=3 {
        append(&mut store, MAIN, &format!("m{i}"), "acc");
    }
    let fork = store.create_branch("what-if", MAIN, 2, "2024-02-01T00:00:00Z").unwrap();
    assert_eq!(fork.fork_position, Some(2));

    append(&mut store, MAIN, "m4", "acc"); // position 4, acc v4 on main
    let p5 = append(&mut store, "what-if", "w1", "acc"); // acc v3 on what-if
    append(&mut store, MAIN, "m5", "acc"); // position 6

    assert_eq!(p5, 5);
    assert_eq!(positions(&store, MAIN), vec![1, 2, 3, 4, 6]);
    assert_eq!(positions(&store, "what-if"), vec![1, 2, 5]);
    assert_eq!(store.stream_version(MAIN, "acc").unwrap(), 5);
    assert_eq!(store.stream_version("what-if", "acc").unwrap(), 3);
    assert_eq!(store.head(MAIN).unwrap(), 6);
    assert_eq!(store.head("what-if").unwrap(), 5);
    let versions: Vec<u64> =
        store.stream_events("what-if", "acc").unwrap().iter().map(|e| e.stream_version).collect();
    assert_eq!(versions, vec![1, 2, 3]);
}

#[test]
fn given_events_on_two_branches_then_the_last_position_is_the_stores_while_each_head_is_its_branchs() {
    let mut store = Store::open_in_memory().unwrap();
    let empty = store.last_position().unwrap();
    append(&mut store, MAIN, "m1", "acc");
    store.create_branch("what-if", MAIN, 1, T0).unwrap();
    append(&mut store, "what-if", "w1", "acc");

    assert_eq!(empty, 0);
    assert_eq!(store.last_position().unwrap(), 2);
    assert_eq!((store.head(MAIN).unwrap(), store.head("what-if").unwrap()), (1, 2));
}

#[test]
fn given_a_fork_when_its_stream_conflicts_then_the_version_checked_is_the_branch_view() {
    let mut store = Store::open_in_memory().unwrap();
    append(&mut store, MAIN, "m1", "acc");
    append(&mut store, MAIN, "m2", "acc");
    store.create_branch("b", MAIN, 1, T0).unwrap();

    // Main is at version 2, but the branch only sees version 1.
    let err = store.commit_step("b", &step("b1", vec![event("acc", 2, "E", json!({}))])).unwrap_err();
    let ok = store.commit_step("b", &step("b2", vec![event("acc", 1, "E", json!({}))]));

    assert!(
        matches!(err, Error::Conflict { ref branch, expected: 2, actual: 1, .. } if branch == "b"),
        "{err}"
    );
    assert_eq!(ok.unwrap().positions, vec![3]);
}

#[test]
fn given_nested_branches_when_each_appends_then_visibility_follows_the_smallest_fork_on_the_path() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 1..=4 {
        append(&mut store, MAIN, &format!("m{i}"), "s"); // 1..=4
    }
    store.create_branch("child", MAIN, 3, T0).unwrap();
    append(&mut store, "child", "c1", "s"); // 5 (s v4 in child)
    append(&mut store, MAIN, "m5", "s"); // 6
    append(&mut store, "child", "c2", "s"); // 7
    // Grandchild forks the child at 5: sees main 1..=3 and child's 5, not child's 7.
    store.create_branch("grandchild", "child", 5, T0).unwrap();
    append(&mut store, "grandchild", "g1", "s"); // 8
    // A second grandchild forks the child below the child's own fork point: main 1..=2 only.
    store.create_branch("early", "child", 2, T0).unwrap();
    append(&mut store, "early", "e1", "s"); // 9

    assert_eq!(positions(&store, MAIN), vec![1, 2, 3, 4, 6]);
    assert_eq!(positions(&store, "child"), vec![1, 2, 3, 5, 7]);
    assert_eq!(positions(&store, "grandchild"), vec![1, 2, 3, 5, 8]);
    assert_eq!(positions(&store, "early"), vec![1, 2, 9]);
    assert_eq!(store.stream_version("grandchild", "s").unwrap(), 5);
    assert_eq!(store.stream_version("early", "s").unwrap(), 3);
    assert_eq!(store.head("grandchild").unwrap(), 8);
    let mut window = Vec::new();
    store
        .for_each_event("grandchild", 2, Some(5), |e| {
            window.push((e.position, e.branch.to_owned()));
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(window, vec![(3, MAIN.to_owned()), (5, "child".to_owned())]);
}

#[test]
fn given_nested_branches_when_querying_the_visible_events_view_then_plain_sql_agrees_with_the_api() {
    let mut store = Store::open_in_memory().unwrap();
    for i in 1..=3 {
        append(&mut store, MAIN, &format!("m{i}"), "s");
    }
    store.create_branch("child", MAIN, 2, T0).unwrap();
    append(&mut store, "child", "c1", "s");
    store.create_branch("grandchild", "child", 4, T0).unwrap();
    append(&mut store, "grandchild", "g1", "s");
    append(&mut store, "child", "c2", "s");

    for branch in [MAIN, "child", "grandchild"] {
        let via_view = store
            .query(&format!(
                "SELECT position FROM visible_events WHERE visible_in = '{branch}' ORDER BY position"
            ))
            .unwrap();
        let predicate = store.visibility_predicate(branch).unwrap();
        let via_predicate =
            store.query(&format!("SELECT position FROM events WHERE {predicate} ORDER BY position")).unwrap();
        let expected: Vec<Vec<serde_json::Value>> =
            positions(&store, branch).into_iter().map(|p| vec![json!(p)]).collect();

        assert_eq!(via_view.rows, expected, "view for {branch}");
        assert_eq!(via_predicate.rows, expected, "predicate for {branch}: {predicate}");
    }
}

#[test]
fn given_an_unknown_parent_when_forking_then_it_is_refused_naming_the_branch() {
    let mut store = Store::open_in_memory().unwrap();

    let err = store.create_branch("b", "nope", 0, T0).unwrap_err();

    assert!(matches!(err, Error::UnknownBranch { ref branch, .. } if branch == "nope"));
    assert!(err.to_string().contains("no branch named \"nope\""), "{err}");
    assert_eq!(store.branches().unwrap().len(), 1);
}

#[test]
fn given_an_existing_name_when_forking_then_it_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    store.create_branch("b", MAIN, 0, T0).unwrap();

    let err = store.create_branch("b", MAIN, 0, T0).unwrap_err();
    let main = store.create_branch(MAIN, MAIN, 0, T0).unwrap_err();

    assert!(matches!(err, Error::BranchExists { ref branch, .. } if branch == "b"), "{err}");
    assert!(matches!(main, Error::BranchExists { .. }), "{main}");
    assert_eq!(store.branches().unwrap().len(), 2);
}

#[test]
fn given_a_position_beyond_the_parent_head_when_forking_then_it_is_refused_with_both_numbers() {
    let mut store = Store::open_in_memory().unwrap();
    append(&mut store, MAIN, "m1", "s");
    store.create_branch("b", MAIN, 1, T0).unwrap();
    append(&mut store, MAIN, "m2", "s"); // position 2 is on main, not visible in b

    let err = store.create_branch("c", "b", 2, T0).unwrap_err();

    assert!(
        matches!(err, Error::ForkBeyondHead { position: 2, head: 1, ref parent, .. } if parent == "b"),
        "{err}"
    );
    assert!(err.to_string().contains("the head of \"b\" is 1"), "{err}");
}

#[test]
fn given_bad_names_when_forking_then_they_are_refused() {
    let mut store = Store::open_in_memory().unwrap();

    for name in ["", "two words", "tab\there"] {
        let err = store.create_branch(name, MAIN, 0, T0).unwrap_err();
        assert!(matches!(err, Error::InvalidBranchName { .. }), "{name:?}: {err}");
    }
}

#[test]
fn given_branches_when_listed_then_they_come_in_creation_order_with_their_fork_points() {
    let mut store = Store::open_in_memory().unwrap();
    append(&mut store, MAIN, "m1", "s");
    store.create_branch("z-first", MAIN, 1, "t1").unwrap();
    store.create_branch("a-second", "z-first", 0, "t2").unwrap();

    let branches = store.branches().unwrap();

    let summary: Vec<_> = branches
        .iter()
        .map(|b| (b.name.as_str(), b.parent.as_deref(), b.fork_position, b.created_at.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (MAIN, None, None, None),
            ("z-first", Some(MAIN), Some(1), Some("t1")),
            ("a-second", Some("z-first"), Some(0), Some("t2")),
        ]
    );
}

#[test]
fn given_a_fork_when_read_models_and_queue_are_read_then_they_start_empty() {
    let mut store = Store::open_in_memory().unwrap();
    let mut s = step("m1", vec![event("s", 0, "E", json!({}))]);
    s.documents.push(squall_store::DocumentChange::Upsert {
        read_model: "rm".to_owned(),
        key: "k".to_owned(),
        document: json!(1),
    });
    s.checkpoints.push("rm".to_owned());
    s.enqueue.push(common::command("next", "Do"));
    store.commit_step(MAIN, &s).unwrap();

    store.create_branch("b", MAIN, 1, T0).unwrap();

    assert!(store.documents("b", "rm").unwrap().is_empty());
    assert_eq!(store.checkpoint("b", "rm").unwrap(), 0);
    assert_eq!(store.pending_count("b").unwrap(), 0);
    assert_eq!(store.pending_count(MAIN).unwrap(), 1);
}

/// A policy's command: issued in reaction to `cause`, in the cascade `corr`.
fn issued(id: &str, cause: &str) -> squall_store::Command {
    let mut command = common::command(id, "Notify");
    command.metadata.correlation_id = "corr".to_owned();
    command.metadata.causation_id = Some(cause.to_owned());
    command
}

/// Processes queued `id` on `branch`, appending one event to stream `t`.
fn process(store: &mut Store, branch: &str, id: &str) -> u64 {
    let version = store.stream_version(branch, "t").unwrap();
    let mut s = step(id, vec![event("t", version, "Notified", json!({}))]);
    s.command = store.next_pending(branch).unwrap().unwrap().command;
    s.from_queue = true;
    store.commit_step(branch, &s).unwrap().positions[0]
}

fn queued_ids(store: &Store, branch: &str) -> Vec<String> {
    store.pending_commands(branch, 10).unwrap().into_iter().map(|q| q.command.id).collect()
}

// Issue 11, item 3: a fork inside a cascade starts with the commands pending there.
#[test]
fn given_a_policy_command_processed_later_when_forked_between_then_the_fork_queues_it_again() {
    let mut store = Store::open_in_memory().unwrap();
    let mut deposit = step("m1", vec![event("s", 0, "Deposited", json!({}))]);
    deposit.enqueue.push(issued("p1", "s-1"));
    store.commit_step(MAIN, &deposit).unwrap();
    let caused = process(&mut store, MAIN, "p1");
    assert_eq!(caused, 2);

    store.create_branch("at-deposit", MAIN, 1, T0).unwrap();
    store.create_branch("after-it", MAIN, 2, T0).unwrap();
    store.create_branch("before-it", MAIN, 0, T0).unwrap();

    assert_eq!(queued_ids(&store, "at-deposit"), ["p1"]);
    assert_eq!(queued_ids(&store, "after-it"), Vec::<String>::new());
    assert_eq!(queued_ids(&store, "before-it"), Vec::<String>::new());
    assert_eq!(store.find_command("at-deposit", "p1").unwrap(), None);

    // The fork processes it itself; a fork of the fork at the deposit finds it pending again.
    let again = process(&mut store, "at-deposit", "p1");
    assert_eq!(queued_ids(&store, "at-deposit"), Vec::<String>::new());
    store.create_branch("nested", "at-deposit", 1, T0).unwrap();
    store.create_branch("nested-after", "at-deposit", again, T0).unwrap();
    assert_eq!(queued_ids(&store, "nested"), ["p1"]);
    assert_eq!(queued_ids(&store, "nested-after"), Vec::<String>::new());
}

#[test]
fn given_user_commands_when_forked_then_only_those_queued_before_the_position_wait() {
    let mut store = Store::open_in_memory().unwrap();
    append(&mut store, MAIN, "m1", "s");
    store.enqueue(MAIN, &common::command("early", "Do"), T0).unwrap();
    append(&mut store, MAIN, "m2", "s");
    store.enqueue(MAIN, &common::command("late", "Do"), T0).unwrap();

    store.create_branch("at-1", MAIN, 1, T0).unwrap();
    store.create_branch("at-2", MAIN, 2, T0).unwrap();

    assert_eq!(queued_ids(&store, "at-1"), Vec::<String>::new());
    assert_eq!(queued_ids(&store, "at-2"), ["early"]);
    let queued = store.next_pending(MAIN).unwrap().unwrap();
    assert_eq!(queued.command.metadata.queued_after, Some(1));
}
