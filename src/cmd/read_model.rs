//! `squall read-model`: read-model documents, straight from the store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use serde_json::{Map, Value};
use squall_store::Store;

use crate::Outcome;
use crate::cmd::open;

/// Show read-model documents.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Show read-model documents as pretty JSON: one document by its key, or all \
        documents of the read model as an object keyed by document key. Reads the store's \
        documents table (read-only); no model is needed.",
    after_help = "Examples:\n  \
        squall read-model --db bank.db AccountOverview acc-1\n  \
        squall read-model --db bank.db AccountOverview --branch main@3"
)]
pub struct Args {
    /// The store file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The read model's name on the board, e.g. AccountOverview.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// One document's key; all documents when left out.
    #[arg(value_name = "KEY")]
    pub key: Option<String>,

    /// The branch to look at.
    #[arg(long, value_name = "NAME", default_value = squall_store::MAIN)]
    pub branch: String,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let store = open::read_only(&args.db)?;
    // Fails on an unknown branch, which would otherwise look empty.
    store.head(&args.branch)?;
    let shown = match &args.key {
        Some(key) => match store.document(&args.branch, &args.name, key)? {
            Some(document) => document,
            None => {
                known(&store, &args.branch, &args.name)?;
                bail!("read model {} has no document `{key}` in branch {}", args.name, args.branch);
            }
        },
        None => {
            let documents = store.documents(&args.branch, &args.name)?;
            if documents.is_empty() {
                known(&store, &args.branch, &args.name)?;
            }
            Value::Object(documents.into_iter().map(|d| (d.key, d.document)).collect::<Map<_, _>>())
        }
    };
    let mut out = anstream::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &shown).context("cannot write to stdout")?;
    writeln!(out).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

/// A read model the branch has documents or a checkpoint for; otherwise an
/// error naming the ones it has, since a typo would look like an empty one.
fn known(store: &Store, branch: &str, name: &str) -> anyhow::Result<()> {
    let branch_literal = sql_literal(branch);
    let rows = store.query(&format!(
        "SELECT read_model FROM documents WHERE branch = {branch_literal} \
         UNION SELECT projection FROM checkpoints WHERE branch = {branch_literal} ORDER BY 1"
    ))?;
    let names: Vec<&str> = rows.rows.iter().filter_map(|row| row.first()?.as_str()).collect();
    if names.contains(&name) {
        return Ok(());
    }
    let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
    bail!("branch {branch} has no read model named `{name}`; its read models are: {known}")
}

/// A string as an SQL literal.
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
