//! The simulator's commands as a user runs them: `squall run` on a store
//! file, checked with plain SQL; `squall test`; the store inspection
//! commands; `squall sim` fed by a pipe.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};

const BANK_ACCOUNT: &str = "models/bank_account.ron";
const MONEY_TRANSFER: &str = "models/money_transfer.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `squall` run from the repository root, with colours and logging off so
/// output is the same everywhere.
fn squall() -> Command {
    let mut cmd = cargo_bin_cmd!("squall");
    cmd.current_dir(root()).env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE").env_remove("RUST_LOG");
    cmd
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

fn command(name: &str, data: &Value) -> String {
    json!({"command": name, "data": data}).to_string()
}

fn open_account(id: &str, owner: &str) -> String {
    command("OpenAccount", &json!({"account_id": id, "owner": owner}))
}

fn deposit(id: &str, amount: impl Into<Value>) -> String {
    command("DepositMoney", &json!({"account_id": id, "amount": amount.into()}))
}

fn withdraw(id: &str, amount: impl Into<Value>) -> String {
    command("WithdrawMoney", &json!({"account_id": id, "amount": amount.into()}))
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// `squall run` of the bank account with `lines` as input.
fn run_bank(db: &Path, input: &Path) -> assert_cmd::assert::Assert {
    squall().args(["run", BANK_ACCOUNT, "--db"]).arg(db).arg("--input").arg(input).assert()
}

/// The bank-account day every store test starts from: two accounts, two
/// deposits, a withdrawal beyond the balance, one within it.
fn bank_day() -> Vec<String> {
    vec![
        "# the CEO's bonus account first, so the bonus policy has somewhere to pay".to_owned(),
        open_account("ceo-bonus", "The CEO"),
        open_account("acc-1", "Alice"),
        String::new(),
        deposit("acc-1", 100),
        deposit("acc-1", 50),
        "// more than the balance".to_owned(),
        withdraw("acc-1", 500),
        withdraw("acc-1", 30),
    ]
}

fn sqlite(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn int(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn real(conn: &Connection, sql: &str) -> f64 {
    conn.query_row(sql, [], |row| row.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Row counts of every table a step writes, to show that nothing was.
fn row_counts(db: &Path) -> Vec<i64> {
    let conn = sqlite(db);
    ["events", "commands", "queue", "documents", "checkpoints", "branches"]
        .iter()
        .map(|table| int(&conn, &format!("SELECT count(*) FROM {table}")))
        .collect()
}

/// A store left by the bank-account day.
fn bank_store(dir: &Path) -> PathBuf {
    let db = dir.join("bank.db");
    let input = dir.join("day.jsonl");
    write_lines(&input, &bank_day());
    run_bank(&db, &input).success();
    db
}

// ---- squall run ----

#[test]
fn given_a_bank_day_when_run_then_the_store_holds_its_events_log_and_documents() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bank.db");
    let input = dir.path().join("day.jsonl");
    write_lines(&input, &bank_day());

    let assert = run_bank(&db, &input).success();
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("BankAccount (BankAccount-acc-1): rejected: insufficient funds"), "{stdout}");
    assert!(stdout.contains("  event    #3 BankAccount-acc-1 v2 MoneyDeposited"), "{stdout}");

    let conn = sqlite(&db);
    let events: Vec<(i64, String, String)> = conn
        .prepare("SELECT position, stream_id, event_type FROM events ORDER BY position")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected = [
        ("BankAccount-ceo-bonus", "AccountOpened"),
        ("BankAccount-acc-1", "AccountOpened"),
        ("BankAccount-acc-1", "MoneyDeposited"),
        ("EmailService", "ThankYouEmailSent"),
        ("BankAccount-ceo-bonus", "MoneyDeposited"),
        ("EmailService", "ThankYouEmailSent"),
        ("BankAccount-acc-1", "MoneyDeposited"),
        ("EmailService", "ThankYouEmailSent"),
        ("BankAccount-ceo-bonus", "MoneyDeposited"),
        ("EmailService", "ThankYouEmailSent"),
        ("BankAccount-acc-1", "MoneyWithdrawn"),
    ];
    let actual: Vec<(&str, &str)> = events.iter().map(|(_, s, t)| (s.as_str(), t.as_str())).collect();
    assert_eq!(actual, expected);
    let positions: Vec<i64> = events.iter().map(|(p, _, _)| *p).collect();
    assert_eq!(positions, (1..=11).collect::<Vec<_>>(), "positions are gapless from 1");

    let amounts: Vec<f64> = conn
        .prepare(
            "SELECT json_extract(payload, '$.amount') FROM events \
             WHERE stream_id = 'BankAccount-acc-1' AND event_type = 'MoneyDeposited' ORDER BY position",
        )
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(amounts, [100.0, 50.0]);

    let balance = |key: &str| {
        real(
            &conn,
            &format!(
                "SELECT json_extract(document, '$.balance') FROM documents \
                 WHERE branch = 'main' AND read_model = 'AccountOverview' AND key = '{key}'"
            ),
        )
    };
    assert_eq!(balance("acc-1"), 120.0);
    assert_eq!(balance("ceo-bonus"), 1.5);

    let rejected: Vec<(String, f64, String)> = conn
        .prepare(
            "SELECT command_type, json_extract(payload, '$.amount'), reason FROM commands \
             WHERE outcome = 'rejected' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rejected, [("WithdrawMoney".to_owned(), 500.0, "insufficient funds".to_owned())]);
    assert_eq!(int(&conn, "SELECT count(*) FROM commands WHERE outcome = 'accepted'"), 11);
    assert_eq!(int(&conn, "SELECT count(*) FROM queue"), 0);

    let checkpoints: Vec<(String, i64)> = conn
        .prepare("SELECT projection, position FROM checkpoints WHERE branch = 'main'")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(checkpoints, [("AccountOverview".to_owned(), 11)]);
}

#[test]
fn given_json_output_each_step_is_one_trace_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bank.db");
    let lines = [open_account("acc-1", "Alice"), withdraw("acc-1", 5)].join("\n");
    let assert =
        squall().args(["run", BANK_ACCOUNT, "--json", "--db"]).arg(&db).write_stdin(lines).assert().success();
    let traces: Vec<Value> = stdout_of(&assert).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(traces.len(), 2);
    assert_eq!(traces[0]["command"]["name"], "OpenAccount");
    assert_eq!(traces[0]["outcome"], "accepted");
    assert_eq!(traces[0]["events"][0]["position"], 1);
    assert_eq!(traces[0]["events"][0]["name"], "AccountOpened");
    assert_eq!(traces[0]["documents"][0]["read_model"]["name"], "AccountOverview");
    assert_eq!(traces[1]["outcome"], "rejected");
    assert_eq!(traces[1]["reason"], "insufficient funds");
}

#[test]
fn each_kind_of_bad_line_is_reported_with_its_line_number_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    let cases = [
        ("{\"command\": \"OpenAccount\", ", "not valid JSON"),
        (r#"["OpenAccount"]"#, "expected an object"),
        (r#"{"command": "CloseAccount", "data": {"account_id": "acc-1"}}"#, "unknown command `CloseAccount`"),
        (
            r#"{"command": "DepositMoney", "data": {"account_id": "acc-1"}}"#,
            "missing field `amount` (decimal)",
        ),
        (
            r#"{"command": "DepositMoney", "data": {"account_id": "acc-1", "amount": 5, "memo": "x"}}"#,
            "unexpected field `memo`",
        ),
        (
            r#"{"command": "DepositMoney", "data": {"account_id": "acc-1", "amount": "lots"}}"#,
            "field `amount` should be decimal, got the string \"lots\"",
        ),
        (
            r#"{"command": "DepositMoney", "data": {"account_id": "acc-1", "amount": 5}, "when": 1}"#,
            "unknown key `when`",
        ),
        (r#"{"advance": "a while"}"#, "`a while` is not a duration"),
    ];
    for (line, message) in cases {
        let before = row_counts(&db);
        let input = dir.path().join("bad.jsonl");
        write_lines(&input, &["# line 1 is a comment".to_owned(), String::new(), line.to_owned()]);
        let assert = run_bank(&db, &input).code(1);
        let stderr = stderr_of(&assert);
        let expected = format!("{}:3: ", input.display());
        assert!(stderr.contains(&expected) && stderr.contains(message), "{line}:\n{stderr}");
        assert_eq!(row_counts(&db), before, "{line}: rows were written");
        assert_eq!(stdout_of(&assert), "", "{line}: a step was printed");
    }
}

#[test]
fn a_bad_line_is_skipped_and_the_lines_after_it_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bank.db");
    let input = dir.path().join("in.jsonl");
    write_lines(&input, &[open_account("acc-1", "Alice"), "{oops".to_owned(), deposit("acc-1", 7)]);
    let assert = run_bank(&db, &input).code(1);
    assert!(stderr_of(&assert).contains("in.jsonl:2: not valid JSON"), "{}", stderr_of(&assert));
    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM events WHERE event_type = 'MoneyDeposited'"), 1);
}

#[test]
fn a_store_that_cannot_be_opened_or_a_broken_model_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let not_sqlite = dir.path().join("notes.db");
    fs::write(&not_sqlite, "these are my notes, not a database, and they go on for a while").unwrap();
    squall()
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(&not_sqlite)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.db"));
    let new = dir.path().join("new.db");
    squall()
        .args(["run", "tests/fixtures/load/duplicate-id.ron", "--db"])
        .arg(&new)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("duplicate id"));
    squall()
        .args(["run", BANK_ACCOUNT, "--input", "no-such-input.jsonl", "--db"])
        .arg(&new)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-input.jsonl: cannot read the input"));
    assert!(!new.exists(), "a run that could not start created its store");
}

/// Regression (issue 11, item 16): `--db` on another program's database added Squall's tables
/// and switched it to WAL, even when the migration then failed.
#[test]
fn a_run_on_another_programs_database_is_refused_and_leaves_it_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("other-app.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');")
        .unwrap();
    let before = fs::read(&db).unwrap();

    squall()
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(&db)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "other-app.db is not a Squall store: it holds the table(s) customers",
        ))
        .stderr(predicate::str::contains("it was left unchanged"));

    assert!(fs::read(&db).unwrap() == before, "the refused file changed");
}

