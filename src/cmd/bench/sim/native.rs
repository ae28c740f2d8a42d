//! The yardstick: the workload written by hand in Rust over rusqlite, as an
//! event-sourced application without a simulator would run it. It decides
//! in memory, appends the event rows and upserts the read model's document
//! in the same transaction, on a file with Squall's own schema and pragmas
//! (the store creates it), so both sides pay for the same indexes. It keeps
//! no command log, queue or checkpoints: those are what Squall adds.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use squall_store::{Durability, Store};

use super::workload::Op;

/// How many changes a document remembers, as the read model's script does.
const RECENT: usize = 5;

/// What one timed native run did.
#[derive(Clone, Copy, Debug)]
pub struct Timed {
    pub commands: usize,
    pub events: u64,
    pub time: Duration,
}

/// One account as the handler sees it, and its document.
#[derive(Debug, Default)]
struct Account {
    version: u64,
    owner: String,
    balance: i64,
    recent: VecDeque<String>,
}

#[derive(Serialize)]
struct Document<'a> {
    account_id: &'a str,
    balance: i64,
    owner: &'a str,
    recent_changes: &'a VecDeque<String>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    event_id: &'a str,
    command_id: &'a str,
    causation_id: &'a str,
    correlation_id: &'a str,
    sticky_id: &'a str,
    script_hash: &'a str,
    actor: &'a str,
}

/// Every event's payload has these fields, or some of them.
#[derive(Deserialize)]
struct Payload {
    account_id: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    amount: Option<i64>,
}

/// An event decided by the handler, with its payload as JSON and as data.
struct Decided<'o> {
    event_type: &'static str,
    payload: String,
    owner: Option<&'o str>,
    amount: Option<i64>,
}

/// Opens a fresh file with Squall's schema and the store's pragmas for `durability`.
pub fn open(path: &Path, durability: Durability) -> anyhow::Result<Connection> {
    let store = Store::open(path, durability)?;
    let synchronous = store.pragma("synchronous")?;
    let cache_size = store.pragma("cache_size")?;
    drop(store);
    let conn = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    conn.execute_batch(&format!("PRAGMA synchronous = {synchronous}; PRAGMA cache_size = {cache_size};"))?;
    conn.set_prepared_statement_cache_capacity(16);
    Ok(conn)
}

/// Runs `ops`, `per_transaction` commands to a transaction (1: one per command).
pub fn run(conn: &mut Connection, ops: &[Op], per_transaction: usize) -> anyhow::Result<Timed> {
    let started = Instant::now();
    let mut accounts: HashMap<String, Account> = HashMap::new();
    let mut events = 0;
    for (chunk_index, chunk) in ops.chunks(per_transaction.max(1)).enumerate() {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut wrote = false;
        for (i, op) in chunk.iter().enumerate() {
            let command = format!("c{}", chunk_index * per_transaction + i + 1);
            let Some((account_id, decided)) = decide(&accounts, op) else { continue };
            let account = accounts.entry(account_id.to_owned()).or_default();
            account.version += 1;
            apply(account, decided.event_type, decided.owner.map(str::to_owned), decided.amount);
            append(&tx, account_id, account, &command, &decided)?;
            upsert(&tx, account_id, account)?;
            events += 1;
            wrote = true;
        }
        if wrote {
            tx.commit()?;
        }
    }
    Ok(Timed { commands: ops.len(), events, time: started.elapsed() })
}

/// Rebuilds the read model from every event, then writes its documents in one transaction.
pub fn replay(conn: &mut Connection) -> anyhow::Result<Timed> {
    let started = Instant::now();
    let mut accounts: HashMap<String, Account> = HashMap::new();
    let mut events = 0;
    {
        let mut stmt =
            conn.prepare("SELECT event_type, payload FROM events WHERE branch = 'main' ORDER BY position")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let event_type = row.get_ref(0)?.as_str()?;
            let payload = row.get_ref(1)?.as_str()?;
            let parsed: Payload = serde_json::from_str(payload)?;
            let account = accounts.entry(parsed.account_id).or_default();
            apply(account, event_type, parsed.owner, parsed.amount);
            events += 1;
        }
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (account_id, account) in &accounts {
        upsert(&tx, account_id, account)?;
    }
    tx.commit()?;
    Ok(Timed { commands: 0, events, time: started.elapsed() })
}

