//! `squall graph`: the board as a Graphviz or Mermaid diagram.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use squall_model::diagram::{self, Format};

use crate::Outcome;

/// Draw a model as a Graphviz DOT or Mermaid diagram.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Draw a model as a diagram: its elements inside their bounded contexts, and its arrows \
        labelled with how the grammar reads them (\"emits\", \"triggers\"). Hotspots and notes \
        are attached with dashed arrows.",
    after_help = "Examples:\n  \
        squall graph models/bank_account.ron --format dot | dot -Tsvg > bank_account.svg\n  \
        squall graph models/bank_account.ron --format mermaid -o docs/bank_account.mmd"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The diagram language.
    #[arg(long, short, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    /// Write the diagram to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// Mermaid flowchart (Markdown, GitHub, GitLab).
    Mermaid,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let board = squall_model::load(&args.model)?;
    let format = match args.format {
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Mermaid => Format::Mermaid,
    };
    let text = diagram::render(&board, format);
    match &args.output {
        Some(path) => {
            squall_model::write_atomically(path, text.as_bytes())?;
            tracing::info!("wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).context("cannot write the diagram to stdout")?;
        }
    }
    Ok(Outcome::Fine)
}