/// A copy of the bank-account model and its scripts, to break on purpose.
fn bank_copy(dir: &Path) -> PathBuf {
    fs::create_dir_all(dir.join("models")).unwrap();
    fs::create_dir_all(dir.join("scripts/bank_account")).unwrap();
    fs::copy(root().join(BANK_ACCOUNT), dir.join(BANK_ACCOUNT)).unwrap();
    for entry in fs::read_dir(root().join("scripts/bank_account")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join("scripts/bank_account").join(path.file_name().unwrap())).unwrap();
    }
    dir.join(BANK_ACCOUNT)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn given_a_policy_loop_when_run_then_the_cascade_is_stopped_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let model = bank_copy(dir.path());
    // The bonus policy pays the bonus account for its own deposits too, in full.
    let policy = dir.path().join("scripts/bank_account/ceo_bonus.rhai");
    edit(&policy, "if event.account_id == global::BONUS_ACCOUNT {", "if false {");
    edit(&policy, "amount: event.amount / 100.0", "amount: event.amount");
    let db = dir.path().join("loop.db");
    let lines = [open_account("ceo-bonus", "The CEO"), deposit("ceo-bonus", 1), open_account("acc-2", "Bob")];
    let assert =
        squall().arg("run").arg(&model).arg("--db").arg(&db).write_stdin(lines.join("\n")).assert().code(1);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains(
            "<stdin>:2: cascade stopped after 100 steps started by command c2 (DepositMoney): it went round \
             DepositMoney → BankAccount → MoneyDeposited → CEO bonus → DepositMoney"
        ),
        "{stderr}"
    );
    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM queue"), 0, "the runaway cascade's commands are dropped");
    assert_eq!(int(&conn, "SELECT count(*) FROM events WHERE stream_id = 'BankAccount-acc-2'"), 1);
}

