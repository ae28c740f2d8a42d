//! `squall check`: load a model and lint it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;
use squall_model::lint::{self, Diagnostic, Options, Report};
use squall_model::{Board, Id, LoadError};

use crate::Outcome;
use crate::report::{self, Counts};

/// Check a model against the event-storming grammar and the lint.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Check a model against the event-storming grammar and the lint.\n\n\
        Loads the model (syntax and structure errors stop here, exit 2), then lints it and \
        prints the findings grouped by severity: errors, warnings, info, and the findings \
        the board allows on purpose, with their reasons. Exits 1 if there is any error.",
    after_help = "Examples:\n  \
        squall check models/bank_account.ron\n  \
        squall check models/bank_account.ron --json | jq .summary"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// Print one JSON object instead of text: {file, diagnostics, allowed, summary}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let report = inspect(&args.model)?;
    let file = args.model.display().to_string();
    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &Json::new(&file, &report))
            .context("cannot write the report")?;
        writeln!(out).context("cannot write the report")?;
    } else {
        report::lint(&mut out, &file, &report).context("cannot write the report")?;
    }
    Ok(if report.has_errors() { Outcome::Findings } else { Outcome::Fine })
}

/// What `squall check` does before printing: load the model and lint it,
/// with script paths resolved against the model's folder.
pub fn inspect(path: &Path) -> Result<Report, LoadError> {
    let started = Instant::now();
    let board = squall_model::load(path)?;
    let loaded = started.elapsed();
    let report = lint_board(&board, path);
    tracing::debug!(
        elements = board.elements.len(),
        connections = board.connections.len(),
        ?loaded,
        linted = ?started.elapsed() - loaded,
        "checked {}",
        path.display()
    );
    Ok(report)
}

pub fn lint_board(board: &Board, path: &Path) -> Report {
    let model_dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    lint::lint(board, &Options { model_dir: Some(model_dir) })
}

/// The `--json` shape; kept here so the format is spelled out in one place.
#[derive(Debug, Serialize)]
struct Json<'a> {
    file: &'a str,
    diagnostics: &'a [Diagnostic],
    allowed: Vec<AllowedJson<'a>>,
    summary: Counts,
}

/// An allowed finding, flat: the diagnostic's fields plus who allows it and why.
#[derive(Debug, Serialize)]
struct AllowedJson<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    by: &'a Id,
    reason: &'a str,
}

impl<'a> Json<'a> {
    fn new(file: &'a str, report: &'a Report) -> Self {
        Json {
            file,
            diagnostics: &report.diagnostics,
            allowed: report
                .allowed
                .iter()
                .map(|a| AllowedJson { diagnostic: &a.diagnostic, by: &a.by, reason: &a.reason })
                .collect(),
            summary: Counts::of(report),
        }
    }
}
