//! Diagnostics about a board's model: what a facilitator would point out.
//!
//! Each check lives in its own module and adds diagnostics with a stable
//! [`Code`]; the code fixes the severity, so one kind of problem always
//! weighs the same.

mod arrows;
mod cycles;
mod hotspots;
mod names;
mod reach;
mod roles;
mod scenarios;
mod scripts;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::board::{Board, Element, Id};
use crate::flow::Flow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// The stable identity of a kind of diagnostic. Serialised as its
        /// kebab-case name, the same text people write in `allow` lists.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        // The names are the variants in kebab-case (checked in squall-api's tests).
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename_all = "kebab-case"))]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as written in output and in `allow` lists.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One sentence on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    ForbiddenConnection = "forbidden-connection", Error, "An arrow the event-storming grammar does not allow.";
    SelfConnection = "self-connection", Warning, "An arrow from an element to itself.";
    DuplicateConnection = "duplicate-connection", Warning, "The same arrow drawn twice.";
    UnhandledCommand = "unhandled-command", Warning, "A command that no aggregate or external system handles.";
    CommandHandledTwice = "command-handled-twice", Error, "A command handled by more than one aggregate.";
    UnemittedEvent = "unemitted-event", Warning, "An event that no aggregate or external system emits.";
    UnusedEvent = "unused-event", Info, "An event that no policy, read model or external system reacts to.";
    IdlePolicy = "idle-policy", Warning, "A policy that issues no command.";
    UnfedReadModel = "unfed-read-model", Warning, "A read model that no event feeds.";
    UnknownKeyField = "unknown-key-field", Error, "An aggregate's id field missing from a command it handles, or a read model's key missing from an event it projects: the simulator would refuse those commands.";
    PolicyCycle = "policy-cycle", Warning, "Commands that lead back to themselves through policies; a simulation may loop forever.";
    Unreachable = "unreachable", Info, "An element no flow reaches from an actor or an external system.";
    DuplicateName = "duplicate-name", Error, "Two elements of one kind with the same name in one bounded context: nothing tells them apart, not even the simulator.";
    SharedName = "shared-name", Warning, "A command, event or read model name used in several bounded contexts: inputs, scenarios and scripts must qualify it, e.g. `Sales/PlaceOrder`.";
    EmptyName = "empty-name", Warning, "An element without a name.";
    EventNameTense = "event-name-tense", Info, "An event name that is not in the past tense.";
    CommandNameMood = "command-name-mood", Info, "A command name that is not an imperative.";
    MissingScript = "missing-script", Warning, "An aggregate, policy, read model or external system whose script is not set or not found.";
    OpenHotspot = "open-hotspot", Info, "A hotspot that has not been resolved.";
    ScenarioUnknownMessage = "scenario-unknown-message", Error, "A scenario naming a command, event or read model that is not on the board.";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        Code::ALL.iter().map(|code| code.name()).collect()
    }
}

/// One finding: what is wrong, how badly, and which elements are involved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The elements involved, the main one first.
    pub elements: Vec<Id>,
}

/// A diagnostic that an element's `allow` list accepts, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Allowed {
    pub diagnostic: Diagnostic,
    pub by: Id,
    pub reason: String,
}

/// The outcome of linting a board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    /// Most severe first, then in board order.
    pub diagnostics: Vec<Diagnostic>,
    pub allowed: Vec<Allowed>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// What the lint may look at beyond the board itself.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The folder of the model file, against which script paths resolve.
    /// `None` (an unsaved board) skips the check that scripts exist.
    pub model_dir: Option<PathBuf>,
}

/// Lint a board.
pub fn lint(board: &Board, options: &Options) -> Report {
    let flow = Flow::new(board);
    let mut sink = Sink::default();
    arrows::check(&flow, &mut sink);
    roles::check(&flow, options, &mut sink);
    cycles::check(&flow, &mut sink);
    reach::check(&flow, &mut sink);
    names::check(board, &mut sink);
    scripts::check(board, options, &mut sink);
    hotspots::check(board, &mut sink);
    scenarios::check(board, &mut sink);

    // Few elements allow anything; look them up by id rather than scanning
    // the board once per diagnostic, which grows with the square of its size.
    let mut allowing: HashMap<&str, &BTreeMap<String, String>> = HashMap::new();
    for element in board.elements.iter().filter(|e| !e.allow.is_empty()) {
        allowing.entry(element.id.as_str()).or_insert(&element.allow);
    }
    let mut report = Report::default();
    for diagnostic in sink.diagnostics {
        match allowance(&allowing, &diagnostic) {
            Some((by, reason)) => report.allowed.push(Allowed { diagnostic, by, reason }),
            None => report.diagnostics.push(diagnostic),
        }
    }
    // Stable sort: within a severity, checks keep their board order.
    report.diagnostics.sort_by_key(|d| d.severity);
    report
}

/// The first involved element that allows the diagnostic's code, if any.
fn allowance(
    allowing: &HashMap<&str, &BTreeMap<String, String>>,
    diagnostic: &Diagnostic,
) -> Option<(Id, String)> {
    diagnostic.elements.iter().find_map(|id| {
        let reason = allowing.get(id.as_str())?.get(diagnostic.code.name())?;
        Some((id.clone(), reason.clone()))
    })
}

/// Where checks put their findings.
#[derive(Debug, Default)]
struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    fn report(&mut self, code: Code, message: String, elements: &[&Element]) {
        self.diagnostics.push(Diagnostic {
            code,
            severity: code.severity(),
            message,
            elements: elements.iter().map(|e| e.id.clone()).collect(),
        });
    }
}

/// `DepositMoney`: how diagnostics quote an element's name.
fn quoted(element: &Element) -> String {
    if element.name.trim().is_empty() {
        format!("unnamed {} ({})", element.kind.label().to_lowercase(), element.id)
    } else {
        format!("`{}`", element.name)
    }
}

#[cfg(test)]
mod test_boards;

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_serialise_as_the_names_written_in_allow_lists() {
        let json = serde_json::to_string(&[Code::PolicyCycle, Code::ForbiddenConnection]).unwrap();
        assert_eq!(json, r#"["policy-cycle","forbidden-connection"]"#);
    }
}