#[test]
fn given_a_script_that_fails_when_run_then_the_step_shows_the_error_and_the_run_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let model = bank_copy(dir.path());
    edit(
        &dir.path().join("scripts/bank_account/account_overview.rhai"),
        "doc.balance += event.amount;",
        "doc.balance += event.no_such_field;",
    );
    let lines = [open_account("acc-1", "Alice"), deposit("acc-1", 5)];
    let assert = squall()
        .arg("run")
        .arg(&model)
        .arg("--db")
        .arg(dir.path().join("s.db"))
        .write_stdin(lines.join("\n"))
        .assert()
        .code(1);
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("BankAccount (BankAccount-acc-1): failed"), "{stdout}");
    assert!(stdout.contains("  error    ") && stdout.contains("account_overview.rhai"), "{stdout}");
}

#[test]
fn the_human_trace_of_a_deposit_reads_as_one_block_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [open_account("ceo-bonus", "The CEO"), open_account("acc-1", "Alice"), deposit("acc-1", 100)];
    let assert = squall()
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(dir.path().join("s.db"))
        .write_stdin(lines.join("\n"))
        .assert()
        .success();
    insta::assert_snapshot!("run_bank_account_deposit", stdout_of(&assert));
}

// ---- crash safety ----

/// What must hold in a store whatever moment its writer died at: whole
/// steps only, gapless positions, read models as far as the events.
fn assert_whole_steps(db: &Path) {
    let conn = Connection::open(db).unwrap();
    let (count, min, max): (i64, Option<i64>, Option<i64>) = conn
        .query_row("SELECT count(*), min(position), max(position) FROM events", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    if count > 0 {
        assert_eq!((min, max), (Some(1), Some(count)), "positions are gapless from 1");
    }
    let broken_ranges = int(
        &conn,
        "SELECT count(*) FROM commands c WHERE c.first_position IS NOT NULL AND \
         (SELECT count(*) FROM events e WHERE e.position BETWEEN c.first_position AND c.last_position \
            AND e.branch = c.branch AND json_extract(e.metadata, '$.command_id') = c.command_id) \
         != c.last_position - c.first_position + 1",
    );
    assert_eq!(broken_ranges, 0, "a command-log row whose events are not all there");
    let orphans = int(
        &conn,
        "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM commands c \
           WHERE c.branch = e.branch AND c.command_id = json_extract(e.metadata, '$.command_id') \
             AND e.position BETWEEN c.first_position AND c.last_position)",
    );
    assert_eq!(orphans, 0, "events without their command-log row");
    let behind =
        int(&conn, "SELECT count(*) FROM checkpoints WHERE position != (SELECT max(position) FROM events)");
    assert_eq!(behind, 0, "a read-model checkpoint that is not at the last position");
    if count > 0 {
        assert!(int(&conn, "SELECT count(*) FROM checkpoints") > 0, "events but no checkpoint");
        // The overview's balance is exactly what the events say.
        let from_events = real(
            &conn,
            "SELECT coalesce(sum(json_extract(payload, '$.amount')), 0) FROM events \
             WHERE stream_id = 'BankAccount-acc-1' AND event_type = 'MoneyDeposited'",
        );
        let in_document = real(
            &conn,
            "SELECT coalesce((SELECT json_extract(document, '$.balance') FROM documents \
               WHERE read_model = 'AccountOverview' AND key = 'acc-1'), 0)",
        );
        assert_eq!(in_document, from_events);
    }
}

/// How many events the store holds, or none while the writer is still
/// creating it.
fn events_so_far(db: &Path) -> Option<i64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row("SELECT count(*) FROM events", [], |row| row.get(0)).ok()
}

