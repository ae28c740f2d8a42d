//! `squall bench sim`: the simulator against the same workload written by
//! hand over rusqlite, side by side in one run, so the ratio shows what
//! Squall costs on top of SQLite (issue 14's measure).

mod measure;
mod native;
mod workload;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, bail};
use squall_model::Board;
use squall_sim::script::CallStats;
use squall_sim::{Options, Session, Source, Submission};
use squall_store::{Durability, Store};

use crate::Outcome;
use crate::cmd::run;
use measure::{Cpu, Sample};
use workload::Op;

const BOLD: Style = Style::new().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const SHORT: Style = AnsiColor::Red.on_default().bold();

/// The targets of issue 14: Squall's throughput as a share of the native loop's.
const INTERACTIVE_TARGET: f64 = 0.7;
const BATCH_TARGET: f64 = 0.5;
/// Replay in events per second.
const REPLAY_TARGET: f64 = 1_000_000.0;

/// Time the simulator against a native Rust + rusqlite loop doing the same work.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Time the simulator against the same work written by hand in Rust over rusqlite, \
        side by side, and print the ratios.\n\n\
        The workload is issue 14's: accounts opened, then seeded deposits and withdrawals on the \
        bank account, with its read model and without its policies. Squall runs it through its \
        scripts; the native loop decides in memory and writes the event rows and the read-model \
        upserts in the same transaction, on a file with Squall's schema and pragmas. Measured:\n\n\
        - interactive: one synchronous=FULL transaction per step, fed through `squall run`'s own \
        code (steps printed to nowhere);\n\
        - batch: --per-transaction commands per transaction, for each --commands size;\n\
        - replay: the read model rebuilt from all events of each batch run.\n\n\
        Each measure runs --runs times, alternating the two sides; medians are reported. Build in \
        release mode.",
    after_help = "Examples:\n  \
        cargo run --release -- bench sim\n  \
        squall bench sim --runs 5\n  \
        squall bench sim --interactive 0 --commands 1000000      # batch only, for memory\n  \
        squall bench sim --policies --commands 50000              # the whole board, policies too"
)]
pub struct SimArgs {
    /// Deposits and withdrawals after the openings, in batch mode; one measure per size (0 leaves
    /// batch mode out).
    #[arg(long, value_delimiter = ',', default_values_t = [20_000, 200_000], value_name = "N,…")]
    pub commands: Vec<usize>,

    /// Deposits and withdrawals in interactive mode (one transaction per step); 0 leaves it out.
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub interactive: usize,

    /// Accounts opened first.
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    pub accounts: usize,

    /// Commands per transaction in batch mode.
    #[arg(long, default_value_t = 1_000, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub per_transaction: u64,

    /// How many times to run each measure; the median is reported.
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,

    /// The model to run.
    #[arg(long, default_value = "models/bank_account.ron", value_name = "FILE")]
    pub model: PathBuf,

    /// Keep the board's policies (each deposit then sets off more steps than the native loop
    /// takes, so the ratios compare different work).
    #[arg(long)]
    pub policies: bool,

    /// Seed of the generated commands.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Run only Squall's side, e.g. under a profiler (`perf record squall bench sim --squall-only`).
    #[arg(long)]
    pub squall_only: bool,

    /// Keep the store of the last batch run in this file afterwards (never over an existing
    /// one), e.g. `models/.squall/bank_account.sqlite` to open a big run in the app.
    #[arg(long, value_name = "FILE")]
    pub keep: Option<PathBuf>,
}

/// The medians of one measure on both sides, in commands or events per second.
struct Row {
    name: String,
    unit: &'static str,
    squall: Vec<f64>,
    native: Vec<f64>,
    target: Target,
}

enum Target {
    /// Squall's rate as a share of the native loop's.
    Ratio(f64),
    /// Squall's rate itself.
    Rate(f64),
}

/// What only Squall's side reports: where its time went, in the last run of a measure.
struct Detail {
    name: String,
    sample: Sample,
}

