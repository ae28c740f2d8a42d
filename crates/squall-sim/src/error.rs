//! What can stop a simulation request. Failures inside one step (a script
//! error, a broken board rule) do not stop the session: they reject that
//! command and appear in its trace.

use crate::script::ScriptError;
use crate::value::PayloadError;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("the board has errors; fix them before running it:\n  {}", .0.join("\n  "))]
    BoardHasErrors(Vec<String>),
    #[error("unknown command `{name}`; the board's commands are: {known}")]
    UnknownCommand { name: String, known: String },
    #[error(transparent)]
    Ambiguous(squall_model::naming::Unresolved),
    #[error("unknown event `{name}`; the board's events are: {known}")]
    UnknownEvent { name: String, known: String },
    #[error("{kind} `{name}` ({sticky}): {}", list(.errors))]
    InvalidPayload { kind: &'static str, name: String, sticky: String, errors: Vec<PayloadError> },
    #[error("{element} has no script to run")]
    NoScript { element: String },
    #[error("cannot read script {path}: {source}")]
    ScriptFile { path: String, source: std::io::Error },
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error(transparent)]
    Store(#[from] squall_store::Error),
    #[error("{0}")]
    Clock(String),
    #[error("cannot rebuild from the events: {0}")]
    Rebuild(String),
    #[error("no read model named `{name}`; the board's read models are: {known}")]
    UnknownReadModel { name: String, known: String },
    #[error("no {kind} sticky has the id `{id}`; the board's are: {known}")]
    UnknownSticky { id: String, kind: String, known: String },
    #[error("position {at} is past the head of branch {branch}, {head}")]
    BeyondHead { at: u64, branch: String, head: u64 },
    #[error("no aggregate named `{name}`; the board's aggregates are: {known}")]
    UnknownAggregate { name: String, known: String },
    #[error("the command id `{id}` cannot be used: {reason}")]
    InvalidCommandId { id: String, reason: &'static str },
}

fn list(errors: &[PayloadError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
