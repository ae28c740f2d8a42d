//! Given / when / then scenarios from the board, each run on a fresh
//! in-memory store, with a readable diff when one fails.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use squall_model::naming::Naming;
use squall_model::{Board, Element, Kind, Message, Outcome, Scenario};
use squall_store::{Command, CommandMetadata, EventMetadata, NewEvent, Step, Store};

use crate::error::SimError;
use crate::session::{Options, Session, Source};
use crate::trace::{self, Trace};
use crate::value;
use squall_model::contract;

/// How one scenario went.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScenarioResult {
    pub name: String,
    pub passed: bool,
    /// What differs, as expected (-) and actual (+) lines.
    pub failure: Option<String>,
}

/// Run every scenario of a board whose file is in `model_dir`.
pub fn run_all(board: &Board, model_dir: &Path, options: &Options) -> Result<Vec<ScenarioResult>, SimError> {
    board.scenarios.iter().map(|scenario| run(board, model_dir, options, scenario)).collect()
}

/// Run one scenario on a fresh in-memory store.
pub fn run(
    board: &Board,
    model_dir: &Path,
    options: &Options,
    scenario: &Scenario,
) -> Result<ScenarioResult, SimError> {
    let store = Store::open_in_memory()?;
    let mut session = Session::open(board.clone(), model_dir, store, options.clone())?;
    let failure = match given(&mut session, board, scenario) {
        Err(message) => Some(message),
        Ok(given_count) => when_then(&mut session, scenario, given_count)?,
    };
    Ok(ScenarioResult { name: scenario.name.clone(), passed: failure.is_none(), failure })
}

/// Append the given events as history, then bring read models and
/// policies up to date with them. Returns how many there were.
fn given(session: &mut Session, board: &Board, scenario: &Scenario) -> Result<u64, String> {
    let now = session.now();
    let naming = Naming::new(board);
    for (i, message) in scenario.given.iter().enumerate() {
        let event =
            naming.resolve(Kind::Event, &message.name).map_err(|e| format!("given event {}: {e}", i + 1))?;
        value::check_json(&event.fields, &message.data).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!(
                "given event {}, `{}`, does not match the board: {}",
                i + 1,
                message.name,
                list.join("; ")
            )
        })?;
        let stream = stream_of(board, &naming, event, message)?;
        let version =
            session.store().stream_version(squall_store::MAIN, &stream).map_err(|e| e.to_string())?;
        let id = format!("given-{}", i + 1);
        let mut step = Step::accepted(
            Command {
                id: id.clone(),
                command_type: format!("given {}", message.name),
                payload: Value::Null,
                metadata: CommandMetadata {
                    correlation_id: id.clone(),
                    actor: Some(format!("scenario:{}", scenario.name)),
                    ..CommandMetadata::default()
                },
            },
            now.clone(),
        );
        step.events.push(NewEvent {
            stream_id: stream,
            expected_version: version,
            event_type: naming.key(event),
            payload: message.data.clone(),
            metadata: EventMetadata {
                event_id: format!("{id}.1"),
                command_id: id.clone(),
                causation_id: id.clone(),
                correlation_id: id,
                ..EventMetadata::default()
            },
        });
        session.store_mut().commit_step(squall_store::MAIN, &step).map_err(|e| e.to_string())?;
    }
    session.catch_up().map_err(|e| format!("the given events do not replay: {e}"))?;
    Ok(scenario.given.len() as u64)
}

/// The stream an event belongs to: the emitting aggregate's instance, or
/// the external system's stream.
fn stream_of(board: &Board, naming: &Naming, event: &Element, message: &Message) -> Result<String, String> {
    let emitter = board
        .connections
        .iter()
        .filter(|c| c.to == event.id)
        .filter_map(|c| board.element(c.from.as_str()))
        .find(|e| matches!(e.kind, Kind::Aggregate | Kind::ExternalSystem))
        .ok_or_else(|| {
            format!("given event `{}` is emitted by no aggregate or external system", message.name)
        })?;
    if emitter.kind == Kind::ExternalSystem {
        return Ok(contract::identifier(&naming.key(emitter)));
    }
    let key = emitter.key.as_deref().unwrap_or("id");
    let id = match message.data.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => {
            return Err(format!(
                "given event `{}` has no `{key}` to find its {} by",
                message.name, emitter.name
            ));
        }
    };
    Ok(format!("{}-{id}", contract::identifier(&naming.key(emitter))))
}

