//! What a simulation step did, as a compact block of text: the command, who
//! handled it and how, then one line per event, document, issued command,
//! log line and error. Colours follow the sticky colours of event storming.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde_json::Value;
use squall_sim::trace::{Origin, Outcome, Trace};
use squall_sim::{BranchDiff, DocumentDiff, ReplayReport};

const COMMAND: Style = AnsiColor::Blue.on_default().bold();
const EVENT: Style = AnsiColor::Yellow.on_default();
const DOCUMENT: Style = AnsiColor::Green.on_default();
const POLICY: Style = AnsiColor::Magenta.on_default();
const ACCEPTED: Style = AnsiColor::Green.on_default().bold();
const REJECTED: Style = AnsiColor::Red.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// One step as text, e.g.
///
/// ```text
/// c3 DepositMoney {"account_id":"acc-1","amount":100}  from user, main, 2026-01-05T09:00:03Z
///   BankAccount (BankAccount-acc-1): accepted
///   event    #3 BankAccount-acc-1 v2 MoneyDeposited {"account_id":"acc-1","amount":100}
///   document AccountOverview[acc-1] {"account_id":"acc-1","balance":100,...}
///   issued   c4 SendThankYouEmail {"account_id":"acc-1","amount":100} by Send thank-you email on #3
/// ```
pub fn step(out: &mut impl Write, trace: &Trace) -> io::Result<()> {
    let command = &trace.command;
    let origin = match &command.origin {
        Origin::User => "user".to_owned(),
        Origin::Scenario { name } => format!("scenario {name}"),
        Origin::Policy { policy, event_id, event_position } => {
            format!("policy {} on {}", policy.name, event_ref(*event_position, event_id))
        }
    };
    writeln!(
        out,
        "{COMMAND}{} {}{COMMAND:#} {}  {DIM}from {origin}, {}, {}{DIM:#}",
        command.id,
        command.name,
        compact(&command.data),
        trace.branch,
        trace.at
    )?;

    write!(out, "  ")?;
    if let Some(handler) = &trace.handled_by {
        write!(out, "{}", handler.name)?;
        if let Some(stream) = &trace.stream_id {
            write!(out, " ({stream})")?;
        }
        write!(out, ": ")?;
    }
    match &trace.outcome {
        Outcome::Accepted => writeln!(out, "{ACCEPTED}accepted{ACCEPTED:#}"),
        // A failed script's message is shown once, as the error below.
        Outcome::Rejected { .. } if !trace.errors.is_empty() => writeln!(out, "{REJECTED}failed{REJECTED:#}"),
        Outcome::Rejected { reason } => writeln!(out, "{REJECTED}rejected{REJECTED:#}: {reason}"),
    }?;

    for event in &trace.events {
        writeln!(
            out,
            "  event    #{} {} v{} {EVENT}{}{EVENT:#} {}",
            event.position,
            event.stream_id,
            event.stream_version,
            event.name,
            compact(&event.data)
        )?;
    }
    for change in &trace.documents {
        let after = change.after.as_ref().map_or_else(|| "deleted".to_owned(), compact);
        writeln!(out, "  document {DOCUMENT}{}[{}]{DOCUMENT:#} {after}", change.read_model.name, change.key)?;
    }
    for issued in &trace.issued {
        writeln!(
            out,
            "  issued   {} {COMMAND}{}{COMMAND:#} {} {DIM}by{DIM:#} {POLICY}{}{POLICY:#} {DIM}on {}{DIM:#}",
            issued.id,
            issued.name,
            compact(&issued.data),
            issued.policy.name,
            event_ref(issued.event_position, &issued.event_id)
        )?;
    }
    for log in &trace.logs {
        writeln!(out, "  log      {DIM}{}:{DIM:#} {}", log.sticky.name, log.text)?;
    }
    for error in &trace.errors {
        writeln!(out, "  {ERROR}error{ERROR:#}    {}", indent_rest(error, "           "))?;
    }
    Ok(())
}

/// An event as people know it: by position (`#3`, what `rewind` takes), by its id only when
/// the branch no longer sees it.
fn event_ref(position: Option<u64>, event_id: &str) -> String {
    position.map_or_else(|| event_id.to_owned(), |p| format!("#{p}"))
}

/// How two branches differ: events only one of them sees, then documents.
pub fn diff(out: &mut impl Write, diff: &BranchDiff) -> io::Result<()> {
    let (left, right) = (&diff.left, &diff.right);
    if diff.only_left.is_empty() && diff.only_right.is_empty() && diff.documents.is_empty() {
        return writeln!(out, "{left} and {right} are the same");
    }
    for (branch, events) in [(left, &diff.only_left), (right, &diff.only_right)] {
        if events.is_empty() {
            continue;
        }
        writeln!(out, "only in {branch}: {}", plural(events.len(), "event", "events"))?;
        for event in events {
            writeln!(
                out,
                "  #{} {} {EVENT}{}{EVENT:#} {}",
                event.position,
                event.stream_id,
                event.name,
                compact(&event.data)
            )?;
        }
    }
    if !diff.documents.is_empty() {
        writeln!(out, "documents that differ: {}", diff.documents.len())?;
        let width = left.chars().count().max(right.chars().count()) + 1;
        for document in &diff.documents {
            document_change(out, document, (left, right), width)?;
        }
    }
    Ok(())
}

/// What rebuilding the read models changed.
pub fn replay(out: &mut impl Write, report: &ReplayReport) -> io::Result<()> {
    writeln!(
        out,
        "replayed {}; {} changed",
        plural(report.events as usize, "event", "events"),
        plural(report.changed.len(), "document", "documents")
    )?;
    for document in &report.changed {
        document_change(out, document, ("before", "after"), "before:".len())?;
    }
    Ok(())
}

fn document_change(
    out: &mut impl Write,
    document: &DocumentDiff,
    (left, right): (&str, &str),
    width: usize,
) -> io::Result<()> {
    let show = |doc: &Option<Value>| doc.as_ref().map_or_else(|| "(none)".to_owned(), compact);
    writeln!(out, "  {DOCUMENT}{}[{}]{DOCUMENT:#}", document.read_model, document.key)?;
    writeln!(out, "    {:<width$} {}", format!("{left}:"), show(&document.before))?;
    writeln!(out, "    {:<width$} {}", format!("{right}:"), show(&document.after))
}

/// JSON on one line, the way it is stored.
pub fn compact(value: &Value) -> String {
    value.to_string()
}

/// `1 event`, `2 events`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Continuation lines of a multi-line message, lined up under its first.
fn indent_rest(text: &str, indent: &str) -> String {
    text.lines().collect::<Vec<_>>().join(&format!("\n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_line_up_under_the_first() {
        assert_eq!(indent_rest("a\nb\nc", "  "), "a\n  b\n  c");
        assert_eq!(plural(1, "event", "events"), "1 event");
        assert_eq!(plural(0, "event", "events"), "0 events");
    }
}
