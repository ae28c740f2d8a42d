//! What one step did, with everything a UI needs to animate it: the
//! message and who handled it, the state before and after, the events with
//! their positions, the documents changed, the commands policies issued.

use serde::Serialize;
use serde_json::Value;

/// A board element, as a trace names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StickyRef {
    pub id: String,
    pub name: String,
}

/// Where a command came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Origin {
    User,
    Scenario {
        name: String,
    },
    /// `event_position` is where the event the policy reacted to stands in the log (what
    /// `rewind` takes); `None` only if the branch no longer sees it.
    Policy {
        policy: StickyRef,
        event_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
        event_position: Option<u64>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TracedCommand {
    pub id: String,
    pub name: String,
    pub sticky: StickyRef,
    pub data: Value,
    pub origin: Origin,
    pub correlation_id: String,
    pub causation_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TracedEvent {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: u64,
    pub event_id: String,
    pub stream_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub stream_version: u64,
    pub name: String,
    pub sticky: StickyRef,
    /// The aggregate or external system that emitted it.
    pub emitted_by: StickyRef,
    pub data: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentChange {
    pub read_model: StickyRef,
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IssuedCommand {
    pub id: String,
    pub name: String,
    pub data: Value,
    pub policy: StickyRef,
    /// The event the policy reacted to, by id and by position.
    pub event_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub event_position: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogLine {
    pub sticky: StickyRef,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    Rejected { reason: String },
}

/// One processed command.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trace {
    pub branch: String,
    /// The virtual time of the step.
    pub at: String,
    pub command: TracedCommand,
    pub handled_by: Option<StickyRef>,
    /// The aggregate instance's stream, when an aggregate handled it.
    pub stream_id: Option<String>,
    pub state_before: Option<Value>,
    pub state_after: Option<Value>,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub events: Vec<TracedEvent>,
    pub documents: Vec<DocumentChange>,
    pub issued: Vec<IssuedCommand>,
    pub logs: Vec<LogLine>,
    /// Script failures and broken board rules, each with file and line
    /// where there is one. A step with errors rejects its command.
    pub errors: Vec<String>,
}

impl Trace {
    pub fn is_rejected(&self) -> bool {
        matches!(self.outcome, Outcome::Rejected { .. })
    }
}
