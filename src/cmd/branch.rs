//! `squall branch` and `squall rewind`: what-if timelines in a store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::json;
use squall_store::Store;

use crate::Outcome;
use crate::cmd::open;
use crate::report::{self, table};

/// List, create and compare a store's branches.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "List, create and compare a store's branches. A branch is a what-if timeline: it \
        is forked from another branch at a position, sees that branch's events up to there, and \
        then goes its own way. Creating one rebuilds its read models with the model's scripts.",
    after_help = "Examples:\n  \
        squall branch list --db bank.db\n  \
        squall branch create --db bank.db models/bank_account.ron what-if --at 3\n  \
        squall branch diff --db bank.db models/bank_account.ron main what-if"
)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    List(ListArgs),
    Create(CreateArgs),
    Diff(DiffArgs),
}

/// List the branches: parent, fork position and head of each.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  squall branch list --db bank.db")]
pub struct ListArgs {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// One JSON object per branch and line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Fork a new branch and rebuild its read models.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  squall branch create --db bank.db models/bank_account.ron what-if --at 3"
)]
pub struct CreateArgs {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The model file (RON), whose scripts rebuild the branch's read models.
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The new branch's name (no whitespace).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The branch to fork.
    #[arg(long, value_name = "BRANCH", default_value = squall_store::MAIN)]
    pub from: String,

    /// The last position the new branch sees; the head of --from when left out.
    #[arg(long, value_name = "POS")]
    pub at: Option<u64>,
}

/// Compare two branches: the events only one sees, the documents that differ.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  squall branch diff --db bank.db models/bank_account.ron main what-if")]
pub struct DiffArgs {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The model file (RON), which names the read models to compare.
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    #[arg(value_name = "A")]
    pub left: String,

    #[arg(value_name = "B")]
    pub right: String,

    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Go back to a position: fork a branch there.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Go back to a position: a new branch named BRANCH@POSITION is forked there, its \
        read models rebuilt, and its name printed. The branch left behind keeps everything after \
        the position, so nothing is lost; run on in the new branch with `squall sim` or compare \
        the two with `squall branch diff`.",
    after_help = "Example:\n  squall rewind --db bank.db models/bank_account.ron 3"
)]
pub struct RewindArgs {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The model file (RON), whose scripts rebuild the new branch's read models.
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The last position the new branch sees.
    #[arg(value_name = "POSITION")]
    pub position: u64,

    /// The branch to go back in.
    #[arg(long, value_name = "NAME", default_value = squall_store::MAIN)]
    pub branch: String,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    match &args.action {
        Action::List(args) => list(args),
        Action::Create(args) => create(args),
        Action::Diff(args) => diff(args),
    }
}

fn list(args: &ListArgs) -> anyhow::Result<Outcome> {
    let store = open::read_only(&args.db)?;
    let mut out = anstream::stdout().lock();
    if args.json {
        for branch in store.branches()? {
            let head = store.head(&branch.name)?;
            let line = json!({
                "name": branch.name,
                "parent": branch.parent,
                "fork_position": branch.fork_position,
                "head": head,
                "created_at": branch.created_at,
            });
            writeln!(out, "{line}").context("cannot write to stdout")?;
        }
    } else {
        branches(&mut out, &store, None).context("cannot write to stdout")?;
    }
    Ok(Outcome::Fine)
}

/// The branches as a table; `current` is marked with `*`.
pub fn branches(out: &mut impl Write, store: &Store, current: Option<&str>) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for branch in store.branches()? {
        let head = store.head(&branch.name)?;
        let mark = if current == Some(branch.name.as_str()) { "* " } else { "" };
        rows.push(vec![
            format!("{mark}{}", branch.name),
            branch.parent.unwrap_or_default(),
            branch.fork_position.map(|p| p.to_string()).unwrap_or_default(),
            head.to_string(),
            branch.created_at.unwrap_or_default(),
        ]);
    }
    table::print(out, &["branch", "parent", "fork at", "head", "created"], &rows)?;
    Ok(())
}

fn create(args: &CreateArgs) -> anyhow::Result<Outcome> {
    let model = open::Model::load(&args.model)?;
    let mut session = model.session(open::existing_writable(&args.db)?, open::options(None))?;
    if args.from != session.branch() {
        session.switch(&args.from)?;
    }
    let at = match args.at {
        Some(at) => at,
        None => session.store().head(&args.from)?,
    };
    session.fork(&args.name, Some(at))?;
    writeln!(anstream::stdout(), "created branch {} from {} at position {at}", args.name, args.from)
        .context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

fn diff(args: &DiffArgs) -> anyhow::Result<Outcome> {
    let model = open::Model::load(&args.model)?;
    let session = model.session(open::read_only(&args.db)?, open::options(None))?;
    let diff = session.diff(&args.left, &args.right)?;
    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &diff).context("cannot write to stdout")?;
        writeln!(out).context("cannot write to stdout")?;
    } else {
        report::trace::diff(&mut out, &diff).context("cannot write to stdout")?;
    }
    Ok(Outcome::Fine)
}

pub fn rewind(args: &RewindArgs) -> anyhow::Result<Outcome> {
    let model = open::Model::load(&args.model)?;
    let mut session = model.session(open::existing_writable(&args.db)?, open::options(None))?;
    if args.branch != session.branch() {
        session.switch(&args.branch)?;
    }
    let name = session.rewind(args.position)?;
    writeln!(anstream::stdout(), "{name}").context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}
