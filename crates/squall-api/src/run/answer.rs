//! What the run answers, and what every client is told after each step.

use serde::Serialize;
use serde_json::Value;
use squall_model::Id;
use squall_sim::scenario::ScenarioResult;
use squall_sim::{BranchDiff, ReplayReport, RunEnd, Trace};
use ts_rs::TS;

/// The answer to a [`RunRequest`](super::RunRequest).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunAnswer {
    /// status, switch, fork, advance_clock, new_run.
    Status {
        status: RunStatus,
    },
    /// submit: the queued command's id.
    Submitted {
        status: RunStatus,
        command_id: String,
    },
    /// step and run_until_quiet: one trace per processed command, in order.
    /// `end` says how run_until_quiet ended; none for step.
    Stepped {
        status: RunStatus,
        traces: Vec<Trace>,
        end: Option<RunEnd>,
    },
    Events {
        page: EventPage,
    },
    Cascade {
        steps: Vec<CascadeStep>,
    },
    Instances {
        instances: Vec<InstanceInfo>,
    },
    Aggregate {
        aggregate: AggregateView,
    },
    Documents {
        page: DocumentPage,
    },
    Rows {
        rows: QueryResult,
    },
    Diff {
        diff: BranchDiff,
    },
    Scenarios {
        results: Vec<ScenarioResult>,
    },
    /// save_scenario: the board changed (see the response's state as for
    /// any edit, pushed to every client); this is the scenario's name.
    ScenarioSaved {
        name: String,
    },
    Replayed {
        status: RunStatus,
        report: ReplayReport,
    },
    Suggestions {
        fields: Vec<FieldSuggestions>,
    },
}

/// Where the run of the open board stands. Pushed to every client after
/// every change, so a workshop sees one run.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct RunStatus {
    /// The SQLite file of the run, beside the model: `.squall/<model>.sqlite`.
    /// None for a board without a file, whose run lives in memory.
    pub store: Option<String>,
    pub branch: String,
    pub branches: Vec<BranchInfo>,
    /// The last position the current branch sees; 0 before any event.
    pub head: u32,
    /// The virtual clock, RFC 3339.
    pub now: String,
    /// Commands waiting, oldest first (the first 100).
    pub queue: Vec<QueuedCommand>,
    /// How many commands wait in all.
    pub pending: u32,
    /// How many events of each event sticky the current branch holds.
    pub event_counts: Vec<StickyCount>,
    /// Processed commands in the current branch: all, and refused.
    pub commands: u32,
    pub rejected: u32,
    /// Values the scripts name as constants (the CEO bonus account), so
    /// people can find the ids a model needs before it runs.
    pub constants: Vec<ScriptConstant>,
    /// Why the board cannot run as it is (a script that does not compile,
    /// with file:line:col); the run's data stays readable meanwhile.
    pub problem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct BranchInfo {
    pub name: String,
    pub parent: Option<String>,
    /// The parent's last position this branch sees.
    pub fork_position: Option<u32>,
    pub head: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct QueuedCommand {
    pub command_id: String,
    pub name: String,
    pub sticky: Option<Id>,
    pub data: Value,
    /// `user`, `scenario:<name>` or `policy:<sticky id>`.
    pub actor: Option<String>,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct StickyCount {
    pub sticky: Id,
    pub count: u32,
}

/// A constant at the top of a script, e.g. `const BONUS_ACCOUNT = "ceo-bonus";`.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ScriptConstant {
    /// The sticky whose script declares it.
    pub sticky: Id,
    pub name: String,
    pub value: Value,
}

/// A page of events.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct EventPage {
    /// How many events match the filter in all.
    pub total: u32,
    pub offset: u32,
    pub events: Vec<LoggedEvent>,
}

/// An event of the store as the event log shows it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct LoggedEvent {
    pub position: u32,
    pub event_id: String,
    pub stream_id: String,
    pub stream_version: u32,
    pub name: String,
    /// The event sticky; none when the board no longer has it.
    pub sticky: Option<Id>,
    pub data: Value,
    pub recorded_at: String,
    pub correlation_id: String,
    /// What caused it, from the user's command down to the command whose
    /// step appended it: command, (handler), event, policy, command, …
    pub chain: Vec<ChainLink>,
}

/// One message or sticky on a causal chain.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainLink {
    Command {
        command_id: String,
        name: String,
        sticky: Option<Id>,
        /// The aggregate or external system that handled it.
        handled_by: Option<Id>,
        /// `user`, `scenario:<name>` or `policy:<sticky id>`.
        actor: Option<String>,
    },
    Event {
        position: u32,
        name: String,
        sticky: Option<Id>,
    },
    Policy {
        sticky: Id,
        name: String,
    },
}

/// One processed command of a cascade.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CascadeStep {
    pub command_id: String,
    pub name: String,
    pub sticky: Option<Id>,
    pub handled_by: Option<Id>,
    /// The policy that issued it and the event it reacted to.
    pub issued_by: Option<Id>,
    pub caused_by_event: Option<u32>,
    pub rejected: Option<String>,
    /// The events it appended: position and event sticky.
    pub events: Vec<CascadeEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CascadeEvent {
    pub position: u32,
    pub name: String,
    pub sticky: Option<Id>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct InstanceInfo {
    /// The instance's id, e.g. `acc-1`.
    pub instance: String,
    pub stream_id: String,
    /// Its version (event count) as of the position asked for.
    pub version: u32,
}

/// An aggregate instance as of a position.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct AggregateView {
    pub aggregate: Id,
    pub instance: String,
    pub stream_id: String,
    /// The position this view is as of.
    pub at: u32,
    pub version: u32,
    pub state: Value,
    /// The state before its last event at or before `at`; none when it had none.
    pub before: Option<Value>,
    /// The position of that last event.
    pub last_event: Option<u32>,
}

/// A page of a read model's documents as of a position.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct DocumentPage {
    pub read_model: Id,
    pub at: u32,
    /// How many documents match in all.
    pub total: u32,
    pub offset: u32,
    pub documents: Vec<DocumentView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct DocumentView {
    pub key: String,
    pub document: Value,
    /// Top-level fields the event at `at` changed (all of them for a
    /// document it created); empty when that event did not touch it.
    pub changed: Vec<String>,
}

/// The rows of a read-only query.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// More rows matched than the limit let through.
    pub truncated: bool,
}

/// What to suggest for one field of a command's form.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct FieldSuggestions {
    pub field: String,
    pub values: Vec<Suggestion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Suggestion {
    pub value: Value,
    /// Where it comes from: `seen in the run`, `CEO bonus: BONUS_ACCOUNT`.
    pub source: String,
}
