//! `test/scenarios.ts`: each of the board's scenarios as a given / when /
//! then check of the `App`, pending until the rules are written.

use squall_model::{Kind, Message as Said, Outcome, Scenario};

use super::expr::{self, Expr};
use super::string;
use crate::skeleton::plan::Plan;
use crate::skeleton::source::Source;

const WIDTH: usize = 100;

pub fn generate(plan: &Plan<'_>) -> String {
    let mut body = Source::two_spaces();
    for scenario in &plan.board.scenarios {
        check(&mut body, plan, scenario);
    }
    let body = body.finish();
    let mut src = Source::two_spaces();
    src.line(0, HEADER);
    src.blank();
    if plan.board.scenarios.is_empty() {
        src.line(0, "import type { Event } from \"../src/index.js\";");
    } else {
        src.line(0, "import { App, type Event } from \"../src/index.js\";");
    }
    src.blank();
    src.line(0, RUNNER_TYPES);
    src.blank();
    src.line(0, "/** The board's scenarios, in its order. */");
    if plan.board.scenarios.is_empty() {
        src.line(0, "export const scenarios: Scenario[] = [];");
    } else {
        src.line(0, "export const scenarios: Scenario[] = [");
        for line in body.lines() {
            src.line(0, line);
        }
        src.line(0, "];");
    }
    src.blank();
    src.line(0, RUNNER);
    src.finish()
}

fn check(src: &mut Source, plan: &Plan<'_>, scenario: &Scenario) {
    src.line(1, "{");
    src.line(2, format!("name: {},", string(&scenario.name)));
    if let Some(description) = &scenario.description {
        src.line(2, format!("description: {},", string(description)));
    }
    src.line(2, "pending: true,");
    src.line(2, "check() {");
    match statements(plan, scenario) {
        Ok(lines) => {
            for line in lines.lines() {
                src.line(0, line);
            }
        }
        Err(problem) => src.line(3, format!("throw new Error({});", string(&problem))),
    }
    src.line(2, "},");
    src.line(1, "},");
}

/// The check's statements, indented three levels, or why the scenario
/// cannot be written against this board.
fn statements(plan: &Plan<'_>, scenario: &Scenario) -> Result<String, String> {
    let pad = "      ";
    let mut out = format!("{pad}const app = new App();\n");
    for (i, given) in scenario.given.iter().enumerate() {
        let event = message(plan, Kind::Event, given)
            .ok_or_else(|| format!("given event {}, `{}`, is not on the board", i + 1, given.name))?;
        out.push_str(&format!("{pad}app.given({});\n", event.layout(3, WIDTH)));
    }
    let when = message(plan, Kind::Command, &scenario.when)
        .ok_or_else(|| format!("the command `{}` is not on the board", scenario.when.name))?;
    let mut expectations = String::new();
    then(&mut expectations, plan, &scenario.then)?;
    let binding = if expectations.contains("run.") { "const run = " } else { "" };
    out.push_str(&format!("{pad}{binding}app.run({});\n", when.layout(3, WIDTH)));
    out.push_str(&expectations);
    Ok(out)
}

fn message(plan: &Plan<'_>, kind: Kind, said: &Said) -> Option<Expr> {
    let index = plan.message_named(kind, &said.name)?;
    Some(expr::message(&plan.messages[index], &said.data))
}

