//! `squall export`: the board as a code skeleton (Rust, TypeScript) or a
//! picture (SVG, PNG).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use squall_export::skeleton::{self, Language, Scripts};

use crate::Outcome;

/// Export a model as a code skeleton or a picture.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Export a model as a code skeleton to build the real system from, or as a picture.\n\n\
        --to rust writes a Cargo crate, --to typescript a TypeScript package: one module per bounded \
        context with its commands and events as types, each aggregate as a state with handle and \
        apply, policies, read models and external systems, their bodies left to write with the \
        board's Rhai rule quoted above each, the board wired together in memory, and its scenarios \
        as tests (ignored until the rules are written).\n\n\
        The same board always gives the same files. A file changed since squall last wrote it is \
        never overwritten: the export stops, names it and writes nothing, unless --force.\n\n\
        --to svg draws the board as plain SVG (ImageMagick, Inkscape, browsers and wikis show it), \
        --to png as a PNG at --scale pixels per board pixel; a board too big for that is drawn \
        smaller, at most 24 million pixels.",
    after_help = "Examples:\n  \
        squall export models/bank_account.ron --to rust --out bank-account\n  \
        cd bank-account && cargo test -- --ignored     the scenarios, once the rules are written\n  \
        squall export models/bank_account.ron --to typescript --out bank-account-ts\n  \
        squall export models/bank_account.ron --to rust --out bank-account --force\n  \
        squall export models/bank_account.ron --to svg --out bank-account.svg\n  \
        squall export models/bank_account.ron --to png --out bank-account.png --scale 1"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// What to export to.
    #[arg(long, value_enum)]
    pub to: Target,

    /// The folder to write a skeleton into (created if missing), or the picture's file.
    #[arg(long, short, value_name = "DIR|FILE")]
    pub out: PathBuf,

    /// Overwrite files changed since the last export.
    #[arg(long)]
    pub force: bool,

    /// PNG pixels per board pixel.
    #[arg(long, default_value_t = 2.0, value_name = "N")]
    pub scale: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// A Cargo crate (serde, rust_decimal): `cargo build`, `cargo test -- --ignored`.
    Rust,
    /// A TypeScript package in strict mode: `tsc --noEmit`.
    Typescript,
    /// A picture in plain SVG.
    Svg,
    /// A PNG picture, drawn at --scale.
    Png,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let board = squall_model::load(&args.model)?;
    match args.to {
        Target::Rust => skeleton(args, &board, Language::Rust),
        Target::Typescript => skeleton(args, &board, Language::TypeScript),
        Target::Svg => picture(args, squall_export::picture::svg(&board).as_bytes()),
        Target::Png => {
            let png = squall_export::picture::png(&board, args.scale)
                .with_context(|| format!("cannot draw {} as a PNG", args.model.display()))?;
            picture(args, &png)
        }
    }
}

/// Write a picture, whole or not at all.
fn picture(args: &Args, bytes: &[u8]) -> anyhow::Result<Outcome> {
    squall_model::write_atomically(&args.out, bytes)
        .with_context(|| format!("cannot write the picture of {}", args.model.display()))?;
    tracing::info!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    Ok(Outcome::Fine)
}

fn skeleton(args: &Args, board: &squall_model::Board, language: Language) -> anyhow::Result<Outcome> {
    let model_dir = args.model.parent().unwrap_or(Path::new("."));
    let scripts = Scripts::read(board, model_dir);
    let files = skeleton::generate(board, &scripts, language);
    let written = match skeleton::write(&files, &args.out, args.force) {
        Ok(written) => written,
        Err(skeleton::Error::Edited { dir, files }) => anyhow::bail!(
            "nothing was written to {}: {} changed since squall last wrote {} (or squall never did); \
             move your changes away, or export with --force to overwrite them",
            dir.display(),
            files.join(", "),
            if files.len() == 1 { "it" } else { "them" }
        ),
        Err(other) => {
            return Err(other).with_context(|| {
                format!("cannot export {} to {}", args.model.display(), args.out.display())
            });
        }
    };
    for name in &written.kept {
        crate::report::note(&format!(
            "{name} is no longer generated but was changed since the last export, so it was left in place"
        ));
    }
    tracing::info!(
        "wrote {} files to {} ({} unchanged, {} removed)",
        written.written.len(),
        args.out.display(),
        written.unchanged.len(),
        written.removed.len()
    );
    Ok(Outcome::Fine)
}