fn when_then(session: &mut Session, scenario: &Scenario, given: u64) -> Result<Option<String>, SimError> {
    let when = &scenario.when;
    if let Err(error) = session.submit(&when.name, when.data.clone(), Source::Scenario(scenario.name.clone()))
    {
        return Ok(Some(format!("the `when` command was refused before it ran: {error}")));
    }
    let mut traces: Vec<Trace> = Vec::new();
    let end = session.run_until_quiet(1000, |t| traces.push(t.clone()))?;
    if let Some(stopped) = end.stopped {
        return Ok(Some(stopped));
    }
    check(session, &scenario.then, &traces, given)
}

/// Whether `outcome` holds after the `when` command's cascade (`traces`); what differs when not.
fn check(
    session: &Session,
    outcome: &Outcome,
    traces: &[Trace],
    given: u64,
) -> Result<Option<String>, SimError> {
    let first = traces.first();
    let errors: Vec<&String> = traces.iter().flat_map(|t| &t.errors).collect();
    Ok(match outcome {
        Outcome::All(all) => {
            let mut failures = Vec::new();
            for (i, outcome) in all.iter().enumerate() {
                if let Some(failure) = check(session, outcome, traces, given)? {
                    failures.push(format!("expectation {} of {}: {failure}", i + 1, all.len()));
                }
            }
            (!failures.is_empty()).then(|| failures.join("\n"))
        }
        Outcome::CommandRejected { name, reason: expected } => {
            let key = session.message_key(Kind::Command, name);
            let name = &key;
            let refusals: Vec<&String> = traces
                .iter()
                .filter(|t| t.command.name == *name)
                .filter_map(|t| match &t.outcome {
                    trace::Outcome::Rejected { reason } => Some(reason),
                    trace::Outcome::Accepted => None,
                })
                .collect();
            let ran = traces.iter().any(|t| t.command.name == *name);
            if refusals.contains(&expected) {
                None
            } else if let Some(reason) = refusals.first() {
                Some(format!(
                    "expected command `{name}` to be refused with \"{expected}\", but it was refused with \"{reason}\""
                ))
            } else if ran {
                Some(format!(
                    "expected command `{name}` to be refused with \"{expected}\", but it was accepted"
                ))
            } else {
                Some(format!(
                    "expected command `{name}` to be refused with \"{expected}\", but no such command ran"
                ))
            }
        }
        Outcome::Rejected(expected) => match first.map(|t| &t.outcome) {
            Some(trace::Outcome::Rejected { reason }) if reason == expected => None,
            Some(trace::Outcome::Rejected { reason }) => {
                Some(diff_lines(&[format!("rejected: {expected}")], &[format!("rejected: {reason}")]))
            }
            _ => Some(format!(
                "expected the command to be rejected with \"{expected}\", but it was accepted{}",
                describe_events(session, given)?
            )),
        },
        Outcome::Events(expected) | Outcome::EventsInAnyOrder(expected) => {
            if !errors.is_empty() {
                return Ok(Some(format!(
                    "a step failed: {}",
                    errors.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("; ")
                )));
            }
            if let Some(trace::Outcome::Rejected { reason }) = first.map(|t| &t.outcome) {
                return Ok(Some(format!("expected events, but the command was rejected: {reason}")));
            }
            let actual: Vec<(String, Value)> = session
                .events(None)?
                .into_iter()
                .filter(|e| e.position > given)
                .map(|e| (e.event_type, e.payload))
                .collect();
            let any_order = matches!(outcome, Outcome::EventsInAnyOrder(_));
            // The store knows events by key: `Sales/OrderPlaced` where the name is shared.
            let expected: &Vec<Message> = &expected
                .iter()
                .map(|e| Message { name: session.message_key(Kind::Event, &e.name), ..e.clone() })
                .collect();
            let same = if any_order {
                same_in_any_order(expected, &actual)
            } else {
                actual.len() == expected.len()
                    && actual
                        .iter()
                        .zip(expected)
                        .all(|((name, data), e)| *name == e.name && json_eq(data, &e.data))
            };
            if same {
                None
            } else {
                // Keys sorted, so a payload written in another key order is no difference.
                let show = |name: &str, data: &Value| format!("{name} {}", sorted_json(data));
                let mut expected: Vec<String> = expected.iter().map(|e| show(&e.name, &e.data)).collect();
                let mut actual: Vec<String> = actual.iter().map(|(n, d)| show(n, d)).collect();
                if any_order {
                    // The order does not count, so the diff shows only what is missing or extra.
                    expected.sort();
                    actual.sort();
                }
                Some(diff_lines(&expected, &actual))
            }
        }
        Outcome::ReadModel { name, key, document } => {
            let actual = session.document(name, key)?;
            match actual {
                Some(actual) if json_eq(&actual, document) => None,
                actual => {
                    let pretty = |v: &Value| {
                        serde_json::from_str::<Value>(&sorted_json(v))
                            .and_then(|v| serde_json::to_string_pretty(&v))
                            .unwrap_or_default()
                    };
                    let expected_text = pretty(document);
                    let actual_text = actual.as_ref().map_or_else(|| "(no document)".to_owned(), pretty);
                    let lines = |t: &str| t.lines().map(str::to_owned).collect::<Vec<_>>();
                    Some(format!(
                        "read model {name}[{key}]:\n{}",
                        diff_lines(&lines(&expected_text), &lines(&actual_text))
                    ))
                }
            }
        }
    })
}

