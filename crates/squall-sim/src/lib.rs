//! Runs a Squall board: commands through Rhai aggregates, events into
//! policies, read models and external systems, every step committed to the
//! SQLite event store. See docs/scripting.md for the script contract.

mod clock;
pub mod constants;
mod error;
mod explain;
pub mod model;
pub mod projection;
pub mod scenario;
pub mod script;
mod scripts;
mod session;
pub mod trace;
pub mod value;

pub use clock::Clock;
pub use error::SimError;
pub use session::{
    BranchDiff, DocumentDiff, DocumentsAt, EventSummary, InstanceAt, Options, ReplayReport, RunEnd, Session,
    Source, Submission,
};
pub use trace::Trace;
