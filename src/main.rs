//! `squall`: check, format, create, draw, run, test and benchmark
//! event-storming boards from the command line, and look into the stores
//! their runs leave.
//!
//! Exit codes: 0 all is well, 1 findings (the model has errors, `fmt
//! --check` would change a file, a scenario failed, a `run` input line was
//! bad), 2 bad input of any kind.

mod cmd;
mod report;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

// Script values and JSON documents are many small, short-lived allocations;
// mimalloc serves them faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a subcommand found, as the process reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Fine,
    /// Exit 1: the model has errors, files would change, a scenario failed,
    /// or a run met bad input lines.
    Findings,
}

/// Bad input of any kind: a missing or unreadable file, malformed RON, an
/// invalid board, a file that would be overwritten.
const BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "squall",
    version,
    about = "Event-storming boards that run: check, format, create, draw, run and test Squall models",
    long_about = "Event-storming boards that run.\n\n\
        A Squall model is one RON file (models/NAME.ron) with Rhai scripts next to it \
        (scripts/NAME/*.rhai). This command checks models against the event-storming \
        grammar, keeps their files in canonical form, creates new ones and draws them. It runs \
        them on an SQLite event store (run, sim), tests their scenarios (test), and looks into \
        the store a run leaves (events, state, read-model, query, branch, rewind).",
    after_help = "Examples:\n  \
        squall check models/bank_account.ron          lint a model; exit 1 on errors\n  \
        squall check models/bank_account.ron --json   the same as one JSON object\n  \
        squall fmt --check models/*.ron               list files not in canonical form\n  \
        squall new shop --template bank-account       models/shop.ron + scripts/shop/\n  \
        squall graph models/shop.ron --format mermaid -o docs/shop.mmd\n  \
        squall export models/shop.ron --to rust --out shop\n  \
        squall bench check --elements 10000           time check on a generated board\n  \
        squall test models/bank_account.ron           run the model's scenarios\n  \
        squall run models/bank_account.ron --db bank.db --input commands.jsonl\n  \
        squall sim models/bank_account.ron            step through it interactively\n  \
        squall events --db bank.db                    what a run appended\n  \
        squall query --db bank.db \"SELECT * FROM commands WHERE outcome = 'rejected'\"\n  \
        squall serve models/bank_account.ron          edit the board in a browser\n\n\
        Run `squall help COMMAND` for each command's options and examples.\n\
        Exit status: 0 fine, 1 findings (model errors, files to reformat, failed scenarios, bad \
        input lines), 2 bad input.",
    propagate_version = true
)]
struct Cli {
    /// More log output on stderr: -v info, -vv debug, -vvv trace (RUST_LOG applies when not given).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Colour even when piped.
    Always,
    /// No colour.
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(cmd::check::Args),
    Fmt(cmd::fmt::Args),
    New(cmd::new::Args),
    Graph(cmd::graph::Args),
    Export(cmd::export::Args),
    Bench(cmd::bench::Args),
    Run(cmd::run::Args),
    Test(cmd::test::Args),
    Sim(cmd::sim::Args),
    Events(cmd::events::Args),
    State(cmd::state::Args),
    ReadModel(cmd::read_model::Args),
    Query(cmd::query::Args),
    Branch(cmd::branch::Args),
    Rewind(cmd::branch::RewindArgs),
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_colour(cli.color);
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Fmt(args) => cmd::fmt::run(&args),
        Command::New(args) => cmd::new::run(&args),
        Command::Graph(args) => cmd::graph::run(&args),
        Command::Export(args) => cmd::export::run(&args),
        Command::Bench(args) => cmd::bench::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Test(args) => cmd::test::run(&args),
        Command::Sim(args) => cmd::sim::run(&args),
        Command::Events(args) => cmd::events::run(&args),
        Command::State(args) => cmd::state::run(&args),
        Command::ReadModel(args) => cmd::read_model::run(&args),
        Command::Query(args) => cmd::query::run(&args),
        Command::Branch(args) => cmd::branch::run(&args),
        Command::Rewind(args) => cmd::branch::rewind(&args),
        Command::Serve(args) => cmd::serve::run(&args),
    };
    match result {
        Ok(Outcome::Fine) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        // `squall check … | head` closing the pipe early is not a failure.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            report::error(&err);
            ExitCode::from(BAD_INPUT)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == broken
            || cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind) == broken
    })
}

fn init_colour(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => return,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// `-v` flags win over RUST_LOG, so a quick `-v` needs no environment.
fn init_tracing(verbose: u8) {
    let filter = match verbose {
        0 => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        1 => EnvFilter::new("info"),
        2 => EnvFilter::new("debug"),
        _ => EnvFilter::new("trace"),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(report::colours_on_stderr())
        .init();
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
