//! `squall bench sim`: the simulator on the bank account, end to end, with
//! a bare SQLite insert loop as the baseline.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anstyle::Style;
use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use squall_sim::script::CallStats;
use squall_sim::{Options, Session, Source};
use squall_store::{Durability, Store};

use crate::Outcome;

const BOLD: Style = Style::new().bold();

/// Time the simulator: generated bank-account commands over many accounts,
/// with both policies and the read model active.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run generated bank-account commands (deposits, withdrawals, owner changes) over \
        many accounts through the simulator, in batch mode, on a store in a temporary folder. \
        Both policies and the read model are active, so every deposit sets off a thank-you email \
        and a CEO bonus. Reports commands and events per second, the same event rows inserted by \
        a bare rusqlite loop as a baseline, replay speed and peak memory. Build in release mode.",
    after_help = "Examples:\n  \
        cargo run --release -- bench sim\n  \
        squall bench sim --commands 200000 --accounts 5000 --batch 5000"
)]
pub struct SimArgs {
    /// User commands to run (each may set off more through policies).
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub commands: usize,

    /// Accounts the commands are spread over.
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    pub accounts: usize,

    /// User commands per store transaction.
    #[arg(long, default_value_t = 1_000, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,

    /// The model to run.
    #[arg(long, default_value = "models/bank_account.ron", value_name = "FILE")]
    pub model: PathBuf,

    /// Seed of the generated commands.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Replays to time; the fastest is reported (the others warm nothing up: each rebuilds
    /// every document from the events).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub replays: u64,

    /// Keep the run's store in this file afterwards (never over an existing one), e.g.
    /// `models/.squall/bank_account.sqlite` to open a big run in the app.
    #[arg(long, value_name = "FILE")]
    pub keep: Option<PathBuf>,
}

struct Report {
    commands: usize,
    steps: usize,
    events: u64,
    run: Duration,
    /// CPU time of all the process's threads during the run, when known.
    run_cpu: Option<Duration>,
    /// CPU time of the thread that runs the scripts: the critical path.
    run_cpu_main: Option<Duration>,
    /// Script calls during the run, and the time inside them.
    run_scripts: CallStats,
    baseline: Duration,
    replay_events: u64,
    replay: Duration,
    replay_cpu: Option<Duration>,
    /// Script calls of the reported replay, and the time inside them (summed over its threads).
    replay_scripts: CallStats,
    peak_rss_kib: Option<u64>,
}

