//! The run of the open board: requests that submit and step commands,
//! look into the store as of any position, travel in time and branch.

mod answer;
mod inspect;
mod log;
mod place;
mod request;
mod runner;
mod status;

pub use answer::{
    AggregateView, BranchInfo, CascadeEvent, CascadeStep, ChainLink, DocumentPage, DocumentView, EventPage,
    FieldSuggestions, InstanceInfo, LoggedEvent, QueryResult, QueuedCommand, RunAnswer, RunStatus,
    ScriptConstant, StickyCount, Suggestion,
};
pub use request::{EventFilter, RunRequest};
pub(crate) use runner::{BoardRef, Runner};
