//! `tests/scenarios.rs`: each of the board's scenarios as a given / when /
//! then test of the `App`, ignored until the rules are written.

use squall_model::{Kind, Message as Said, Outcome, Scenario};

use super::expr::{self, Expr, Needs};
use crate::skeleton::names::{self, Scope};
use crate::skeleton::plan::Plan;
use crate::skeleton::source::Source;

/// Lines are broken past this column, as rustfmt does.
const WIDTH: usize = 100;

/// The helpers below the tests; test names must not take them.
const HELPERS: &[&str] = &["dec", "map", "assert_same_events_in_any_order", "assert_document", "same_json"];

pub fn generate(plan: &Plan<'_>) -> String {
    let mut needs = Needs::default();
    let mut checks = Checks::default();
    let mut tests = Source::new();
    let mut scope = Scope::with(HELPERS);
    for scenario in &plan.board.scenarios {
        tests.blank();
        test(&mut tests, plan, scenario, &mut scope, &mut needs, &mut checks);
    }
    let mut body = tests.finish();
    helpers(&mut body, &needs, &checks);

    let mut src = Source::new();
    src.line(0, "//! The board's scenarios: given these events, when this command, then this outcome.");
    src.line(0, "//! They are ignored until the skeleton's rules are written; run them with");
    src.line(0, "//! `cargo test -- --ignored`.");
    src.blank();
    // Import what the tests name, so the file compiles without warnings;
    // one group in rustfmt's order: the crate itself, rust_decimal, serde_json.
    let mut uses: Vec<&str> = plan
        .contexts
        .iter()
        .map(|c| c.module.as_str())
        .filter(|m| super::mentions_module(&body, m))
        .collect();
    for (name, marks) in [
        ("App", &["App::"][..]),
        ("Command", &["Command::"][..]),
        ("Event", &["Event::", "<Event>", "Vec<Event>"][..]),
    ] {
        if marks.iter().any(|mark| body.contains(mark)) {
            uses.push(name);
        }
    }
    if let Some(line) = super::use_line(&plan.crate_name, &uses) {
        src.line(0, line);
    }
    if needs.dec {
        src.line(0, "use rust_decimal::Decimal;");
    }
    let mut json = Vec::new();
    if needs.map || checks.document {
        json.extend(["json", "Value"]);
    }
    if needs.map {
        json.push("Map");
    }
    if let Some(line) = super::use_line("serde_json", &json) {
        src.line(0, line);
    }
    let mut text = src.finish();
    if plan.board.scenarios.is_empty() {
        text.push_str("\n// The board has no scenarios yet.\n");
    }
    text.push_str(&body);
    text
}

/// The outcome checks the tests use, whose helpers must be written.
#[derive(Debug, Default)]
struct Checks {
    any_order: bool,
    document: bool,
}

fn test(
    src: &mut Source,
    plan: &Plan<'_>,
    scenario: &Scenario,
    scope: &mut Scope,
    needs: &mut Needs,
    checks: &mut Checks,
) {
    let name = scope.claim(&names::snake(&scenario.name, "scenario"));
    src.comment(0, "///", &scenario.name);
    if let Some(description) = &scenario.description {
        src.line(0, "///");
        src.comment(0, "///", description);
    }
    src.line(0, "#[test]");
    src.line(0, "#[ignore = \"the skeleton's rules are not written yet\"]");
    src.line(0, format!("fn {name}() {{"));
    let body = body(plan, scenario, needs, checks);
    match body {
        Ok(lines) => {
            for line in lines.lines() {
                src.line(0, line);
            }
        }
        Err(problem) => src.line(1, format!("panic!({});", expr::string(&problem))),
    }
    src.line(0, "}");
}

/// The test's statements (indented one level), or why the scenario cannot
/// be written against this board.
fn body(
    plan: &Plan<'_>,
    scenario: &Scenario,
    needs: &mut Needs,
    checks: &mut Checks,
) -> Result<String, String> {
    let mut out = String::from("    let mut app = App::default();\n");
    for (i, given) in scenario.given.iter().enumerate() {
        let event = message(plan, Kind::Event, given, needs)
            .map_err(|_| format!("given event {}, `{}`, is not on the board", i + 1, given.name))?;
        out.push_str(&format!("    app.given(&{});\n", event.layout(1, WIDTH)));
    }
    let when = message(plan, Kind::Command, &scenario.when, needs)
        .map_err(|_| format!("the command `{}` is not on the board", scenario.when.name))?;
    let mut expectations = String::new();
    then(&mut expectations, plan, &scenario.then, needs, checks)?;
    // A check of read models only looks at the app, not at the run.
    let binding = if expectations.contains("run.") { "let run = " } else { "" };
    out.push('\n');
    out.push_str(&format!("    {binding}app.run({});\n", when.layout(1, WIDTH)));
    out.push('\n');
    out.push_str(&expectations);
    Ok(out)
}

fn message(plan: &Plan<'_>, kind: Kind, said: &Said, needs: &mut Needs) -> Result<Expr, ()> {
    let index = plan.message_named(kind, &said.name).ok_or(())?;
    Ok(expr::message(plan, &plan.messages[index], &said.data, needs))
}