pub fn run(args: &SimArgs) -> anyhow::Result<Outcome> {
    let board = squall_model::load(&args.model)?;
    let board = if args.policies { board } else { workload::without_policies(board) };
    let dir = crate::cmd::open::model_dir(&args.model);
    let temp = tempfile::tempdir().context("cannot create a temporary folder for the stores")?;
    let mut rows = Vec::new();
    let mut details = Vec::new();

    if args.interactive > 0 {
        let ops = workload::ops(args.accounts, args.interactive, args.seed);
        let mut row =
            Row::new(format!("interactive, N={}", thousands(args.interactive)), "cmd/s", INTERACTIVE_TARGET);
        for round in 0..args.runs {
            if !args.squall_only {
                let native_db = temp.path().join(format!("native-interactive-{round}.db"));
                let mut conn = native::open(&native_db, Durability::Interactive)?;
                let timed = native::run(&mut conn, &ops, 1)?;
                row.native.push(rate(timed.commands, timed.time));
            }
            let db = temp.path().join(format!("squall-interactive-{round}.db"));
            let sample = squall_interactive(&board, &dir, &db, &ops)?;
            row.squall.push(rate(ops.len(), sample.wall));
            details.push(Detail { name: row.name.clone(), sample });
        }
        rows.push(row);
    }

    let mut last_db = None;
    for &changes in args.commands.iter().filter(|&&n| n > 0) {
        let ops = workload::ops(args.accounts, changes, args.seed);
        let n = thousands(changes);
        let mut batch = Row::new(format!("batch, N={n}"), "cmd/s", BATCH_TARGET);
        let mut replay = Row::new(format!("replay, N={n}"), "ev/s", BATCH_TARGET);
        replay.target = Target::Rate(REPLAY_TARGET);
        for round in 0..args.runs {
            if !args.squall_only {
                let native_db = temp.path().join(format!("native-{changes}-{round}.db"));
                let mut conn = native::open(&native_db, Durability::Batch)?;
                let per_transaction = usize::try_from(args.per_transaction).unwrap_or(usize::MAX);
                let timed = native::run(&mut conn, &ops, per_transaction)?;
                batch.native.push(rate(timed.commands, timed.time));
                let replayed = native::replay(&mut conn)?;
                replay.native.push(rate(replayed.events as usize, replayed.time));
                drop(conn);
                remove_store(&native_db);
            }

            let db = temp.path().join(format!("squall-{changes}-{round}.db"));
            let (run, replayed) = squall_batch(&board, &dir, &db, &ops, args.per_transaction)?;
            batch.squall.push(rate(ops.len(), run.wall));
            replay.squall.push(rate(replayed.count as usize, replayed.wall));
            details.push(Detail { name: batch.name.clone(), sample: run });
            details.push(Detail { name: replay.name.clone(), sample: replayed });
            if let Some(previous) = last_db.replace(db) {
                remove_store(&previous);
            }
        }
        rows.push(batch);
        rows.push(replay);
    }
    if let (Some(to), Some(db)) = (&args.keep, &last_db) {
        keep_store(db, to)?;
    }

    let mut out = anstream::stdout().lock();
    print(&mut out, args, &rows, &details).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

impl Row {
    fn new(name: String, unit: &'static str, ratio: f64) -> Self {
        Row { name, unit, squall: Vec::new(), native: Vec::new(), target: Target::Ratio(ratio) }
    }
}

/// The workload through `squall run`'s own loop: a line per command, each
/// step a synchronous=FULL transaction, every step printed (to nowhere).
fn squall_interactive(board: &Board, dir: &Path, db: &Path, ops: &[Op]) -> anyhow::Result<Sample> {
    let store = Store::open(db, Durability::Interactive)?;
    let mut session = Session::open(board.clone(), dir, store, run::options(None, false))?;
    let input: String = ops.iter().map(|op| op.line() + "\n").collect();
    let mut printer = run::Printer::new(std::io::sink(), false);
    let sample = Sample::start(&session);
    let fine = run::feed(&mut session, input.as_bytes(), "bench", &mut printer, None)?;
    let sample = sample.stop(&session, ops.len() as u64);
    if !fine {
        bail!("the interactive run met a bad line or a failing step; the bench's workload should not");
    }
    Ok(sample)
}

/// The workload in pipelined batches, steps untraced as nobody reads them,
/// then a replay of the read model, each with its peak memory.
fn squall_batch(
    board: &Board,
    dir: &Path,
    db: &Path,
    ops: &[Op],
    per_transaction: u64,
) -> anyhow::Result<(Sample, Sample)> {
    measure::reset_peak_memory();
    let store = Store::open(db, Durability::Batch)?;
    let options = Options { detailed_traces: false, ..Options::default() };
    let mut session = Session::open(board.clone(), dir, store, options)?;
    let sample = Sample::start(&session);
    session.begin_batch()?;
    let mut steps = 0;
    for (i, op) in ops.iter().enumerate() {
        let (name, data) = op.command();
        let submission = Submission { id: None, name: name.to_owned(), data, source: Source::User };
        steps += session.submit_and_run_untraced(submission, usize::MAX)?.map_or(0, |(_, end)| end.steps);
        if (i as u64 + 1).is_multiple_of(per_transaction) {
            session.continue_batch()?;
        }
    }
    session.finish_batch()?;
    let mut run = sample.stop(&session, steps as u64);
    run.peak_memory = measure::peak_memory();

    measure::reset_peak_memory();
    let sample = Sample::start(&session);
    let replayed = session.replay()?;
    let mut replay = sample.stop(&session, replayed.events);
    replay.peak_memory = measure::peak_memory();
    Ok((run, replay))
}

fn rate(count: usize, time: Duration) -> f64 {
    count as f64 / time.as_secs_f64().max(1e-9)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print(out: &mut impl Write, args: &SimArgs, rows: &[Row], details: &[Detail]) -> std::io::Result<()> {
    let board = if args.policies {
        "the bank account with its policies"
    } else {
        "the bank account without policies"
    };
    writeln!(
        out,
        "{BOLD}squall bench sim{BOLD:#}: {board}; {} accounts opened, then N deposits and withdrawals; \
         batches of {} commands; median of {} run{}",
        thousands(args.accounts),
        thousands(usize::try_from(args.per_transaction).unwrap_or(usize::MAX)),
        args.runs,
        if args.runs == 1 { "" } else { "s" }
    )?;
    writeln!(out, "  {:<24}{:>16}{:>16}{:>8}   target", "", "Squall", "native loop", "ratio")?;
    for row in rows {
        let squall = median(&row.squall);
        let native = (!row.native.is_empty()).then(|| median(&row.native));
        let ratio = native.map(|native| squall / native.max(1e-9));
        let (met, target) = match row.target {
            Target::Ratio(target) => (ratio.is_some_and(|r| r >= target), format!("≥ {target:.1} of native")),
            Target::Rate(target) => {
                (squall >= target, format!("≥ {} {}", thousands(target as usize), row.unit))
            }
        };
        let style = if met { GOOD } else { SHORT };
        let native =
            native.map_or_else(|| "—".to_owned(), |n| format!("{} {}", thousands(n as usize), row.unit));
        let ratio = ratio.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}"));
        writeln!(
            out,
            "  {:<24}{:>16}{:>16}{style}{ratio:>8}{style:#}   {target}",
            row.name,
            format!("{} {}", thousands(squall as usize), row.unit),
            native,
        )?;
    }
    writeln!(out, "Where Squall's time went (the last run of each):")?;
    let mut seen: Vec<&str> = Vec::new();
    for detail in details.iter().rev() {
        if seen.contains(&detail.name.as_str()) {
            continue;
        }
        seen.push(&detail.name);
    }
    for name in seen.iter().rev() {
        let Some(detail) = details.iter().rev().find(|d| d.name == *name) else { continue };
        writeln!(out, "  {name}: {}", describe(&detail.sample))?;
    }
    Ok(())
}

/// "4,210 ms wall, 5,130 ms CPU (3,900 ms on this thread); 1,234 ms in 60,000 script calls (20.6 µs each); peak 98.0 MiB".
fn describe(sample: &Sample) -> String {
    let ms = |d: Duration| thousands(d.as_millis() as usize);
    let mut text = format!("{} ms wall", ms(sample.wall));
    if let Some(Cpu { process, thread }) = sample.cpu {
        text += &format!(", {} ms CPU ({} ms on the calling thread)", ms(process), ms(thread));
    }
    let CallStats { calls, time } = sample.scripts;
    text += &format!(
        "; {} ms in {} script calls ({:.2} µs each, {:.2} per step or event)",
        ms(time),
        thousands(calls as usize),
        time.as_secs_f64() * 1e6 / (calls.max(1) as f64),
        calls as f64 / (sample.count.max(1) as f64),
    );
    if let Some(kib) = sample.peak_memory {
        text += &format!("; peak memory {:.1} MiB", kib as f64 / 1024.0);
    }
    text
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

/// A store file and its WAL companions; the temporary folder goes at the end anyway.
fn remove_store(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        std::fs::remove_file(PathBuf::from(path)).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands_and_medians_taken_from_the_middle() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