/// Whether `actual` holds each expected event exactly once, whatever the order.
fn same_in_any_order(expected: &[Message], actual: &[(String, Value)]) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let mut unmatched: Vec<&(String, Value)> = actual.iter().collect();
    expected.iter().all(|e| {
        let found = unmatched.iter().position(|(name, data)| *name == e.name && json_eq(data, &e.data));
        found.map(|i| unmatched.swap_remove(i)).is_some()
    })
}

fn describe_events(session: &Session, given: u64) -> Result<String, SimError> {
    let names: Vec<String> =
        session.events(None)?.into_iter().filter(|e| e.position > given).map(|e| e.event_type).collect();
    Ok(if names.is_empty() { String::new() } else { format!(" and appended {}", names.join(", ")) })
}

/// Expected (-) and actual (+) lines, unchanged ones indented.
fn diff_lines(expected: &[String], actual: &[String]) -> String {
    let expected = expected.join("\n") + "\n";
    let actual = actual.join("\n") + "\n";
    let diff = similar::TextDiff::from_lines(&expected, &actual);
    let mut out = String::from("--- expected\n+++ actual\n");
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "- ",
            similar::ChangeTag::Insert => "+ ",
            similar::ChangeTag::Equal => "  ",
        };
        out.push_str(sign);
        out.push_str(change.value());
    }
    out.trim_end().to_owned()
}

/// JSON text with object keys sorted, so that the same data prints the
/// same whichever order a scenario's author wrote it in.
fn sorted_json(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sort(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sort(value)).unwrap_or_default()
}

/// JSON equality where `100` and `100.0` are the same number.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

impl Session {
    /// Turn a recorded command and its cascade into a scenario: the events
    /// before it as given, the command as when, its cascade's events as then.
    pub fn record_scenario(&self, name: &str, command_id: &str) -> Result<Scenario, SimError> {
        let logged = self.store().logged_command(self.branch(), command_id)?.ok_or_else(|| {
            SimError::Rebuild(format!("no command `{command_id}` in branch {}", self.branch()))
        })?;
        let events = self.events(None)?;
        // Everything the branch held when the command was processed: the
        // events of the commands logged before it.
        let before = self
            .store()
            .command_log(self.branch())?
            .iter()
            .filter(|c| c.seq < logged.seq)
            .filter_map(|c| c.positions.map(|(_, last)| last))
            .max()
            .unwrap_or(0);
        let first = logged.positions.map_or(u64::MAX, |(first, _)| first);
        let given = events
            .iter()
            .filter(|e| e.position <= before)
            .map(|e| Message::new(e.event_type.clone(), e.payload.clone()))
            .collect();
        let then = match &logged.outcome {
            squall_store::Outcome::Rejected { reason } => Outcome::Rejected(reason.clone()),
            squall_store::Outcome::Accepted => Outcome::Events(
                events
                    .iter()
                    .filter(|e| {
                        e.position >= first
                            && e.metadata.correlation_id == logged.command.metadata.correlation_id
                    })
                    .map(|e| Message::new(e.event_type.clone(), e.payload.clone()))
                    .collect(),
            ),
        };
        Ok(Scenario {
            name: name.to_owned(),
            description: None,
            given,
            when: Message::new(logged.command.command_type.clone(), logged.command.payload),
            then,
        })
    }
}