fn then(
    out: &mut String,
    plan: &Plan<'_>,
    outcome: &Outcome,
    needs: &mut Needs,
    checks: &mut Checks,
) -> Result<(), String> {
    match outcome {
        Outcome::Events(events) | Outcome::EventsInAnyOrder(events) => {
            let expected = events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    message(plan, Kind::Event, e, needs)
                        .map_err(|_| format!("expected event {}, `{}`, is not on the board", i + 1, e.name))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let list = typed_list(&Expr::List(expected), "Event");
            if matches!(outcome, Outcome::Events(_)) {
                out.push_str(&call("assert_eq!", &["run.events()".to_owned(), list], false));
            } else {
                checks.any_order = true;
                out.push_str(&call(
                    "assert_same_events_in_any_order",
                    &["run.events()".to_owned(), list],
                    true,
                ));
            }
        }
        Outcome::Rejected(reason) => {
            let expected = format!("Some({})", expr::string(reason));
            out.push_str(&call(
                "assert_eq!",
                &["run.rejection().map(|r| r.reason())".to_owned(), expected],
                false,
            ));
        }
        Outcome::CommandRejected { name, reason } => {
            let key = plan
                .message_named(Kind::Command, name)
                .map_or(name.as_str(), |i| plan.messages[i].key.as_str());
            let check = format!(
                "run.rejections_of({}).iter().any(|r| r.reason() == {})",
                expr::string(key),
                expr::string(reason)
            );
            let message =
                format!("\"expected {} to be refused with {}\"", format_safe(name), format_safe(reason));
            out.push_str(&call("assert!", &[check, message], false));
        }
        Outcome::ReadModel { name, key, document } => {
            let read_model = plan
                .read_model_named(name)
                .ok_or_else(|| format!("the read model `{name}` is not on the board"))?;
            checks.document = true;
            let actual = format!("app.{}.get({})", read_model.app_field, expr::string(key));
            out.push_str(&call(
                "assert_document",
                &[actual, format!("json!({})", expr::json(document))],
                true,
            ));
        }
        Outcome::All(all) => {
            for (i, outcome) in all.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("    // Expectation {} of {}.\n", i + 1, all.len()));
                then(out, plan, outcome, needs, checks)?;
            }
        }
    }
    Ok(())
}

/// A statement calling `name` with `args` (laid out two levels in): on one
/// line when it fits, else one argument a line, two levels in, as rustfmt
/// does (with a trailing comma after a function's last argument, not a macro's).
fn call(name: &str, args: &[String], trailing_comma: bool) -> String {
    let one_line = format!("    {name}({});\n", args.join(", "));
    if one_line.len() <= WIDTH + 1 && !args.iter().any(|a| a.contains('\n')) {
        return one_line;
    }
    let mut out = format!("    {name}(\n");
    for (i, arg) in args.iter().enumerate() {
        let comma = if i + 1 < args.len() || trailing_comma { "," } else { "" };
        out.push_str(&format!("        {arg}{comma}\n"));
    }
    out.push_str("    );\n");
    out
}

/// `vec![…]` of events, typed so an empty list still says what it is.
fn typed_list(list: &Expr, of: &str) -> String {
    let text = list.layout(2, WIDTH);
    if text == "vec![]" { format!("Vec::<{of}>::new()") } else { text }
}

/// Text safe inside a format string and a Rust string literal's quotes.
fn format_safe(text: &str) -> String {
    let quoted = expr::string(&format!("`{text}`"));
    quoted[1..quoted.len() - 1].replace('{', "{{").replace('}', "}}")
}

fn helpers(text: &mut String, needs: &Needs, checks: &Checks) {
    if needs.dec {
        text.push_str(DEC);
    }
    if needs.map {
        text.push_str(MAP);
    }
    if checks.any_order {
        text.push_str(ANY_ORDER);
    }
    if checks.document {
        text.push_str(DOCUMENT);
    }
}

const DEC: &str = r#"
/// An exact decimal, as the board writes it.
fn dec(digits: &str) -> Decimal {
    digits.parse().unwrap()
}
"#;

const MAP: &str = r#"
/// A `map` field's value.
fn map(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}
"#;

const ANY_ORDER: &str = r#"
/// The same events, each as often, in any order.
fn assert_same_events_in_any_order(actual: Vec<Event>, expected: Vec<Event>) {
    let mut missing = expected.clone();
    let mut extra = Vec::new();
    for event in actual {
        match missing.iter().position(|e| *e == event) {
            Some(at) => {
                missing.remove(at);
            }
            None => extra.push(event),
        }
    }
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
}
"#;

const DOCUMENT: &str = r#"
/// The document's JSON is `expected`; numbers compare by value (`100` and
/// `"100.0"` are the same), as Squall compares them.
fn assert_document(actual: Option<&impl serde::Serialize>, expected: Value) {
    let actual = serde_json::to_value(actual).unwrap();
    assert!(same_json(&actual, &expected), "expected {expected:#}\nactual {actual:#}");
}

fn same_json(actual: &Value, expected: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Number(n) => n.to_string().parse::<rust_decimal::Decimal>().ok(),
        Value::String(s) => s.parse::<rust_decimal::Decimal>().ok(),
        _ => None,
    };
    match (actual, expected) {
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(a, e)| same_json(a, e))
        }
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len() && a.iter().all(|(k, v)| e.get(k).is_some_and(|e| same_json(v, e)))
        }
        (a, e @ Value::Number(_)) => number(a).is_some_and(|a| Some(a) == number(e)),
        (a, e) => a == e,
    }
}
"#;