/// Every row of the tables a run writes, as text, table by table.
fn all_rows(db: &Path) -> Vec<Vec<String>> {
    let conn = sqlite(db);
    ["events", "commands", "queue", "documents", "checkpoints"]
        .iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")).unwrap();
            let columns = stmt.column_count();
            stmt.query_map([], |row| {
                Ok((0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        })
        .collect()
}

/// Issue 14: `--batch N` loads large inputs N lines to a transaction; what it leaves, and
/// what it prints, is what a run of one transaction per step leaves and prints.
#[test]
fn given_the_same_input_when_run_in_batches_then_the_store_and_the_output_are_those_of_a_step_by_step_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("day.jsonl");
    let mut lines = bank_day();
    lines.insert(5, deposit("acc-1", "not a number"));
    lines.extend([deposit("acc-1", 7), r#"{"advance": "1h"}"#.to_owned(), withdraw("acc-1", 1)]);
    write_lines(&input, &lines);
    let (stepwise, batched) = (dir.path().join("stepwise.db"), dir.path().join("batched.db"));

    let one_by_one = run_bank(&stepwise, &input).code(1);
    let in_batches = squall()
        .args(["run", BANK_ACCOUNT, "--batch", "3", "--db"])
        .arg(&batched)
        .arg("--input")
        .arg(&input)
        .assert()
        .code(1);

    assert_eq!(all_rows(&batched), all_rows(&stepwise));
    assert_eq!(stdout_of(&in_batches), stdout_of(&one_by_one));
    assert!(
        stderr_of(&in_batches).contains("day.jsonl:6:"),
        "the bad line is named: {}",
        stderr_of(&in_batches)
    );
    // Three deposits into acc-1, each with its CEO bonus.
    assert_eq!(int(&sqlite(&batched), "SELECT count(*) FROM events WHERE event_type = 'MoneyDeposited'"), 6);
}

#[test]
fn given_a_batch_of_zero_lines_then_run_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");

    let refused =
        squall().args(["run", BANK_ACCOUNT, "--batch", "0", "--db"]).arg(&db).write_stdin("").assert();

    refused.code(2);
    assert!(!db.exists(), "no store is created");
}

/// Issue 11, item 17: a resumed run fed the same input again applied every line twice. A line
/// with an `id` runs once per branch; lines without one still run each time.
#[test]
fn given_input_lines_with_ids_when_the_same_input_is_fed_again_then_they_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("resume.db");
    let lines = [
        r#"{"id": "open-1", "command": "OpenAccount", "data": {"account_id": "acc-1", "owner": "Alice"}}"#,
        r#"{"id": "deposit-1", "command": "DepositMoney", "data": {"account_id": "acc-1", "amount": 100}}"#,
    ]
    .join("\n");
    let run = || squall().args(["run", BANK_ACCOUNT, "--db"]).arg(&db).write_stdin(lines.clone()).assert();

    let first = run().success();
    let again = run().success();

    assert!(stdout_of(&first).contains("deposit-1 DepositMoney"), "{}", stdout_of(&first));
    assert_eq!(stdout_of(&again), "", "nothing ran again");
    let stderr = stderr_of(&again);
    assert!(
        stderr.contains(
            "note: <stdin>:2: skipped: command deposit-1 was already processed or queued on branch main"
        ),
        "{stderr}"
    );
    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM events WHERE event_type = 'MoneyDeposited'"), 1);
    assert_eq!(int(&conn, "SELECT count(*) FROM commands WHERE command_id = 'deposit-1'"), 1);

    // The session's own ids are not for input lines.
    let own = squall()
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(&db)
        .write_stdin(r#"{"id": "c7", "command": "OpenAccount", "data": {"account_id": "b", "owner": "B"}}"#)
        .assert()
        .code(1);
    assert!(stderr_of(&own).contains("the command id `c7` cannot be used"), "{}", stderr_of(&own));
}

#[test]
fn given_a_long_run_killed_mid_stream_then_the_store_holds_only_whole_steps_and_runs_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut input = String::new();
    writeln!(input, "{}", open_account("ceo-bonus", "The CEO")).unwrap();
    writeln!(input, "{}", open_account("acc-1", "Alice")).unwrap();
    for i in 0..20_000 {
        writeln!(input, "{}", deposit("acc-1", 1 + i % 7)).unwrap();
    }

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .current_dir(root())
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(&db)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The writer blocks while the pipe is full, and fails once the child is gone.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });

    let started = Instant::now();
    while events_so_far(&db).unwrap_or(0) < 300 {
        assert!(started.elapsed() < Duration::from_secs(120), "the run made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it was killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.try_wait().unwrap().is_none(), "the run ended before it was killed");
    child.kill().unwrap();
    child.wait().unwrap();
    feeder.join().unwrap();

    assert_whole_steps(&db);
    let deposits = int(
        &sqlite(&db),
        "SELECT count(*) FROM events WHERE stream_id = 'BankAccount-acc-1' AND event_type = 'MoneyDeposited'",
    );
    assert!((1..20_000).contains(&deposits), "killed after {deposits} of 20000 deposits");

    // The store opens again, finishes what was queued, and goes on.
    squall()
        .args(["run", BANK_ACCOUNT, "--db"])
        .arg(&db)
        .write_stdin(deposit("acc-1", 1000))
        .assert()
        .success();
    assert_whole_steps(&db);
    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM queue"), 0);
    assert_eq!(int(&conn, "SELECT count(*) FROM events WHERE json_extract(payload, '$.amount') = 1000"), 1);
}

/// Issue 14: each step is written and committed by a second thread while the next one runs.
/// While the input is quiet, what came before is on disk and the store is free for others.
#[test]
fn given_a_pipe_that_goes_quiet_then_the_steps_so_far_are_on_disk_printed_and_the_store_is_not_locked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quiet.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .current_dir(root())
        .args(["run", BANK_ACCOUNT, "--json", "--db"])
        .arg(&db)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());

    writeln!(stdin, "{}\n{}", open_account("acc-1", "Alice"), deposit("acc-1", 5)).unwrap();
    stdin.flush().unwrap();
    let mut printed = Vec::new();
    while printed.len() < 2 {
        let mut line = String::new();
        assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "the run ended early");
        printed.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    // The deposit's cascade (the thank-you policy) may still be running; wait for quiet.
    let started = Instant::now();
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::ZERO).unwrap();
    while int(&conn, "SELECT count(*) FROM commands") < 3 {
        assert!(started.elapsed() < Duration::from_secs(30), "the cascade never reached the disk");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let locked = conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
    let on_disk =
        int(&conn, "SELECT count(*) FROM events WHERE event_type IN ('AccountOpened', 'MoneyDeposited')");
    drop(conn);
    writeln!(stdin, "{}", deposit("acc-1", 7)).unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();

    assert_eq!(printed[0]["command"]["name"], "OpenAccount");
    assert_eq!(printed[1]["command"]["name"], "DepositMoney");
    assert!(locked.is_ok(), "another connection can write while the input is quiet: {locked:?}");
    assert_eq!(on_disk, 2, "the opening and the deposit were on disk before more input came");
    assert!(status.success(), "{status}");
    assert_eq!(int(&sqlite(&db), "SELECT count(*) FROM events WHERE event_type = 'MoneyDeposited'"), 2);
    assert!(rest.lines().count() >= 2, "the last deposit and its policy's step are printed: {rest}");
}

