//! `squall bench`: how fast Squall is on a large board.

mod export;
mod generate;
mod sim;
mod workshop;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::Outcome;
use crate::cmd::check;
use crate::report::Counts;

const GOOD: Style = AnsiColor::Green.on_default().bold();
const SLOW: Style = AnsiColor::Red.on_default().bold();
const BOLD: Style = Style::new().bold();

/// What `squall check` should take at most on the default board.
const TARGET: Duration = Duration::from_secs(1);

/// Measure how fast Squall is on a large generated board.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    squall bench check\n  \
    squall bench export\n  \
    cargo run --release -- bench check --elements 10000 --connections 20000 --runs 5")]
pub struct Args {
    #[command(subcommand)]
    pub what: Bench,
}

#[derive(Debug, clap::Subcommand)]
pub enum Bench {
    Check(CheckArgs),
    Sim(sim::SimArgs),
    Export(export::ExportArgs),
    Workshop(workshop::WorkshopArgs),
}

/// Time `squall check` (load + lint) on a generated board.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Time what `squall check` does (load the file, then lint) on a generated board.\n\n\
        The board is the same on every machine: copies of a bank-account-like flow (actor, \
        commands, aggregate, events, policies, external system, read model, hotspot) in bounded \
        contexts of ten, wired to each other mostly as the grammar allows, with some flaws for \
        the lint to find. It is saved to a temporary folder with its scripts, then checked \
        --runs times. Build in release mode for meaningful numbers.",
    after_help = "Examples:\n  \
        cargo run --release -- bench check\n  \
        squall bench check --elements 50000 --connections 100000 --runs 3 --save /tmp/big.ron"
)]
pub struct CheckArgs {
    /// Elements on the generated board.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub elements: usize,

    /// Connections on the generated board.
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub connections: usize,

    /// How many times to load and lint it.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,

    /// Also save the generated board to FILE, to check or profile it later.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    match &args.what {
        Bench::Check(args) => bench_check(args),
        Bench::Sim(args) => sim::run(args),
        Bench::Export(args) => export::run(args),
        Bench::Workshop(args) => workshop::run(args),
    }
}

/// One timed run.
struct Timing {
    load: Duration,
    lint: Duration,
}

fn bench_check(args: &CheckArgs) -> anyhow::Result<Outcome> {
    if args.connections > 0 && args.elements < 2 {
        bail!("a board with connections needs at least 2 elements (got --elements {})", args.elements);
    }
    let started = Instant::now();
    let board = generate::board(args.elements, args.connections);
    let generated = started.elapsed();

    let dir = tempfile::tempdir().context("cannot create a temporary folder for the board")?;
    let models = dir.path().join("models");
    let scripts = dir.path().join("scripts");
    for folder in [&models, &scripts] {
        std::fs::create_dir(folder)
            .with_context(|| format!("{}: cannot create the folder", folder.display()))?;
    }
    for script in generate::SCRIPTS {
        let path = models.join(script);
        std::fs::write(&path, "// benchmark stub\n")
            .with_context(|| format!("{}: cannot write the script", path.display()))?;
    }
    let path = models.join("bench.ron");
    squall_model::save(&path, &board)?;
    if let Some(copy) = &args.save {
        squall_model::save(copy, &board)?;
    }
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
    tracing::info!(?generated, bytes, "generated {}", path.display());
    drop(board);

    let progress = ProgressBar::new(u64::from(args.runs)).with_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} runs, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message("load + lint");
    let mut timings = Vec::new();
    let mut counts = None;
    for _ in 0..args.runs {
        let started = Instant::now();
        let board = squall_model::load(&path)?;
        let loaded = started.elapsed();
        let report = check::lint_board(&board, &path);
        timings.push(Timing { load: loaded, lint: started.elapsed() - loaded });
        counts = Some(Counts::of(&report));
        progress.inc(1);
    }
    progress.finish_and_clear();

    let mut out = anstream::stdout().lock();
    print(&mut out, args, bytes, counts, &timings).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

fn print(
    out: &mut impl Write,
    args: &CheckArgs,
    bytes: u64,
    counts: Option<Counts>,
    timings: &[Timing],
) -> std::io::Result<()> {
    writeln!(
        out,
        "{BOLD}squall check{BOLD:#} on a generated board: {} elements, {} connections, {:.1} MiB of RON",
        args.elements,
        args.connections,
        bytes as f64 / (1024.0 * 1024.0)
    )?;
    if let Some(c) = counts {
        writeln!(
            out,
            "findings: {} errors, {} warnings, {} info, {} allowed",
            c.errors, c.warnings, c.info, c.allowed
        )?;
    }
    let parts = [
        ("load", timings.iter().map(|t| t.load).collect()),
        ("lint", timings.iter().map(|t| t.lint).collect()),
    ];
    timing_table(out, parts, TARGET)
}

/// Min, median and max of each part's runs and of their sum, and whether
/// the sum's median is under `target`.
fn timing_table(
    out: &mut dyn Write,
    parts: [(&str, Vec<Duration>); 2],
    target: Duration,
) -> std::io::Result<()> {
    let runs = parts[0].1.len();
    writeln!(out, "{runs} runs{:>12}{:>12}{:>12}", "min", "median", "max")?;
    let row = |out: &mut dyn Write, name: &str, times: Vec<Duration>| {
        let stats = Stats::of(times);
        writeln!(out, "  {name:<8}{:>12}{:>12}{:>12}", ms(stats.min), ms(stats.median), ms(stats.max))?;
        Ok::<_, std::io::Error>(stats)
    };
    let totals: Vec<Duration> = parts[0].1.iter().zip(&parts[1].1).map(|(a, b)| *a + *b).collect();
    for (name, times) in parts {
        row(out, name, times)?;
    }
    let total = row(out, "total", totals)?;
    let (style, verdict) = if total.median < target { (GOOD, "under") } else { (SLOW, "over") };
    writeln!(out, "{style}median {} is {verdict} the {} target{style:#}", ms(total.median), ms(target))
}

struct Stats {
    min: Duration,
    median: Duration,
    max: Duration,
}

impl Stats {
    /// `times` is never empty: `--runs` is at least 1.
    fn of(mut times: Vec<Duration>) -> Self {
        times.sort();
        let n = times.len();
        let median = if n % 2 == 1 { times[n / 2] } else { (times[n / 2 - 1] + times[n / 2]) / 2 };
        Stats { min: times[0], median, max: times[n - 1] }
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_board_has_the_requested_size_and_loads() {
        for (elements, connections) in [(10_000, 20_000), (100, 500), (7, 3), (0, 0)] {
            let board = generate::board(elements, connections);
            assert_eq!((board.elements.len(), board.connections.len()), (elements, connections));
            let text = squall_model::to_ron(&board).unwrap();
            squall_model::parse(&text, "bench.ron").unwrap();
        }
    }

    #[test]
    fn the_generated_board_gives_the_lint_work() {
        let board = generate::board(1500, 3000);
        let report = squall_model::lint::lint(&board, &Default::default());
        let codes: std::collections::BTreeSet<&str> =
            report.diagnostics.iter().map(|d| d.code.name()).collect();
        for code in ["command-handled-twice", "forbidden-connection", "policy-cycle", "unknown-key-field"] {
            assert!(codes.contains(code), "{code} missing from {codes:?}");
        }
        assert!(!report.allowed.is_empty());
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let ms = Duration::from_millis;
        let stats = Stats::of(vec![ms(4), ms(1), ms(3), ms(2)]);
        assert_eq!((stats.min, stats.median, stats.max), (ms(1), Duration::from_micros(2500), ms(4)));
    }
}
