//! Hostile and extreme inputs (issue 11): exact decimals beyond a JSON number's precision,
//! numbers out of a decimal's range, and scripts that try to exhaust memory or time.
// A failed unwrap in a test helper is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};
use squall_model::{Board, Connection, Element, Field, FieldType, Kind, Point};
use squall_sim::{Options, Session, SimError, Source, Trace};
use squall_store::Store;

/// One account aggregate keyed by `id`: `Deposit` and `Spend` commands, `Deposited` events (with a
/// decimal `amount`) and an `Overview` read model, each script given as text.
struct Bank {
    _dir: tempfile::TempDir,
    models: PathBuf,
    board: Board,
}

/// Id, kind, name, fields and script file of a sticky.
type Sticky<'a> = (&'a str, Kind, &'a str, Vec<Field>, Option<&'a str>);

impl Bank {
    fn new(account: &str, overview: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models");
        let scripts = dir.path().join("scripts");
        std::fs::create_dir_all(&models).unwrap();
        std::fs::create_dir_all(&scripts).unwrap();
        std::fs::write(scripts.join("account.rhai"), account).unwrap();
        std::fs::write(scripts.join("overview.rhai"), overview).unwrap();
        let mut board = Board::new("Bank");
        let fields = |names: &[(&str, FieldType)]| {
            names.iter().map(|(name, ty)| Field { name: (*name).to_owned(), ty: ty.clone() }).collect()
        };
        let money = [("id", FieldType::Id), ("amount", FieldType::Decimal)];
        let stickies: [Sticky; 6] = [
            ("actor-owner", Kind::Actor, "Owner", vec![], None),
            ("cmd-deposit", Kind::Command, "Deposit", fields(&money), None),
            ("cmd-spend", Kind::Command, "Spend", fields(&[("id", FieldType::Id)]), None),
            ("agg-account", Kind::Aggregate, "Account", vec![], Some("account.rhai")),
            ("evt-deposited", Kind::Event, "Deposited", fields(&money), None),
            ("rm-overview", Kind::ReadModel, "Overview", vec![], Some("overview.rhai")),
        ];
        for (i, (id, kind, name, fields, script)) in stickies.into_iter().enumerate() {
            let mut element = Element::new(id, kind, name, Point { x: 200.0 * i as f64, y: 0.0 });
            element.fields = fields;
            element.script = script.map(|file| format!("../scripts/{file}"));
            if script.is_some() {
                element.key = Some("id".to_owned());
            }
            board.elements.push(element);
        }
        for (from, to) in [
            ("actor-owner", "cmd-deposit"),
            ("actor-owner", "cmd-spend"),
            ("cmd-deposit", "agg-account"),
            ("cmd-spend", "agg-account"),
            ("agg-account", "evt-deposited"),
            ("evt-deposited", "rm-overview"),
        ] {
            board.connections.push(Connection::new(from, to));
        }
        Bank { _dir: dir, models, board }
    }

    fn open(&self) -> Session {
        let path = self.models.join("board.ron");
        squall_model::save(&path, &self.board).unwrap();
        let board = squall_model::load(&path).unwrap();
        Session::open(board, &self.models, Store::open_in_memory().unwrap(), Options::default()).unwrap()
    }
}