/// The handler: the event a command leads to, or none when it is refused.
fn decide<'o>(accounts: &HashMap<String, Account>, op: &'o Op) -> Option<(&'o str, Decided<'o>)> {
    let open = |account: &str| accounts.get(account).is_some_and(|a| a.version > 0);
    match op {
        Op::Open { account, owner } if !open(account) => {
            let payload = serde_json::json!({"account_id": account, "owner": owner}).to_string();
            Some((
                account,
                Decided { event_type: "AccountOpened", payload, owner: Some(owner), amount: None },
            ))
        }
        Op::Deposit { account, amount } if open(account) && *amount > 0 => {
            let payload = serde_json::json!({"account_id": account, "amount": amount}).to_string();
            let amount = Some(i64::from(*amount));
            Some((account, Decided { event_type: "MoneyDeposited", payload, owner: None, amount }))
        }
        Op::Withdraw { account, amount }
            if open(account) && accounts.get(account).is_some_and(|a| i64::from(*amount) <= a.balance) =>
        {
            let payload = serde_json::json!({"account_id": account, "amount": amount}).to_string();
            let amount = Some(i64::from(*amount));
            Some((account, Decided { event_type: "MoneyWithdrawn", payload, owner: None, amount }))
        }
        _ => None,
    }
}

/// The applier and the projection in one: the state and the document are the same here.
fn apply(account: &mut Account, event_type: &str, owner: Option<String>, amount: Option<i64>) {
    let amount = amount.unwrap_or_default();
    let change = match event_type {
        "AccountOpened" => {
            account.owner = owner.unwrap_or_default();
            format!("opened for {}", account.owner)
        }
        "MoneyDeposited" => {
            account.balance += amount;
            format!("deposited {amount}")
        }
        "MoneyWithdrawn" => {
            account.balance -= amount;
            format!("withdrew {amount}")
        }
        _ => return,
    };
    account.recent.push_back(change);
    if account.recent.len() > RECENT {
        account.recent.pop_front();
    }
}

fn append(
    tx: &Connection,
    account_id: &str,
    account: &Account,
    command: &str,
    decided: &Decided<'_>,
) -> anyhow::Result<()> {
    let event_id = format!("{command}.1");
    let metadata = serde_json::to_string(&Metadata {
        event_id: &event_id,
        command_id: command,
        causation_id: command,
        correlation_id: command,
        sticky_id: "event-0000000000",
        script_hash: "0123456789abcdef",
        actor: "user",
    })?;
    tx.prepare_cached(
        "INSERT INTO events (branch, stream_id, stream_version, event_type, payload, metadata, recorded_at) \
         VALUES ('main', ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        format!("bankaccount-{account_id}"),
        i64::try_from(account.version)?,
        decided.event_type,
        decided.payload,
        metadata,
        "2026-01-01T00:00:00Z",
    ])?;
    Ok(())
}

fn upsert(tx: &Connection, account_id: &str, account: &Account) -> anyhow::Result<()> {
    let document = serde_json::to_string(&Document {
        account_id,
        balance: account.balance,
        owner: &account.owner,
        recent_changes: &account.recent,
    })?;
    tx.prepare_cached(
        "INSERT INTO documents (branch, read_model, key, document) VALUES ('main', 'AccountOverview', ?1, ?2) \
         ON CONFLICT (branch, read_model, key) DO UPDATE SET document = excluded.document",
    )?
    .execute(params![account_id, document])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::bench::sim::workload;

    #[test]
    fn the_native_loop_writes_one_event_per_accepted_command_and_one_document_per_account() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("native.db"), Durability::Batch).unwrap();
        let ops = workload::ops(4, 200, 3);
        let refused = ops.len() - count(&ops);

        let run = run(&mut conn, &ops, 50).unwrap();
        let replayed = replay(&mut conn).unwrap();

        let rows = |sql: &str| conn.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
        assert_eq!(run.events as usize, ops.len() - refused);
        assert_eq!(rows("SELECT count(*) FROM events"), run.events as i64);
        assert_eq!(rows("SELECT count(*) FROM documents"), 4);
        assert_eq!(replayed.events, run.events);
    }

    /// The commands the handler accepts, counted the slow way.
    fn count(ops: &[Op]) -> usize {
        let mut balances: HashMap<&str, i64> = HashMap::new();
        ops.iter()
            .filter(|op| match op {
                Op::Open { account, .. } => balances.insert(account, 0).is_none(),
                Op::Deposit { account, amount } => {
                    *balances.entry(account).or_default() += i64::from(*amount);
                    true
                }
                Op::Withdraw { account, amount } => {
                    let balance = balances.entry(account).or_default();
                    let ok = i64::from(*amount) <= *balance;
                    if ok {
                        *balance -= i64::from(*amount);
                    }
                    ok
                }
            })
            .count()
    }
}
