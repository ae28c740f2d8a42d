//! What a measure of Squall's side records besides its wall time: CPU time
//! (the whole process, and the calling thread, which runs the scripts), the
//! time inside script calls the engine counts, and peak memory. Linux only
//! (from /proc); elsewhere these are left out.

use std::time::{Duration, Instant};

use squall_sim::Session;
use squall_sim::script::CallStats;

#[derive(Clone, Copy, Debug)]
pub struct Cpu {
    pub process: Duration,
    pub thread: Duration,
}

/// One timed stretch of work on a session.
#[derive(Clone, Debug)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Option<Cpu>,
    pub scripts: CallStats,
    /// Steps or events done.
    pub count: u64,
    pub peak_memory: Option<u64>,
}

/// A [`Sample`] under way.
pub struct Started {
    at: Instant,
    cpu: Option<Cpu>,
    scripts: CallStats,
}

impl Sample {
    pub fn start(session: &Session) -> Started {
        Started { at: Instant::now(), cpu: cpu(), scripts: session.script_calls() }
    }
}

impl Started {
    pub fn stop(self, session: &Session, count: u64) -> Sample {
        let wall = self.at.elapsed();
        let cpu = cpu().zip(self.cpu).map(|(end, start)| Cpu {
            process: end.process.saturating_sub(start.process),
            thread: end.thread.saturating_sub(start.thread),
        });
        let now = session.script_calls();
        let scripts = CallStats {
            calls: now.calls - self.scripts.calls,
            time: now.time.saturating_sub(self.scripts.time),
        };
        Sample { wall, cpu, scripts, count, peak_memory: None }
    }
}

fn cpu() -> Option<Cpu> {
    Some(Cpu { process: process_cpu_time()?, thread: thread_cpu_time()? })
}

/// CPU time used so far by the whole process, threads that have ended included, from
/// /proc (in clock ticks, which Linux reports at 100 per second).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after it do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time used so far by the calling thread.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split_whitespace().next()?.parse().ok()?))
}

/// Start counting peak memory afresh (Linux resets VmHWM when "5" is written to
/// clear_refs), so each measure reports its own.
pub fn reset_peak_memory() {
    // Without it, the peak is the process's so far: higher, never lower.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident memory since the last reset, in KiB.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
