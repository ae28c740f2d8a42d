//! `squall state`: an aggregate instance's state, rebuilt from its events.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::Outcome;
use crate::cmd::open;

/// Show an aggregate instance's state.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Show an aggregate instance's state as pretty JSON, rebuilt from its events by \
        the model's scripts (initial, then apply_<Event> for each event of its stream). The store \
        is opened read-only.",
    after_help = "Examples:\n  \
        squall state --db bank.db models/bank_account.ron BankAccount acc-1\n  \
        squall state --db bank.db models/bank_account.ron BankAccount acc-1 --branch main@3"
)]
pub struct Args {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The model file (RON), whose scripts rebuild the state.
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The aggregate's name on the board, e.g. BankAccount.
    #[arg(value_name = "AGGREGATE")]
    pub aggregate: String,

    /// The instance's id, e.g. acc-1 (its stream is AGGREGATE-ID).
    #[arg(value_name = "ID")]
    pub id: String,

    /// The branch to look at.
    #[arg(long, value_name = "NAME", default_value = squall_store::MAIN)]
    pub branch: String,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let model = open::Model::load(&args.model)?;
    let mut session = model.session(open::read_only(&args.db)?, open::options(None))?;
    if args.branch != session.branch() {
        session.switch(&args.branch)?;
    }
    let state = session.state(&args.aggregate, &args.id)?;
    let mut out = anstream::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &state).context("cannot write to stdout")?;
    writeln!(out).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}
