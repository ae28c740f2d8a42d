//! `squall fmt`: keep model files in their one canonical form.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use anyhow::Context as _;

use crate::{Outcome, report};

const CHANGED: Style = AnsiColor::Yellow.on_default().bold();

/// Rewrite model files in canonical form.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Rewrite model files in canonical form: elements, groups and members sorted by id, \
        connections by their ends, positions on whole pixels, one layout. Load then save is \
        byte-identical, so diffs show only real changes.\n\n\
        A file is written (atomically) only if its bytes change. Comments in RON files do not \
        survive; put explanations in `description` fields. With --check nothing is written and \
        the command exits 1 if any file would change.",
    after_help = "Examples:\n  \
        squall fmt models/bank_account.ron\n  \
        squall fmt --check models/*.ron"
)]
pub struct Args {
    /// The model files (RON).
    #[arg(value_name = "MODEL", required = true)]
    pub models: Vec<PathBuf>,

    /// Write nothing; list the files that would change and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Verdict {
    Canonical,
    Changed,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let mut out = anstream::stdout().lock();
    let mut changed = 0;
    let mut failed = Vec::new();
    // Every file gets its say: one broken model must not hide what the
    // others need.
    for path in &args.models {
        match format(path, args.check) {
            Ok(Verdict::Canonical) => tracing::info!("{} is canonical", path.display()),
            Ok(Verdict::Changed) => {
                changed += 1;
                let what = if args.check { "would reformat" } else { "reformatted" };
                writeln!(out, "{CHANGED}{what}{CHANGED:#} {}", path.display())
                    .context("cannot write to stdout")?;
            }
            Err(err) => {
                report::error(&err);
                failed.push(path.display().to_string());
            }
        }
    }
    match failed.len() {
        0 => {}
        1 => anyhow::bail!("could not format {}", failed[0]),
        n => anyhow::bail!("could not format {n} files: {}", failed.join(", ")),
    }
    Ok(if args.check && changed > 0 { Outcome::Findings } else { Outcome::Fine })
}

fn format(path: &Path, check_only: bool) -> anyhow::Result<Verdict> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("{origin}: cannot read the file"))?;
    // Parse the bytes already read, so the comparison and the board come
    // from the same version of the file.
    let Ok(text) = String::from_utf8(bytes) else {
        // The library says where the first bad byte is.
        return Err(match squall_model::load(path) {
            Err(err) => err.into(),
            Ok(_) => anyhow::anyhow!("{origin}: the file changed while it was being read"),
        });
    };
    let board = squall_model::parse(&text, &origin)?;
    let canonical = squall_model::to_ron(&board)?;
    if canonical == text {
        return Ok(Verdict::Canonical);
    }
    if !check_only {
        squall_model::write_atomically(path, canonical.as_bytes())?;
    }
    Ok(Verdict::Changed)
}
