//! What the UI asks of the board's run: `{"type": "run", "request": {"type": "step"}}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use squall_model::Id;
use ts_rs::TS;

/// One request about the run of the open board. Stickies are named by id,
/// so two stickies with one name in two bounded contexts stay apart.
/// Positions are event positions of the store (1, 2, …); `at: None` means
/// the head of the current branch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RunRequest {
    /// Where the run stands (see [`RunStatus`](super::RunStatus)).
    Status,
    /// Check `data` against the command sticky's fields and queue it. A
    /// payload that does not match is refused with every wrong field named,
    /// and nothing is queued.
    Submit { command: Id, data: Value },
    /// Process exactly one queued command (a user's or one a policy issued
    /// in an earlier step). Answers with no trace when the queue is empty.
    Step,
    /// Process queued commands until the queue is empty, a runaway cascade
    /// is stopped, or `max_steps` (default 1,000) were taken.
    RunUntilQuiet {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_steps: Option<u32>,
    },
    /// A page of the current branch's events, oldest first, each with the
    /// chain of messages that caused it.
    Events {
        #[serde(default)]
        filter: EventFilter,
        #[serde(default)]
        offset: u32,
        limit: u32,
    },
    /// Every step that followed from one user command, in order: the
    /// commands, who handled them, their events and the policies that
    /// reacted. For highlighting a chain on the board.
    Cascade { correlation_id: String },
    /// The instances (streams) of an aggregate as of `at`.
    Instances {
        aggregate: Id,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<u32>,
    },
    /// One aggregate instance's state as of `at`, and its state before the
    /// last event that changed it.
    AggregateState {
        aggregate: Id,
        /// The instance's id, e.g. `acc-1` (its stream is `BankAccount-acc-1`).
        instance: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<u32>,
    },
    /// A page of a read model's documents as of `at`, in key order; with
    /// `search`, only those whose key or JSON text contains it (any case).
    Documents {
        read_model: Id,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search: Option<String>,
        #[serde(default)]
        offset: u32,
        limit: u32,
    },
    /// One read-only SQL statement over the store; a statement that would
    /// write is refused before it runs. At most `limit` rows (default 500).
    Query {
        sql: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// Continue from `at` (default: the head) on a new branch, which becomes
    /// current; the branch left behind keeps every later event. Without a
    /// name one is made up (`main@12`).
    Fork {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<u32>,
    },
    /// Make another branch current.
    Switch { branch: String },
    /// The events each branch sees that the other does not, and the
    /// documents that differ.
    Diff { left: String, right: String },
    /// Move the virtual clock on, e.g. by `1h`, `30m`, `2d`.
    AdvanceClock { by: String },
    /// Run the board's scenarios (all, or the one named), each on a fresh
    /// in-memory store; the run's own store is not touched.
    RunScenarios {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Turn a processed user command and its cascade into a scenario on the
    /// board: the events before it as given, it as when, its cascade's
    /// events (or its refusal) as then. An edit of the board like any other,
    /// so one undo step; the file is written when the board is saved.
    SaveScenario { name: String, command_id: String },
    /// Rebuild the current branch's read models from its events with the
    /// scripts as they are now, and report what changed.
    Replay,
    /// Start again with an empty store: the old store file is renamed aside
    /// (`<model>.sqlite` → `<model>.<n>.sqlite`), not deleted.
    NewRun,
    /// Values to suggest in a command's form, per field: ids seen in the run
    /// and ids the model's scripts name (e.g. the CEO bonus account).
    Suggestions { command: Id },
}

impl RunRequest {
    /// Whether this moves the run or the board (what a viewer may not do),
    /// as opposed to looking at it. Running scenarios looks: they run on
    /// stores of their own.
    pub fn moves(&self) -> bool {
        !matches!(
            self,
            RunRequest::Status
                | RunRequest::Events { .. }
                | RunRequest::Cascade { .. }
                | RunRequest::Instances { .. }
                | RunRequest::AggregateState { .. }
                | RunRequest::Documents { .. }
                | RunRequest::Query { .. }
                | RunRequest::Diff { .. }
                | RunRequest::RunScenarios { .. }
                | RunRequest::Suggestions { .. }
        )
    }
}

/// Which events a page holds; what is absent does not filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// Exactly this stream, e.g. `BankAccount-acc-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// Exactly this event type (the event sticky's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Only what followed from one user command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Only events at or before this position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<u32>,
}
