//! Properties: whatever steps run on whatever branches (including conflicting and rejected ones,
//! inside batches or not, pipelined or not), positions stay gapless and every stream's versions,
//! as seen from every branch, run 1, 2, 3, ... without holes or repeats; and a pipelined batch
//! stores exactly what a synchronous one stores.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::{T0, command, event};
use proptest::prelude::*;
use serde_json::json;
use squall_store::{Error, MAIN, Step, Store};

#[derive(Debug, Clone)]
enum Op {
    /// Append `events` events to stream `stream` on branch `branch` (indices are wrapped),
    /// with a stale expected version when `stale`.
    Append {
        branch: usize,
        stream: usize,
        events: usize,
        stale: bool,
    },
    Reject {
        branch: usize,
    },
    /// Fork branch `from` at `at_percent` of its head.
    Fork {
        from: usize,
        at_percent: u64,
    },
    /// Run the next `len` operations in one batch, its rows written by a background thread
    /// when `pipelined`.
    Batch {
        len: usize,
        pipelined: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..8_usize, 0..3_usize, 1..4_usize, prop::bool::weighted(0.2))
            .prop_map(|(branch, stream, events, stale)| Op::Append { branch, stream, events, stale }),
        1 => (0..8_usize).prop_map(|branch| Op::Reject { branch }),
        2 => (0..8_usize, 0..=100_u64).prop_map(|(from, at_percent)| Op::Fork { from, at_percent }),
        1 => (1..6_usize, any::<bool>()).prop_map(|(len, pipelined)| Op::Batch { len, pipelined }),
    ]
}

struct Run {
    store: Store,
    branches: Vec<String>,
    next_id: u64,
    batch_left: usize,
    /// Overrides how batches run: `Some(true)` pipelines them all, `Some(false)` none.
    pipelined: Option<bool>,
}

impl Run {
    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Append { branch, stream, events, stale } => {
                let branch = self.branches[branch % self.branches.len()].clone();
                let stream = format!("s{stream}");
                let current = self.store.stream_version(&branch, &stream).unwrap();
                let start = if stale && current > 0 { current - 1 } else { current };
                let mut step = Step::accepted(command(&self.id(), "Append"), T0);
                for i in 0..events as u64 {
                    step.events.push(event(&stream, start + i, "Appended", json!({ "i": i })));
                }
                match self.store.commit_step(&branch, &step) {
                    Ok(receipt) => assert!(!stale || current == 0, "stale append succeeded: {receipt:?}"),
                    Err(Error::Conflict { .. }) => assert!(stale && current > 0),
                    Err(other) => panic!("unexpected error: {other}"),
                }
            }
            Op::Reject { branch } => {
                let branch = self.branches[branch % self.branches.len()].clone();
                let step = Step::rejected(command(&self.id(), "Append"), "no", T0);
                self.store.commit_step(&branch, &step).unwrap();
            }
            Op::Fork { from, at_percent } => {
                let from = self.branches[from % self.branches.len()].clone();
                let at = self.store.head(&from).unwrap() * at_percent / 100;
                let name = format!("b{}", self.branches.len());
                self.store.create_branch(&name, &from, at, T0).unwrap();
                self.branches.push(name);
            }
            Op::Batch { len, pipelined } => {
                if !self.store.in_batch() {
                    if self.pipelined.unwrap_or(pipelined) {
                        self.store.begin_pipelined_batch().unwrap();
                    } else {
                        self.store.begin_batch().unwrap();
                    }
                    self.batch_left = len;
                    return;
                }
            }
        }
        if self.store.in_batch() {
            self.batch_left = self.batch_left.saturating_sub(1);
            if self.batch_left == 0 {
                self.store.finish_batch().unwrap();
            }
        }
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("cmd-{}", self.next_id)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn given_random_steps_on_random_branches_then_positions_are_gapless_and_versions_contiguous(
        ops in prop::collection::vec(op(), 1..60)
    ) {
        let run = run(&ops, None);
        let store = &run.store;

        let all = store.query("SELECT position FROM events ORDER BY position").unwrap();
        let positions: Vec<i64> = all.rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
        let expected: Vec<i64> = (1..=i64::try_from(positions.len()).unwrap()).collect();
        prop_assert_eq!(positions, expected);

        for branch in &run.branches {
            let mut versions: BTreeMap<String, Vec<u64>> = BTreeMap::new();
            let mut last_position = 0;
            store.for_each_event(branch, 0, None, |e| {
                assert!(e.position > last_position, "positions out of order in {branch}");
                last_position = e.position;
                versions.entry(e.stream_id.to_owned()).or_default().push(e.stream_version);
                Ok::<_, Error>(())
            }).unwrap();
            prop_assert_eq!(store.head(branch).unwrap(), last_position);
            for (stream, seen) in &versions {
                let contiguous: Vec<u64> = (1..=seen.len() as u64).collect();
                prop_assert_eq!(seen, &contiguous, "stream {} in branch {}", stream, branch);
                prop_assert_eq!(store.stream_version(branch, stream).unwrap(), seen.len() as u64);
                let via_stream: Vec<u64> = store
                    .stream_events(branch, stream)
                    .unwrap()
                    .iter()
                    .map(|e| e.stream_version)
                    .collect();
                prop_assert_eq!(&via_stream, seen);
            }
        }
    }

    #[test]
    fn given_the_same_steps_then_pipelined_and_synchronous_batches_store_the_same_rows(
        ops in prop::collection::vec(op(), 1..60)
    ) {
        let pipelined = run(&ops, Some(true));
        let synchronous = run(&ops, Some(false));
        for table in ["events", "commands", "queue", "branches", "branch_ancestry"] {
            let sql = format!("SELECT * FROM {table} ORDER BY 1, 2");
            prop_assert_eq!(
                pipelined.store.query(&sql).unwrap(),
                synchronous.store.query(&sql).unwrap(),
                "{}", table
            );
        }
    }
}

fn run(ops: &[Op], pipelined: Option<bool>) -> Run {
    let mut run = Run {
        store: Store::open_in_memory().unwrap(),
        branches: vec![MAIN.to_owned()],
        next_id: 0,
        batch_left: 0,
        pipelined,
    };
    for op in ops {
        run.apply(op);
    }
    if run.store.in_batch() {
        run.store.finish_batch().unwrap();
    }
    run
}