pub fn run(args: &SimArgs) -> anyhow::Result<Outcome> {
    let board = squall_model::load(&args.model)?;
    let dir = args.model.parent().map(PathBuf::from).unwrap_or_default();
    let temp = tempfile::tempdir().context("cannot create a temporary folder for the store")?;
    let db = temp.path().join("bench.db");
    let store = Store::open(&db, Durability::Batch)?;
    // Nobody reads the traces here: leave out the aggregate states.
    let options = Options { detailed_traces: false, ..Options::default() };
    let mut session = Session::open(board, &dir, store, options)?;

    let progress = ProgressBar::new(args.commands as u64).with_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} commands, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message("simulating");
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let accounts = args.accounts.max(1);
    let started = Instant::now();
    let cpu_started = process_cpu_time();
    let main_started = thread_cpu_time();
    let scripts_started = session.script_calls();
    let mut steps = 0;
    session.begin_batch()?;
    let mut submit = |session: &mut Session, name: &str, data: Value| -> anyhow::Result<()> {
        session.submit(name, data, Source::User)?;
        // Nobody reads traces here; the steps and the store are the same.
        steps += session.run_untraced(usize::MAX)?.steps;
        Ok(())
    };
    submit(&mut session, "OpenAccount", json!({"account_id": "ceo-bonus", "owner": "The CEO"}))?;
    for i in 0..args.commands {
        let account = format!("acc-{}", rng.usize(..accounts));
        let (name, data) = if i < accounts {
            ("OpenAccount", json!({"account_id": format!("acc-{i}"), "owner": format!("Owner {i}")}))
        } else {
            match rng.u8(..100) {
                0..70 => ("DepositMoney", json!({"account_id": account, "amount": rng.u32(1..1000)})),
                70..95 => ("WithdrawMoney", json!({"account_id": account, "amount": rng.u32(1..500)})),
                _ => {
                    ("ChangeOwner", json!({"account_id": account, "owner": format!("Owner {}", rng.u32(..))}))
                }
            }
        };
        submit(&mut session, name, data)?;
        if (i as u64 + 1).is_multiple_of(args.batch) {
            session.finish_batch()?;
            session.begin_batch()?;
            progress.set_position(i as u64 + 1);
        }
    }
    session.finish_batch()?;
    let run = started.elapsed();
    let run_cpu = process_cpu_time().zip(cpu_started).map(|(end, start)| end.saturating_sub(start));
    let run_cpu_main = thread_cpu_time().zip(main_started).map(|(end, start)| end.saturating_sub(start));
    let run_scripts = since(session.script_calls(), scripts_started);
    progress.finish_and_clear();
    let events = session.store().head(session.branch())?;

    let mut fastest: Option<(Duration, Option<Duration>, u64, CallStats)> = None;
    for _ in 0..args.replays {
        let started = Instant::now();
        let cpu_started = process_cpu_time();
        let scripts_started = session.script_calls();
        let replayed = session.replay()?;
        let replay = started.elapsed();
        let replay_cpu = process_cpu_time().zip(cpu_started).map(|(end, start)| end.saturating_sub(start));
        let scripts = since(session.script_calls(), scripts_started);
        if fastest.is_none_or(|(best, ..)| replay < best) {
            fastest = Some((replay, replay_cpu, replayed.events, scripts));
        }
    }
    let (replay, replay_cpu, replayed_events, replay_scripts) = fastest.unwrap_or_default();
    let peak_rss_kib = peak_rss_kib();
    drop(session);
    if let Some(to) = &args.keep {
        keep_store(&db, to)?;
    }

    let baseline = bare_insert(&db, &temp.path().join("baseline.db"))?;
    let report = Report {
        commands: args.commands + 1,
        steps,
        events,
        run,
        run_cpu,
        run_cpu_main,
        run_scripts,
        baseline,
        replay_events: replayed_events,
        replay,
        replay_cpu,
        replay_scripts,
        peak_rss_kib,
    };
    let mut out = anstream::stdout().lock();
    print(&mut out, args, &report).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

fn since(now: CallStats, start: CallStats) -> CallStats {
    CallStats { calls: now.calls - start.calls, time: now.time.saturating_sub(start.time) }
}

/// Insert the run's event rows into a fresh database with a plain
/// prepared-statement loop in one transaction: the fastest the same rows
/// can go into SQLite, to compare the store against.
fn bare_insert(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<Duration> {
    let source = rusqlite::Connection::open(from)?;
    let mut read = source.prepare(
        "SELECT position, branch, stream_id, stream_version, event_type, payload, metadata, recorded_at \
         FROM events ORDER BY position",
    )?;
    type Row = (i64, String, String, i64, String, String, String, String);
    let rows: Vec<Row> = read
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut target = rusqlite::Connection::open(to)?;
    target.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE events (position INTEGER PRIMARY KEY, branch TEXT NOT NULL, stream_id TEXT NOT NULL,
             stream_version INTEGER NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL,
             metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (branch, stream_id, stream_version));",
    )?;
    let started = Instant::now();
    let tx = target.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for row in &rows {
            insert.execute(rusqlite::params![row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7])?;
        }
    }
    tx.commit()?;
    Ok(started.elapsed())
}

/// CPU time used so far by the whole process, threads that have ended included, from
/// /proc (Linux only; in clock ticks, which Linux reports at 100 per second).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after it do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time used so far by the calling thread, from /proc (Linux only).
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split_whitespace().next()?.parse().ok()?))
}