/// Issue 14: a step whose rows fail to be written (here a trigger; a full disk alike) is found
/// out after the next steps ran ahead. None of them is printed, and the error says from where
/// the input was not written.
#[test]
fn given_a_step_the_store_refuses_when_the_run_goes_on_ahead_then_only_steps_on_disk_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("refused.db");
    squall().args(["run", BANK_ACCOUNT, "--db"]).arg(&db).write_stdin("").assert().success();
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.stream_id LIKE '%acc-2' \
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
        )
        .unwrap();
    let lines =
        [open_account("acc-1", "Alice"), open_account("acc-2", "Bob"), open_account("acc-3", "Carol")];

    let run = squall().args(["run", BANK_ACCOUNT, "--db"]).arg(&db).write_stdin(lines.join("\n")).assert();

    let (stdout, stderr) = (stdout_of(&run), stderr_of(&run));
    assert_ne!(run.get_output().status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("disk says no"), "{stderr}");
    assert!(stderr.contains("<stdin>: the steps from line 2 on were not written"), "{stderr}");
    assert!(stdout.contains("acc-1") && !stdout.contains("acc-2") && !stdout.contains("acc-3"), "{stdout}");
    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM events"), 1, "only the first opening is stored");
    assert_eq!(int(&conn, "SELECT count(*) FROM commands"), 1);
}

// ---- squall test ----

#[test]
fn the_example_models_pass_their_scenarios() {
    for model in [BANK_ACCOUNT, MONEY_TRANSFER] {
        if !root().join(model).exists() {
            continue;
        }
        let scenarios = squall_model::load(&root().join(model)).unwrap().scenarios.len();
        assert!(scenarios > 0, "{model} has no scenarios");
        let assert = squall().args(["test", model]).assert().success();
        let stdout = stdout_of(&assert);
        assert!(stdout.ends_with(&format!("\n{scenarios} passed, 0 failed\n")), "{model}:\n{stdout}");
        assert_eq!(stdout.lines().filter(|l| l.starts_with("PASS ")).count(), scenarios);
    }
}

