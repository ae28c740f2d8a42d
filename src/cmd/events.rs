//! `squall events`: the events a branch of a store sees.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;
use serde_json::Value;
use squall_store::{EventMetadata, RecordedEvent};

use crate::Outcome;
use crate::cmd::open;
use crate::report;

/// List the events of a store.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "List the events a branch of a store sees, its own and those it inherits from \
        the branches it was forked from, in position order. The store is opened read-only.\n\n\
        `caused by` names the command whose step appended the event (c3), followed by the \
        event its policy reacted to (c3 ← #2) when a policy issued it; an external system's \
        answer to an event names that event (#4). `rewind` takes these positions.",
    after_help = "Examples:\n  \
        squall events --db bank.db\n  \
        squall events --db bank.db --stream BankAccount-acc-1 --branch main@3\n  \
        squall events --db bank.db --json | jq -c .payload"
)]
pub struct Args {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// Only this stream, e.g. BankAccount-acc-1.
    #[arg(long, value_name = "ID")]
    pub stream: Option<String>,

    /// The branch to look at.
    #[arg(long, value_name = "NAME", default_value = squall_store::MAIN)]
    pub branch: String,

    /// One JSON object per line (with metadata) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let store = open::read_only(&args.db)?;
    let events = match &args.stream {
        Some(stream) => store.stream_events(&args.branch, stream)?,
        None => store.events(&args.branch)?,
    };
    let mut out = anstream::stdout().lock();
    if args.json {
        for event in &events {
            serde_json::to_writer(&mut out, &Json::from(event)).context("cannot write to stdout")?;
            writeln!(out).context("cannot write to stdout")?;
        }
    } else {
        let causes = report::table::causes(&store, &args.branch, &events)?;
        report::table::events(&mut out, &events, &causes).context("cannot write to stdout")?;
    }
    Ok(Outcome::Fine)
}

/// An event as `--json` prints it: the `events` table's columns.
#[derive(Debug, Serialize)]
struct Json<'a> {
    position: u64,
    branch: &'a str,
    stream_id: &'a str,
    stream_version: u64,
    event_type: &'a str,
    payload: &'a Value,
    metadata: &'a EventMetadata,
    recorded_at: &'a str,
}

impl<'a> From<&'a RecordedEvent> for Json<'a> {
    fn from(e: &'a RecordedEvent) -> Self {
        Json {
            position: e.position,
            branch: &e.branch,
            stream_id: &e.stream_id,
            stream_version: e.stream_version,
            event_type: &e.event_type,
            payload: &e.payload,
            metadata: &e.metadata,
            recorded_at: &e.recorded_at,
        }
    }
}