const DEPOSIT_PLUS_A_CENT: &str = "// Adds a cent to every deposit.
fn handle_Deposit(state, command) {
    [event(\"Deposited\", #{ id: command.id, amount: command.amount + 0.01 })]
}
";

const COUNTING_OVERVIEW: &str = "// How many deposits an account had.
fn project_Deposited(doc, event) {
    #{ id: event.id, deposits: (doc?.deposits ?? 0) + 1 }
}
";

fn step(session: &mut Session, command: &str, data: Value) -> Trace {
    session.submit(command, data, Source::User).unwrap();
    session.step().unwrap().unwrap()
}

fn stored_payloads(session: &Session) -> Vec<Value> {
    let result = session.store().query("SELECT payload FROM events ORDER BY position").unwrap();
    result.rows.iter().map(|row| serde_json::from_str(row[0].as_str().unwrap()).unwrap()).collect()
}

/// Regression (issue 11, item 14): decimals passed through an f64 on their way to JSON, so
/// `10000000000000000.01 + 0.01` was stored as `1e16`.
#[test]
fn given_a_decimal_beyond_a_json_numbers_precision_when_an_event_carries_it_then_every_digit_is_stored() {
    let bank = Bank::new(DEPOSIT_PLUS_A_CENT, COUNTING_OVERVIEW);
    let mut session = bank.open();

    let big = step(&mut session, "Deposit", json!({"id": "acc-1", "amount": "10000000000000000.01"}));
    let small = step(&mut session, "Deposit", json!({"id": "acc-1", "amount": 2.5}));

    assert!(!big.is_rejected() && !small.is_rejected(), "{:?} {:?}", big.errors, small.errors);
    // More digits than a JSON number holds exactly travel as the decimal's text; others as numbers.
    assert_eq!(
        stored_payloads(&session),
        [json!({"id": "acc-1", "amount": "10000000000000000.02"}), json!({"id": "acc-1", "amount": 2.51})]
    );
    assert_eq!(big.events[0].data, json!({"id": "acc-1", "amount": "10000000000000000.02"}));
}

#[test]
fn given_an_exact_decimal_in_an_event_when_the_read_model_is_rebuilt_from_the_store_then_it_reads_every_digit()
 {
    let overview = "// Keeps the last amount as text, to show every digit.
fn project_Deposited(doc, event) { #{ id: event.id, last: `${event.amount}` } }
";
    let bank = Bank::new(DEPOSIT_PLUS_A_CENT, overview);
    let mut session = bank.open();
    step(&mut session, "Deposit", json!({"id": "acc-1", "amount": "12345678901234567.88"}));

    session.replay().unwrap();

    let doc = session.document("Overview", "acc-1").unwrap().unwrap();
    assert_eq!(doc, json!({"id": "acc-1", "last": "12345678901234567.89"}));
}

#[test]
fn given_a_document_value_with_more_digits_than_json_keeps_then_the_projection_fails_naming_the_value() {
    let overview = "// Forgets to round.
fn project_Deposited(doc, event) { #{ id: event.id, total: event.amount + (doc?.total ?? 0.0) } }
";
    let bank = Bank::new(DEPOSIT_PLUS_A_CENT, overview);
    let mut session = bank.open();

    let trace = step(&mut session, "Deposit", json!({"id": "acc-1", "amount": "10000000000000000.01"}));

    assert!(trace.is_rejected());
    let error = trace.errors.join("\n");
    assert!(error.contains("the value.total is 10000000000000000.02"), "{error}");
    assert!(error.contains("more than 15 significant digits"), "{error}");
    assert!(error.contains("round"), "{error}");
}

/// Regression (issue 11, item 14): a number beyond a decimal's range silently became `()`.
#[test]
fn given_a_number_beyond_a_decimals_range_when_submitted_then_it_is_refused_naming_the_field() {
    let bank = Bank::new(DEPOSIT_PLUS_A_CENT, COUNTING_OVERVIEW);
    let mut session = bank.open();

    for amount in [json!(1e30), json!(-1e300), json!(1e-40)] {
        let err =
            session.submit("Deposit", json!({"id": "acc-1", "amount": amount}), Source::User).unwrap_err();

        assert!(matches!(err, SimError::InvalidPayload { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("field `amount` should be decimal, got the number {amount}")),
            "{message}"
        );
        assert!(message.contains("beyond the range of a decimal"), "{message}");
    }
}

/// Regression (issue 11, item 13): Rhai counts operations and checks each value it builds, but
/// log lines, maps grown key by key, slow operations and the standard `sleep` escaped every
/// limit. Each script here ran out of memory or forever before; now each is stopped within a
/// second or two, naming the script, the function and the limit.
mod script_limits {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use rhai::Dynamic;
    use squall_sim::script::{Limits, Script, ScriptEngine};

    /// A string of 1,000,000 bytes in `s`, under Rhai's 1 MiB string limit.
    const MEGABYTE: &str = "let s = \"x\"; s.pad(1000000, \"x\");";

    /// The memory limit watches the whole process: one hog at a time, so that no test is stopped
    /// for what another one took.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// Calls `handle_Hog` with `body` as its body: the message it is stopped with (the script must
    /// be stopped) and how long it ran.
    fn stopped(body: &str) -> (String, Duration) {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let engine = ScriptEngine::new(&Limits::default(), 7);
        let text = format!("// Hostile.\nfn handle_Hog(state, command) {{\n    {body}\n}}\n");
        let script = Script::compile(&engine, "scripts/hog.rhai", &text).unwrap();
        let started = Instant::now();
        let result = script.call(&engine, "handle_Hog", (Dynamic::UNIT, Dynamic::UNIT), None);
        let took = started.elapsed();
        let error = result.expect_err("the script should be stopped");
        let shown = error.to_string();
        assert!(shown.starts_with("scripts/hog.rhai:2: in `handle_Hog`: stopped: "), "{shown}");
        (shown, took)
    }

    fn assert_stopped_within(took: Duration, seconds: u64) {
        assert!(took < Duration::from_secs(seconds), "stopped only after {took:?}");
    }

    #[test]
    fn given_a_loop_that_prints_then_the_call_is_stopped_for_its_log_volume() {
        let (message, took) = stopped(&format!("{MEGABYTE} loop {{ print(s); }}"));

        assert!(message.contains("logged more than 64 KiB in one call"), "{message}");
        assert_stopped_within(took, 2);
    }

    #[test]
    fn given_a_loop_that_logs_small_lines_then_the_call_is_stopped_for_its_log_volume() {
        let (message, took) = stopped("let i = 0; loop { log(`line ${i}`); debug(i); i += 1; }");

        assert!(message.contains("logged more than 64 KiB in one call"), "{message}");
        assert_stopped_within(took, 2);
    }

    #[test]
    fn given_a_loop_that_logs_a_megabyte_at_a_time_then_the_call_is_stopped_for_its_log_volume() {
        let (message, took) = stopped(&format!("{MEGABYTE} loop {{ log(s); }}"));

        assert!(message.contains("logged more than 64 KiB in one call"), "{message}");
        assert_stopped_within(took, 2);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn given_a_map_of_new_megabyte_strings_then_the_call_is_stopped_for_its_memory() {
        let (message, took) =
            stopped(&format!("{MEGABYTE} let m = #{{}}; let i = 0; loop {{ m[`${{i}}`] = s + i; i += 1; }}"));

        assert!(message.contains("took more than 256 MiB of memory, the limit for one call"), "{message}");
        assert_stopped_within(took, 3);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn given_a_map_of_maps_of_new_strings_then_the_call_is_stopped_for_its_memory() {
        let (message, took) = stopped(&format!(
            "{MEGABYTE} let m = #{{}}; let i = 0; loop {{ m[`${{i}}`] = #{{ text: s + i, more: #{{ i: i }} }}; i += 1; }}"
        ));

        assert!(message.contains("took more than 256 MiB of memory"), "{message}");
        assert_stopped_within(took, 3);
    }

    #[test]
    fn given_slow_operations_in_a_loop_then_the_call_is_stopped_by_the_clock() {
        // Each copy of a megabyte is one operation: a million of them would take minutes.
        let (message, took) = stopped(&format!("{MEGABYTE} loop {{ let copy = s + \"y\"; }}"));

        assert!(message.contains("ran longer than 2 s, the limit for one call"), "{message}");
        assert_stopped_within(took, 3);
    }

    #[test]
    fn given_a_script_that_sleeps_then_it_is_stopped_at_once() {
        let (message, took) = stopped("sleep(1000000);");

        assert!(message.contains("`sleep` is not available"), "{message}");
        assert_stopped_within(took, 1);
    }

    #[test]
    fn after_a_stopped_call_the_next_call_has_its_whole_budget_again() {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let engine = ScriptEngine::new(&Limits::default(), 7);
        let text = "fn noisy() { loop { print(\"0123456789abcdef\"); } }\nfn quiet() { print(\"done\"); 1 }";
        let script = Script::compile(&engine, "scripts/two.rhai", text).unwrap();

        assert!(script.call(&engine, "noisy", (), None).is_err());
        engine.take_logs();
        let quiet = script.call(&engine, "quiet", (), None);

        assert!(quiet.is_ok(), "{quiet:?}");
        assert_eq!(engine.take_logs(), ["done"]);
    }
}