#[test]
fn given_a_broken_script_when_tested_then_the_failure_shows_the_diff_and_junit_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = bank_copy(dir.path());
    edit(
        &dir.path().join("scripts/bank_account/bank_account.rhai"),
        "throw \"insufficient funds\";",
        "throw \"not enough money\";",
    );
    let junit = dir.path().join("reports/junit.xml");
    fs::create_dir_all(junit.parent().unwrap()).unwrap();

    let assert = squall().arg("test").arg(&model).arg("--junit").arg(&junit).assert().code(1);
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("FAIL Withdrawing more than the balance is refused\n"), "{stdout}");
    assert!(
        stdout.contains("\n    - rejected: insufficient funds\n    + rejected: not enough money\n"),
        "{stdout}"
    );
    assert!(stdout.contains("PASS Opening an account\n"), "{stdout}");
    let scenarios = squall_model::load(&model).unwrap().scenarios.len();
    assert!(stdout.ends_with(&format!("\n{} passed, 1 failed\n", scenarios - 1)), "{stdout}");

    let xml = fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("name"), Some(model.display().to_string().as_str()));
    assert_eq!(suite.attribute("tests"), Some(scenarios.to_string().as_str()));
    assert_eq!(suite.attribute("failures"), Some("1"));
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), scenarios);
    let failed: Vec<_> = cases.iter().filter(|c| c.children().any(|n| n.has_tag_name("failure"))).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attribute("name"), Some("Withdrawing more than the balance is refused"));
    let failure = failed[0].children().find(|n| n.has_tag_name("failure")).unwrap();
    assert!(failure.text().unwrap().contains("+ rejected: not enough money"), "{xml}");
}

#[test]
fn test_of_a_missing_model_exits_2() {
    squall()
        .args(["test", "models/no-such-model.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("models/no-such-model.ron"));
}

// ---- store inspection ----

#[test]
fn events_lists_a_branch_or_a_stream_as_a_table_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    let assert = squall().args(["events", "--db"]).arg(&db).assert().success();
    let stdout = stdout_of(&assert);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 12, "{stdout}");
    assert!(lines[0].starts_with("position  stream"), "{stdout}");
    assert!(lines[0].ends_with("type               caused by  payload"), "{stdout}");
    assert_eq!(
        lines[3],
        r#"3         BankAccount-acc-1      2        MoneyDeposited     c3         {"account_id":"acc-1","amount":100}"#
    );
    // The email was sent by c4, which a policy issued on event #3.
    assert!(lines[4].starts_with("4 ") && lines[4].contains(" c4 ← #3 "), "{stdout}");

    let assert = squall()
        .args(["events", "--json", "--stream", "BankAccount-acc-1", "--db"])
        .arg(&db)
        .assert()
        .success();
    let events: Vec<Value> = stdout_of(&assert).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let versions: Vec<&Value> = events.iter().map(|e| &e["stream_version"]).collect();
    assert_eq!(versions, [1, 2, 3, 4]);
    assert_eq!(events[3]["event_type"], "MoneyWithdrawn");
    assert_eq!(events[3]["payload"]["amount"], 30);
    assert_eq!(events[3]["metadata"]["command_id"], "c12");
}

#[test]
fn state_rebuilds_an_aggregate_with_the_model_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    let assert = squall()
        .args(["state", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "BankAccount", "acc-1"])
        .assert()
        .success();
    let state: Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    assert_eq!(state["open"], true);
    assert_eq!(state["owner"], "Alice");
    assert_eq!(state["balance"].as_f64(), Some(120.0));
    squall()
        .args(["state", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "Account", "acc-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no aggregate named `Account`"));
}

#[test]
fn read_model_shows_one_document_or_all_without_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    let assert =
        squall().args(["read-model", "--db"]).arg(&db).args(["AccountOverview", "acc-1"]).assert().success();
    let document: Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    assert_eq!(document["balance"], 120);
    assert_eq!(document["owner"], "Alice");

    let assert = squall().args(["read-model", "--db"]).arg(&db).arg("AccountOverview").assert().success();
    let all: Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    assert_eq!(all.as_object().unwrap().keys().collect::<Vec<_>>(), ["acc-1", "ceo-bonus"]);

    squall().args(["read-model", "--db"]).arg(&db).arg("Balances").assert().code(2).stderr(
        predicate::str::contains("no read model named `Balances`; its read models are: AccountOverview"),
    );
    squall()
        .args(["read-model", "--db"])
        .arg(&db)
        .args(["AccountOverview", "acc-9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document `acc-9`"));
}

