//! What one script call may use besides operations and value sizes, which Rhai counts itself:
//! the volume of its log lines, its wall-clock time and the memory it takes. Rhai checks each
//! value it builds, but not a map that grows by `m[key] = value`, nor lines handed to `print`,
//! nor the time one operation takes; these are counted here and enforced from the engine's
//! progress callback, which runs before every operation.
//!
//! The count is per thread (a replay runs calls on several at once) and starts again with each
//! evaluation: Rhai numbers the operations of every call from 1.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use super::engine::Limits;

/// The time between two looks at the clock, in operations: reading it costs about as much as
/// a few operations.
const CLOCK_EVERY: u64 = 256;
/// The time between two looks at the process's memory: reading it costs some microseconds,
/// so calls shorter than this never pay for it.
const MEMORY_EVERY: Duration = Duration::from_millis(1);

#[derive(Debug)]
struct Budget {
    /// At the first look at the clock, `CLOCK_EVERY` operations in: most calls end before it,
    /// and never pay for reading it.
    started: Option<Instant>,
    logged: usize,
    /// Resident memory at the first look, once the call has run for `MEMORY_EVERY`.
    memory_at_start: Option<u64>,
    memory_checked: Option<Instant>,
    /// Why the call must stop, once a limit is crossed where it cannot be stopped at once
    /// (a log line is dropped; the next operation stops the call).
    exceeded: Option<String>,
}

impl Budget {
    const fn new() -> Self {
        Budget { started: None, logged: 0, memory_at_start: None, memory_checked: None, exceeded: None }
    }
}

thread_local! {
    static BUDGET: RefCell<Budget> = const { RefCell::new(Budget::new()) };
    /// Set with `Budget::exceeded`: the one thing most operations look at.
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// Called before every operation with the count so far: why the call must stop, if it must.
pub(crate) fn check(operations: u64, limits: &Limits) -> Option<String> {
    if operations > 1 && !operations.is_multiple_of(CLOCK_EVERY) && !EXCEEDED.get() {
        return None;
    }
    BUDGET.with_borrow_mut(|budget| {
        if operations <= 1 {
            *budget = Budget::new();
        }
        if budget.exceeded.is_none() && operations.is_multiple_of(CLOCK_EVERY) {
            budget.exceeded = over_time_or_memory(budget, limits);
        }
        EXCEEDED.set(budget.exceeded.is_some());
        budget.exceeded.clone()
    })
}

fn over_time_or_memory(budget: &mut Budget, limits: &Limits) -> Option<String> {
    let now = Instant::now();
    let started = *budget.started.get_or_insert(now);
    if now.duration_since(started) > limits.time {
        return Some(format!(
            "the call ran longer than {} s, the limit for one call (slow operations in a loop?)",
            limits.time.as_secs_f64()
        ));
    }
    let checked = *budget.memory_checked.get_or_insert(started);
    if now.duration_since(checked) < MEMORY_EVERY {
        return None;
    }
    budget.memory_checked = Some(now);
    let resident = resident_memory()?;
    let at_start = *budget.memory_at_start.get_or_insert(resident);
    let grown = resident.saturating_sub(at_start);
    (grown > u64::try_from(limits.memory).unwrap_or(u64::MAX)).then(|| {
        format!(
            "the call took more than {} MiB of memory, the limit for one call (a map or list that keeps growing?)",
            limits.memory >> 20
        )
    })
}

/// Counts a log line of `bytes` against the call's budget: whether to keep it. A line past the
/// budget is dropped and the call stops at its next operation.
pub(crate) fn log(bytes: usize, limits: &Limits) -> bool {
    BUDGET.with_borrow_mut(|budget| {
        budget.logged = budget.logged.saturating_add(bytes);
        if budget.logged <= limits.log_bytes {
            return true;
        }
        EXCEEDED.set(true);
        budget.exceeded.get_or_insert_with(|| {
            format!(
                "the script logged more than {} KiB in one call (`log`, `print` and `debug` together), the limit for one call",
                limits.log_bytes >> 10
            )
        });
        false
    })
}

/// The process's resident memory in bytes, where the system tells it without `unsafe`.
#[cfg(target_os = "linux")]
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// Elsewhere the time limit and Rhai's value sizes bound a call.
#[cfg(not(target_os = "linux"))]
fn resident_memory() -> Option<u64> {
    None
}
