//! Store throughput: appending 100k events in batch mode, and streaming them back.
//! Run with `cargo bench -p squall-store`; criterion prints elements/s (events or steps per s).
//!
//! Each benchmark runs twice: `wall/...` measures wall-clock time, `cpu/...` the bench thread's
//! CPU time (from /proc/thread-self/schedstat, Linux only), which stays meaningful on a shared
//! machine where other jobs take turns on the cores. `cargo bench -p squall-store -- cpu/`
//! runs only the latter. It uses mimalloc, as the `squall` and `squall-desktop` binaries do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use squall_store::{
    Command, CommandMetadata, DocumentChange, Durability, Error, EventMetadata, MAIN, NewEvent, Step, Store,
};

// The allocator the binaries use, so the store is measured as it ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EVENTS: u64 = 100_000;
const STREAMS: u64 = 1_000;

fn step(i: u64, with_read_model: bool) -> Step {
    let stream = format!("account-{}", i % STREAMS);
    let id = format!("cmd-{i}");
    let mut step = Step::accepted(
        Command {
            id: id.clone(),
            command_type: "Deposit".to_owned(),
            payload: json!({ "account": stream, "amount": i % 100 }),
            metadata: CommandMetadata {
                correlation_id: id.clone(),
                actor: Some("scenario:bench".to_owned()),
                ..CommandMetadata::default()
            },
        },
        format!("2024-01-01T00:00:{:02}Z", i % 60),
    );
    step.events.push(NewEvent {
        stream_id: stream.clone(),
        expected_version: i / STREAMS,
        event_type: "Deposited".to_owned(),
        payload: json!({ "amount": i % 100 }),
        metadata: EventMetadata {
            event_id: format!("evt-{i}"),
            command_id: id.clone(),
            causation_id: id.clone(),
            correlation_id: id,
            sticky_id: Some("sticky-deposited".to_owned()),
            script_hash: Some("blake3:0123456789abcdef".to_owned()),
            ..EventMetadata::default()
        },
    });
    if with_read_model {
        step.documents.push(DocumentChange::Upsert {
            read_model: "balances".to_owned(),
            key: stream,
            document: json!({ "balance": i }),
        });
        step.checkpoints.push("balances".to_owned());
    }
    step
}

fn fill(path: &Path, with_read_model: bool) -> Store {
    let mut store = Store::open(path, Durability::Batch).unwrap();
    store
        .batch(|store| {
            for i in 0..EVENTS {
                store.commit_step(MAIN, &step(i, with_read_model))?;
            }
            Ok::<_, Error>(())
        })
        .unwrap();
    store
}

fn append<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let mut group = c.benchmark_group(format!("{clock}/batch_append"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(EVENTS));
    for (name, with_read_model) in [("steps_1_event", false), ("steps_1_event_1_document", true)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let steps: Vec<Step> = (0..EVENTS).map(|i| step(i, with_read_model)).collect();
                    (dir, steps)
                },
                |(dir, steps)| {
                    let mut store = Store::open(dir.path().join("bench.db"), Durability::Batch).unwrap();
                    store
                        .batch(|store| {
                            for s in &steps {
                                store.commit_step(MAIN, s)?;
                            }
                            Ok::<_, Error>(())
                        })
                        .unwrap();
                    (dir, store)
                },
                BatchSize::PerIteration,
            );
        });
    }
    // The rows written by the store's writer thread; `cpu/` then counts the caller's share.
    group.bench_function("steps_1_event_1_document_pipelined", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let steps: Vec<Step> = (0..EVENTS).map(|i| step(i, true)).collect();
                (dir, steps)
            },
            |(dir, steps)| {
                let mut store = Store::open(dir.path().join("bench.db"), Durability::Batch).unwrap();
                store.begin_pipelined_batch().unwrap();
                for s in steps {
                    store.commit_owned_step(MAIN, s).unwrap();
                }
                store.finish_batch().unwrap();
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn stream<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let dir = tempfile::tempdir().unwrap();
    let store = fill(&dir.path().join("bench.db"), false);
    let mut group = c.benchmark_group(format!("{clock}/stream"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("for_each_event_raw", |b| {
        b.iter(|| {
            let mut bytes = 0;
            let n = store
                .for_each_event(MAIN, 0, None, |e| {
                    bytes += e.payload.len() + e.metadata.len();
                    Ok::<_, Error>(())
                })
                .unwrap();
            assert_eq!(n, EVENTS);
            black_box(bytes)
        });
    });
    group.bench_function("for_each_event_parsed_payload", |b| {
        b.iter(|| {
            let mut total = 0;
            store
                .for_each_event(MAIN, 0, None, |e| {
                    total += e.payload_value()?["amount"].as_u64().unwrap_or(0);
                    Ok::<_, Error>(())
                })
                .unwrap();
            black_box(total)
        });
    });
    group.bench_function("for_each_stream_event_all_streams", |b| {
        b.iter(|| {
            let mut n = 0;
            for s in 0..STREAMS {
                n += store
                    .for_each_stream_event(MAIN, &format!("account-{s}"), 0, |_| Ok::<_, Error>(()))
                    .unwrap();
            }
            assert_eq!(n, EVENTS);
        });
    });
    group.finish();
}

/// CPU time of the calling thread, in nanoseconds (first field of its schedstat).
#[derive(Debug)]
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    stat.split_whitespace().next().and_then(|ns| ns.parse().ok()).expect("schedstat starts with ns")
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match ns {
            ns if ns < 1e3 => (1.0, "ns cpu"),
            ns if ns < 1e6 => (1e-3, "µs cpu"),
            ns if ns < 1e9 => (1e-6, "ms cpu"),
            _ => (1e-9, "s cpu"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(&self, _typical: f64, throughput: &Throughput, values: &mut [f64]) -> &'static str {
        let elements = match *throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => n,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Bits(n) => n,
        } as f64;
        values.iter_mut().for_each(|v| *v = elements * 1e9 / *v / 1e3);
        "Kelem/cpu-s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn wall(c: &mut Criterion<WallTime>) {
    append(c, "wall");
    stream(c, "wall");
}

fn cpu(c: &mut Criterion<ThreadCpuTime>) {
    append(c, "cpu");
    stream(c, "cpu");
}

criterion_group!(wall_benches, wall);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu
}
criterion_main!(wall_benches, cpu_benches);