#[test]
fn query_prints_rows_and_refuses_any_statement_that_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    let sql = "SELECT command_type, reason FROM commands WHERE outcome = 'rejected'";
    squall()
        .args(["query", "--db"])
        .arg(&db)
        .arg(sql)
        .assert()
        .success()
        .stdout("command_type   reason\nWithdrawMoney  insufficient funds\n");
    let assert = squall()
        .args(["query", "--json", "--db"])
        .arg(&db)
        .arg("SELECT key, json_extract(document, '$.balance') AS balance FROM documents ORDER BY key")
        .assert()
        .success();
    assert_eq!(
        stdout_of(&assert),
        "{\"key\":\"acc-1\",\"balance\":120}\n{\"key\":\"ceo-bonus\",\"balance\":1.5}\n"
    );

    let before = row_counts(&db);
    for statement in [
        "DELETE FROM events",
        "DELETE FROM queue",
        "DROP TABLE documents",
        "UPDATE checkpoints SET position = 0",
    ] {
        squall()
            .args(["query", "--db"])
            .arg(&db)
            .arg(statement)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("queries are read-only, but this statement would write"));
    }
    assert_eq!(row_counts(&db), before);
}

#[test]
fn rewind_and_branch_fork_what_ifs_that_diff_against_main() {
    let dir = tempfile::tempdir().unwrap();
    let db = bank_store(dir.path());
    squall()
        .args(["rewind", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "3"])
        .assert()
        .success()
        .stdout("main@3\n");
    squall()
        .args(["branch", "create", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "what-if", "--from", "main@3"])
        .assert()
        .success()
        .stdout("created branch what-if from main@3 at position 3\n");

    let assert = squall().args(["branch", "list", "--json", "--db"]).arg(&db).assert().success();
    let branches: Vec<Value> = stdout_of(&assert).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        branches[0],
        json!({"name": "main", "parent": null, "fork_position": null, "head": 11, "created_at": null})
    );
    assert_eq!(branches[1]["name"], "main@3");
    assert_eq!(branches[1]["head"], 3);
    assert_eq!(branches[2]["parent"], "main@3");

    // The rewound branch's read model is rebuilt as of position 3.
    let assert = squall()
        .args(["read-model", "--branch", "main@3", "--db"])
        .arg(&db)
        .args(["AccountOverview", "acc-1"])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    assert_eq!(document["balance"], 100);
    let assert = squall().args(["events", "--branch", "what-if", "--db"]).arg(&db).assert().success();
    assert_eq!(stdout_of(&assert).lines().count(), 4);

    let assert = squall()
        .args(["branch", "diff", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "main", "main@3"])
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    assert!(stdout.starts_with("only in main: 8 events\n  #4 EmailService ThankYouEmailSent"), "{stdout}");
    assert!(stdout.contains("documents that differ: 2\n  AccountOverview[acc-1]\n"), "{stdout}");

    squall()
        .args(["rewind", "--db"])
        .arg(&db)
        .args([BANK_ACCOUNT, "99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the head of \"main\" is 11"));
}

#[test]
fn inspection_commands_refuse_a_missing_store_and_do_not_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let db_arg = db.to_str().unwrap();
    let commands: [&[&str]; 7] = [
        &["events", "--db", db_arg],
        &["state", "--db", db_arg, BANK_ACCOUNT, "BankAccount", "acc-1"],
        &["read-model", "--db", db_arg, "AccountOverview"],
        &["query", "--db", db_arg, "SELECT 1"],
        &["branch", "list", "--db", db_arg],
        &["branch", "create", "--db", db_arg, BANK_ACCOUNT, "x"],
        &["rewind", "--db", db_arg, BANK_ACCOUNT, "1"],
    ];
    for args in commands {
        squall()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("{db_arg}: no such store")));
        assert!(!db.exists(), "{args:?} created the store");
    }
}

// ---- squall sim ----

/// Issue 11, item 10: `step` said "nothing is queued" in every cascade, since submitting ran it
/// to the end; traces named events "#2" and "c2.1" by turns.
#[test]
fn given_a_queued_command_the_sim_steps_through_its_cascade_one_message_at_a_time() {
    let script = [
        "OpenAccount account_id=acc-1 owner=Alice",
        "queue DepositMoney account_id=acc-1 amount=100",
        "step",
        "step",
        "events",
        "rewind 2",
        "step",
    ]
    .join("\n");
    let assert = squall().args(["sim", BANK_ACCOUNT]).write_stdin(script).assert().success();
    let stdout = stdout_of(&assert);

    let expected = [
        "queued c2 DepositMoney; 1 command is queued",
        "c2 DepositMoney {\"account_id\":\"acc-1\",\"amount\":100}  from user",
        "  issued   c3 SendThankYouEmail {\"account_id\":\"acc-1\",\"amount\":100} by Send thank-you email on #2",
        "2 commands are queued; `step` processes the next, `run` all of them",
        "c3 SendThankYouEmail {\"account_id\":\"acc-1\",\"amount\":100}  from policy Send thank-you email on #2, main",
        "1 command is queued",
        "now on branch main@2, which sees the events up to position 2",
        "2 commands were waiting there and queued again",
        "c3 SendThankYouEmail {\"account_id\":\"acc-1\",\"amount\":100}  from policy Send thank-you email on #2, main@2",
    ];
    let mut rest = stdout.as_str();
    for line in expected {
        let at = rest.find(line).unwrap_or_else(|| panic!("missing, in order: {line}\n{stdout}"));
        rest = &rest[at + line.len()..];
    }
    assert!(!stdout.contains("c2.1"), "one numbering: {stdout}");
    // `events` shows what caused each event: the email was sent by c3, issued on #2.
    let email =
        stdout.lines().find(|l| l.starts_with("3 ") && l.contains("ThankYouEmailSent")).expect(&stdout);
    assert!(email.contains("c3 ← #2"), "{email}");
    let deposited =
        stdout.lines().find(|l| l.starts_with("2 ") && l.contains("MoneyDeposited")).expect(&stdout);
    assert!(deposited.contains(" c2 "), "{deposited}");
}

