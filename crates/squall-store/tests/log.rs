//! The app's event log: filtered pages with totals across branches, counts per type, streams of
//! an aggregate, cascades and commands by id, and the indexes that keep them fast.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::{T0, command, event};
use serde_json::json;
use squall_store::{EventFilter, MAIN, NewEvent, Step, Store};

/// One accepted command `id` in cascade `correlation`, appending `events` on `stream`.
fn commit(store: &mut Store, branch: &str, id: &str, correlation: &str, stream: &str, types: &[&str]) {
    let mut cmd = command(id, "Deposit");
    cmd.metadata.correlation_id = correlation.to_owned();
    let mut step = Step::accepted(cmd, T0);
    let version = store.stream_version(branch, stream).unwrap();
    for (n, event_type) in types.iter().enumerate() {
        let version = version + n as u64;
        let mut new: NewEvent = event(stream, version, event_type, json!({"account_id": stream, "n": n}));
        new.metadata.event_id = format!("{id}.{}", n + 1);
        new.metadata.command_id = id.to_owned();
        new.metadata.correlation_id = correlation.to_owned();
        step.events.push(new);
    }
    store.commit_step(branch, &step).unwrap();
}

fn positions(page: &squall_store::EventPage) -> Vec<u64> {
    page.events.iter().map(|e| e.position).collect()
}

/// main: 1 Opened(a) 2 Deposited(a) 3 Opened(b) 4 Deposited(b, c2) ; what-if forked at 2: 5 Deposited(a)
fn example() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    commit(&mut store, MAIN, "c1", "c1", "a", &["Opened", "Deposited"]);
    commit(&mut store, MAIN, "c2", "c2", "b", &["Opened"]);
    commit(&mut store, MAIN, "c3", "c2", "b", &["Deposited"]);
    store.create_branch("what-if", MAIN, 2, T0).unwrap();
    commit(&mut store, "what-if", "c4", "c4", "a", &["Deposited"]);
    store
}

#[test]
fn given_events_when_paging_with_filters_then_the_total_counts_every_match_and_the_page_holds_a_slice() {
    let store = example();

    let all = store.event_page(MAIN, &EventFilter::default(), 1, 2).unwrap();
    let by_type = store
        .event_page(
            MAIN,
            &EventFilter { event_type: Some("Deposited".into()), ..EventFilter::default() },
            0,
            10,
        )
        .unwrap();
    let by_stream = store
        .event_page(MAIN, &EventFilter { stream: Some("b".into()), ..EventFilter::default() }, 0, 10)
        .unwrap();
    let by_cascade = store
        .event_page(MAIN, &EventFilter { correlation_id: Some("c2".into()), ..EventFilter::default() }, 0, 10)
        .unwrap();
    let early =
        store.event_page(MAIN, &EventFilter { up_to: Some(2), ..EventFilter::default() }, 0, 10).unwrap();

    assert_eq!((all.total, positions(&all)), (4, vec![2, 3]));
    assert_eq!((by_type.total, positions(&by_type)), (2, vec![2, 4]));
    assert_eq!((by_stream.total, positions(&by_stream)), (2, vec![3, 4]));
    assert_eq!((by_cascade.total, positions(&by_cascade)), (2, vec![3, 4]));
    assert_eq!((early.total, positions(&early)), (2, vec![1, 2]));
}

#[test]
fn given_a_fork_when_paging_its_events_then_pages_run_across_the_parent_and_the_fork_in_order() {
    let store = example();

    let first = store.event_page("what-if", &EventFilter::default(), 0, 2).unwrap();
    let second = store.event_page("what-if", &EventFilter::default(), 2, 2).unwrap();

    assert_eq!((first.total, positions(&first)), (3, vec![1, 2]));
    assert_eq!((second.total, positions(&second)), (3, vec![5]));
    assert_eq!(store.event_at("what-if", 3).unwrap(), None, "position 3 is main's, after the fork");
    assert_eq!(store.event_at("what-if", 5).unwrap().unwrap().metadata.event_id, "c4.1");
}

#[test]
fn given_a_fork_when_counting_then_types_and_commands_are_those_the_fork_sees() {
    let store = example();

    let counts = store.event_type_counts("what-if", 0).unwrap();
    let main_after_2 = store.event_type_counts(MAIN, 2).unwrap();

    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [("Deposited".to_owned(), 2), ("Opened".to_owned(), 1)]
    );
    assert_eq!(
        main_after_2.into_iter().collect::<Vec<_>>(),
        [("Deposited".to_owned(), 1), ("Opened".to_owned(), 1)]
    );
    assert_eq!(store.command_counts(MAIN).unwrap(), (3, 0));
    assert_eq!(store.command_counts("what-if").unwrap(), (2, 0), "c1 from main, c4 its own");
}

#[test]
fn given_a_cascade_when_asking_for_it_then_its_commands_come_in_order_and_ids_are_found_through_ancestors() {
    let store = example();

    let cascade: Vec<String> =
        store.cascade_commands(MAIN, "c2").unwrap().into_iter().map(|c| c.command.id).collect();
    let from_fork = store.find_command("what-if", "c1").unwrap();
    let not_seen = store.find_command("what-if", "c3").unwrap();

    assert_eq!(cascade, ["c2", "c3"]);
    assert_eq!(from_fork.map(|c| c.branch), Some(MAIN.to_owned()));
    assert_eq!(not_seen, None);
}

