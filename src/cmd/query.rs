//! `squall query`: read-only SQL over a store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::Value;

use crate::Outcome;
use crate::cmd::open;
use crate::report::table;

/// Run one read-only SQL statement on a store.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run one read-only SQL statement on a store and print the rows as a table, or \
        as JSON. The store is opened read-only and a statement that would write (INSERT, \
        UPDATE, DELETE, DROP, ...) is refused before it runs. JSON columns are text: pick inside \
        them with json_extract. The tables are described in docs/store.md.",
    after_help = "Examples:\n  \
        squall query --db bank.db \"SELECT event_type, count(*) FROM events GROUP BY 1\"\n  \
        squall query --db bank.db --json \\\n      \
        \"SELECT key, json_extract(document, '$.balance') AS balance FROM documents\""
)]
pub struct Args {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The statement, e.g. "SELECT * FROM events".
    #[arg(value_name = "SQL")]
    pub sql: String,

    /// One JSON object per row, keyed by column name, instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let store = open::read_only(&args.db)?;
    let rows = store.query(&args.sql)?;
    let mut out = anstream::stdout().lock();
    if args.json {
        for object in rows.to_objects() {
            serde_json::to_writer(&mut out, &Value::Object(object)).context("cannot write to stdout")?;
            writeln!(out).context("cannot write to stdout")?;
        }
    } else {
        let headers: Vec<&str> = rows.columns.iter().map(String::as_str).collect();
        let cells: Vec<Vec<String>> =
            rows.rows.iter().map(|row| row.iter().map(table::cell).collect()).collect();
        table::print(&mut out, &headers, &cells).context("cannot write to stdout")?;
    }
    Ok(Outcome::Fine)
}