/// The process's peak resident memory, from /proc (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// "1234 ms in 5678 calls (2.2 µs each), 45% of the thread's CPU".
fn scripts(stats: &CallStats, cpu: Option<Duration>, of: &str) -> String {
    let ms = stats.time.as_secs_f64() * 1000.0;
    let each = stats.time.as_secs_f64() * 1e6 / (stats.calls.max(1) as f64);
    let mut line = format!("{ms:>10.0} ms   ({} calls, {each:.1} µs each", stats.calls);
    if let Some(cpu) = cpu.filter(|cpu| !cpu.is_zero()) {
        line += &format!("; {:.0}% of the {of}", 100.0 * stats.time.as_secs_f64() / cpu.as_secs_f64());
    }
    line + ")"
}

fn print(out: &mut impl Write, args: &SimArgs, r: &Report) -> std::io::Result<()> {
    let per_s = |n: f64, d: Duration| n / d.as_secs_f64().max(1e-9);
    let sim_events = per_s(r.events as f64, r.run);
    let bare_events = per_s(r.events as f64, r.baseline);
    writeln!(
        out,
        "{BOLD}squall bench sim{BOLD:#}: {} user commands over {} accounts, {} per transaction",
        r.commands, args.accounts, args.batch
    )?;
    match r.run_cpu.zip(r.run_cpu_main) {
        Some((cpu, main)) => writeln!(
            out,
            "  run               {:>10.0} ms   ({:.0} ms of CPU, {:.0} ms of it on the thread that runs the scripts: \
             {:.0} commands per CPU-second of that thread)",
            r.run.as_secs_f64() * 1000.0,
            cpu.as_secs_f64() * 1000.0,
            main.as_secs_f64() * 1000.0,
            per_s(r.steps as f64, main)
        )?,
        None => writeln!(out, "  run               {:>10.0} ms", r.run.as_secs_f64() * 1000.0)?,
    }
    writeln!(
        out,
        "  in scripts        {}",
        scripts(&r.run_scripts, r.run_cpu_main, "scripting thread's CPU")
    )?;
    writeln!(out, "  user commands/s   {:>10.0}", per_s(r.commands as f64, r.run))?;
    writeln!(
        out,
        "  all commands/s    {:>10.0}   ({} steps, with the policies' commands)",
        per_s(r.steps as f64, r.run),
        r.steps
    )?;
    writeln!(out, "  events/s          {:>10.0}   ({} events)", sim_events, r.events)?;
    writeln!(
        out,
        "  bare insert ev/s  {:>10.0}   (baseline; the simulator reaches {:.1}% of it)",
        bare_events,
        100.0 * sim_events / bare_events.max(1e-9)
    )?;
    write!(
        out,
        "  replay events/s   {:>10.0}   ({} events in {:.0} ms",
        per_s(r.replay_events as f64, r.replay),
        r.replay_events,
        r.replay.as_secs_f64() * 1000.0
    )?;
    match r.replay_cpu {
        Some(cpu) => writeln!(
            out,
            ", {:.0} ms of CPU: {:.0} events per CPU-second)",
            cpu.as_secs_f64() * 1000.0,
            per_s(r.replay_events as f64, cpu)
        )?,
        None => writeln!(out, ")")?,
    }
    writeln!(out, "  replay in scripts {}", scripts(&r.replay_scripts, r.replay_cpu, "replay's CPU"))?;
    match r.peak_rss_kib {
        Some(kib) => writeln!(out, "  peak memory       {:>10.1} MiB", kib as f64 / 1024.0)?,
        None => writeln!(out, "  peak memory       unknown (no /proc)")?,
    }
    Ok(())
}

/// Copy the run's store to `to` as one clean SQLite file, checkpointed and
/// compacted (`VACUUM INTO`), for the app or `squall events` to open.
fn keep_store(db: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{}: a file is already there; the bench keeps its store only in a new file", to.display());
    }
    if let Some(dir) = to.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let conn = rusqlite::Connection::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    conn.execute("VACUUM INTO ?1", [to.to_string_lossy()])
        .with_context(|| format!("cannot keep the run's store in {}", to.display()))?;
    Ok(())
}