#[test]
fn given_streams_when_listing_by_prefix_then_each_has_its_version_as_of_the_position() {
    let mut store = example();
    commit(&mut store, MAIN, "c5", "c5", "other-x", &["Opened"]);

    assert_eq!(store.streams(MAIN, "", Some(3)).unwrap(), [("a".to_owned(), 2), ("b".to_owned(), 1)]);
    assert_eq!(store.streams("what-if", "a", None).unwrap(), [("a".to_owned(), 3)]);
    assert_eq!(store.streams(MAIN, "other-", None).unwrap(), [("other-x".to_owned(), 1)]);
}

#[test]
fn given_payloads_when_asking_for_a_fields_values_then_distinct_values_come_most_recent_first() {
    let store = example();

    let values = store.payload_values(MAIN, "account_id", 10).unwrap();

    assert_eq!(values, [json!("b"), json!("a")]);
}

#[test]
fn given_a_query_with_more_rows_than_the_limit_then_it_is_cut_and_marked_truncated() {
    let store = example();

    let (rows, truncated) = store.query_limited("SELECT position FROM events ORDER BY position", 2).unwrap();
    let (_, whole) = store.query_limited("SELECT position FROM events", 10).unwrap();

    assert_eq!((rows.rows.len(), truncated, whole), (2, true, false));
}

#[test]
fn given_the_log_queries_then_sqlite_answers_them_from_indexes_without_scanning_the_events() {
    let store = example();
    let plan = |sql: &str| -> String {
        let rows = store.query(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        rows.rows
            .iter()
            .map(|row| row[3].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };

    let by_type = plan(
        "SELECT count(*) FROM events WHERE branch = 'main' AND position <= 9 AND event_type = 'Deposited'",
    );
    let by_cascade = plan(
        "SELECT position FROM events WHERE branch = 'main' AND position <= 9 \
         AND json_extract(metadata, '$.correlation_id') = 'c2' ORDER BY position",
    );
    // Only the commands policies issued are in the cascade index; the one that started the
    // cascade is found by its id.
    let cascade_commands = plan(
        "SELECT seq FROM commands WHERE branch = 'main' AND json_extract(metadata, '$.correlation_id') = 'c2' \
         AND json_extract(metadata, '$.correlation_id') <> command_id ORDER BY seq",
    );
    let cascade_start = plan(
        "SELECT seq FROM commands WHERE branch = 'main' AND command_id = 'c2' \
         AND json_extract(metadata, '$.correlation_id') = 'c2'",
    );

    assert!(by_type.contains("events_by_type"), "{by_type}");
    assert!(by_cascade.contains("events_by_correlation"), "{by_cascade}");
    assert!(cascade_commands.contains("commands_by_correlation"), "{cascade_commands}");
    assert!(cascade_start.contains("sqlite_autoindex_commands"), "{cascade_start}");
}

#[test]
fn given_100_000_events_when_paging_the_last_page_with_a_filter_then_it_takes_milliseconds() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .batch(|store| {
            for i in 0..50_000 {
                let stream = format!("s{}", i % 100);
                commit(
                    store,
                    MAIN,
                    &format!("c{i}"),
                    &format!("c{}", i / 10),
                    &stream,
                    &["Opened", "Deposited"],
                );
            }
            Ok::<_, squall_store::Error>(())
        })
        .unwrap();
    let started = std::time::Instant::now();

    let page = store.event_page(MAIN, &EventFilter::default(), 99_900, 100).unwrap();
    let typed = store
        .event_page(
            MAIN,
            &EventFilter { event_type: Some("Deposited".into()), ..EventFilter::default() },
            49_900,
            100,
        )
        .unwrap();
    let cascade = store
        .event_page(
            MAIN,
            &EventFilter { correlation_id: Some("c4999".into()), ..EventFilter::default() },
            0,
            100,
        )
        .unwrap();
    let took = started.elapsed();

    assert_eq!((page.total, page.events.len()), (100_000, 100));
    assert_eq!((typed.total, typed.events[0].position), (50_000, 99_802));
    assert_eq!(cascade.total, 20);
    // Generous for a debug build on a busy machine; measured well under 100 ms.
    assert!(took.as_millis() < 2_000, "{took:?}");
}

#[test]
fn given_a_fork_of_a_long_branch_when_finding_a_parents_command_then_the_fork_cut_is_one_index_step() {
    let store = example();

    let plan = store
        .query(
            "EXPLAIN QUERY PLAN SELECT seq FROM commands AS later WHERE later.branch = 'main' \
             AND later.first_position > 2 ORDER BY later.first_position LIMIT 1",
        )
        .unwrap();
    let plan: Vec<&str> = plan.rows.iter().filter_map(|row| row[3].as_str()).collect();

    assert!(plan.iter().any(|step| step.contains("commands_by_position")), "{plan:?}");
}