#[test]
fn given_piped_commands_the_sim_opens_deposits_shows_the_read_model_rewinds_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sim.db");
    let script = [
        r#"OpenAccount {"account_id": "acc-1", "owner": "Alice"}"#,
        "DepositMoney account_id=acc-1 amount=100",
        "view AccountOverview acc-1",
        "rewind 1",
        "view AccountOverview acc-1",
        "branches",
        "quit",
        "DepositMoney account_id=acc-1 amount=5",
    ]
    .join("\n");
    let assert = squall().args(["sim", BANK_ACCOUNT, "--db"]).arg(&db).write_stdin(script).assert().success();
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("c1 OpenAccount {\"account_id\":\"acc-1\",\"owner\":\"Alice\"}"), "{stdout}");
    assert!(
        stdout.contains(
            "  event    #2 BankAccount-acc-1 v2 MoneyDeposited {\"account_id\":\"acc-1\",\"amount\":100}"
        ),
        "{stdout}"
    );
    let (before, after) = stdout.split_once("now on branch main@1").expect(&stdout);
    assert!(before.contains("\"balance\": 100,"), "{stdout}");
    assert!(after.contains("\"balance\": 0,"), "{stdout}");
    assert!(after.contains("* main@1  main    1        1"), "{stdout}");

    let conn = sqlite(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM branches WHERE name = 'main@1' AND fork_position = 1"), 1);
    assert_eq!(
        int(
            &conn,
            "SELECT count(*) FROM commands WHERE command_type = 'DepositMoney' AND json_extract(payload, '$.amount') = 5"
        ),
        0,
        "a line after quit ran"
    );
}

#[test]
fn sim_errors_are_reported_with_their_line_and_the_session_goes_on() {
    let script = [
        "DepositMoney account_id=acc-1",
        "rewind",
        "OpenAccount account_id=acc-1 owner=Ann",
        "state BankAccount acc-1",
    ]
    .join("\n");
    let assert = squall().args(["sim", BANK_ACCOUNT]).write_stdin(script).assert().code(1);
    let stderr = stderr_of(&assert);
    assert!(stderr.contains("<stdin>:1: DepositMoney account_id=acc-1"), "{stderr}");
    assert!(stderr.contains("missing field `amount` (decimal)"), "{stderr}");
    assert!(stderr.contains("<stdin>:2: rewind") && stderr.contains("usage: rewind POSITION"), "{stderr}");
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("\"owner\": \"Ann\""), "{stdout}");
}

#[test]
fn sim_saves_a_recorded_run_as_a_scenario_that_squall_test_passes() {
    let dir = tempfile::tempdir().unwrap();
    let model = bank_copy(dir.path());
    let scenarios = squall_model::load(&model).unwrap().scenarios.len();
    let script = [
        "OpenAccount account_id=acc-7 owner=Grace",
        "DepositMoney account_id=acc-7 amount=20",
        "save-scenario \"Recorded deposit\"",
        "WithdrawMoney account_id=acc-7 amount=25",
        "save-scenario \"Recorded overdraft\" c5",
        "save-scenario \"Recorded deposit\" c2",
    ]
    .join("\n");
    let assert = squall().arg("sim").arg(&model).write_stdin(script).assert().code(1);
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("saved scenario \"Recorded deposit\""), "{stdout}");
    assert!(stdout.contains("then rejected: insufficient funds"), "{stdout}");
    assert!(
        stderr_of(&assert).contains("already has a scenario named \"Recorded deposit\""),
        "{}",
        stderr_of(&assert)
    );

    let board = squall_model::load(&model).unwrap();
    assert_eq!(board.scenarios.len(), scenarios + 2);
    let deposit = board.scenarios.iter().find(|s| s.name == "Recorded deposit").unwrap();
    assert_eq!(deposit.when.name, "DepositMoney");
    assert_eq!(deposit.given.len(), 1);
    squall().args(["fmt", "--check"]).arg(&model).assert().success();
    squall()
        .arg("test")
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::ends_with(format!("{} passed, 0 failed\n", scenarios + 2)));
}

// ---- help ----

#[test]
fn each_simulator_command_has_help_with_an_example() {
    for command in ["run", "test", "sim", "events", "state", "read-model", "query", "branch", "rewind"] {
        squall().args([command, "--help"]).assert().success().stdout(
            predicate::str::contains("Example").and(predicate::str::contains(format!("squall {command} "))),
        );
    }
}