fn then(out: &mut String, plan: &Plan<'_>, outcome: &Outcome) -> Result<(), String> {
    let pad = "      ";
    match outcome {
        Outcome::Events(events) | Outcome::EventsInAnyOrder(events) => {
            let expected = events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    message(plan, Kind::Event, e)
                        .ok_or_else(|| format!("expected event {}, `{}`, is not on the board", i + 1, e.name))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let function =
                if matches!(outcome, Outcome::Events(_)) { "expectEvents" } else { "expectEventsInAnyOrder" };
            out.push_str(&format!(
                "{pad}{function}(run.events(), {});\n",
                Expr::Array(expected).layout(3, WIDTH)
            ));
        }
        Outcome::Rejected(reason) => {
            out.push_str(&format!("{pad}expectSame(run.rejection()?.reason, {});\n", string(reason)));
        }
        Outcome::CommandRejected { name, reason } => {
            let key = plan
                .message_named(Kind::Command, name)
                .map_or(name.as_str(), |i| plan.messages[i].key.as_str());
            out.push_str(&format!(
                "{pad}expectSome(run.rejectionsOf({}).map((r) => r.reason), {});\n",
                string(key),
                string(reason)
            ));
        }
        Outcome::ReadModel { name, key, document } => {
            let read_model = plan
                .read_model_named(name)
                .ok_or_else(|| format!("the read model `{name}` is not on the board"))?;
            let field = crate::skeleton::names::camel(&read_model.app_field, "readModel");
            out.push_str(&format!(
                "{pad}expectSame(app.{field}.get({}), {});\n",
                string(key),
                expr::json(document).layout(3, WIDTH)
            ));
        }
        Outcome::All(all) => {
            for (i, outcome) in all.iter().enumerate() {
                out.push_str(&format!("{pad}// Expectation {} of {}.\n", i + 1, all.len()));
                then(out, plan, outcome)?;
            }
        }
    }
    Ok(())
}

const HEADER: &str = r#"/**
 * The board's scenarios: given these events, when this command, then this
 * outcome. Each is pending until the skeleton's rules are written; run them
 * all with `npm test -- --pending`, or set `pending: false` one by one.
 */"#;

const RUNNER_TYPES: &str = r#"/** A scenario: its check throws when the outcome is not the expected one. */
export interface Scenario {
  name: string;
  description?: string;
  pending: boolean;
  check(): void;
}

// Node's globals, declared here so that the package needs no @types/node.
declare const console: { log(...data: unknown[]): void };
declare const process: { argv: string[]; exitCode?: number };"#;

const RUNNER: &str = r#"/** Run the scenarios (the pending ones too with `--pending`) and report each. */
function main(): void {
  const all = process.argv.includes("--pending");
  let failed = 0;
  for (const scenario of scenarios) {
    if (scenario.pending && !all) {
      console.log(`- ${scenario.name} (pending)`);
      continue;
    }
    try {
      scenario.check();
      console.log(`ok ${scenario.name}`);
    } catch (error) {
      failed += 1;
      console.log(`FAILED ${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failed > 0) {
    console.log(`${failed} of ${scenarios.length} scenarios failed`);
    process.exitCode = 1;
  }
}

export function expectEvents(actual: Event[], expected: Event[]): void {
  expectSame(actual, expected);
}

/** The same events, each as often, in any order. */
export function expectEventsInAnyOrder(actual: Event[], expected: Event[]): void {
  const missing = [...expected];
  const extra: Event[] = [];
  for (const event of actual) {
    const at = missing.findIndex((e) => same(e, event));
    if (at >= 0) {
      missing.splice(at, 1);
    } else {
      extra.push(event);
    }
  }
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  }
}

export function expectSome(actual: string[], expected: string): void {
  if (!actual.includes(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)} among ${JSON.stringify(actual)}`);
  }
}

export function expectSame(actual: unknown, expected: unknown): void {
  if (!same(actual, expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Deep equality in which numbers and decimal digits compare by value (`100`, `"100.0"`), as in Squall. */
export function same(actual: unknown, expected: unknown): boolean {
  const a = decimal(actual);
  const e = decimal(expected);
  if (a !== undefined && e !== undefined) {
    return a === e;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, i) => same(item, expected[i]));
  }
  if (isObject(actual) && isObject(expected)) {
    const keys = Object.keys(expected).filter((k) => expected[k] !== undefined);
    return (
      Object.keys(actual).filter((k) => actual[k] !== undefined).length === keys.length &&
      keys.every((k) => same(actual[k], expected[k]))
    );
  }
  return actual === expected;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A number or decimal digits in one canonical text (`"100.50"` → `"100.5"`). */
export function decimal(value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined;
  const match = text === undefined ? null : /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) {
    return undefined;
  }
  const whole = (match[2] ?? "0").replace(/^0+(?=\d)/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const sign = match[1] === "-" && (whole !== "0" || fraction !== "") ? "-" : "";
  return fraction === "" ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

main();"#;
