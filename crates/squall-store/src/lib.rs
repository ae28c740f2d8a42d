//! Squall's event store: one plain SQLite file holding a board run's branches, events, command
//! log, pending-command queue and read models. It stores JSON documents and rows and knows
//! nothing of scripts, boards or UI; the simulator drives it one [`Step`] at a time.
//!
//! - [`Store::open`] (file, [`Durability::Interactive`] or [`Durability::Batch`]),
//!   [`Store::open_in_memory`] (tests), [`Store::open_read_only`] (`squall query`).
//! - [`Store::commit_step`] writes a processed command, its events, read-model changes,
//!   checkpoints and queue changes in one transaction; [`Store::begin_batch`] /
//!   [`Store::finish_batch`] group many steps into one transaction for speed.
//! - Events have a global, gapless `position` and a per-branch, per-stream `stream_version`
//!   checked optimistically ([`Error::Conflict`]).
//! - Branches fork another branch at a position; see [`Store::create_branch`] for visibility.
//!
//! The schema, the metadata JSON and example SQL are documented in `docs/store.md`.

mod batch;
mod branch;
mod command;
mod commits;
mod error;
mod event;
mod log;
mod pending;
mod query;
mod queue;
mod read_model;
mod schema;
mod sql;
mod step;
mod store;
mod writer;

pub use branch::{Branch, MAIN};
pub use command::{Command, CommandMetadata, LoggedCommand, Outcome};
pub use commits::Commits;
pub use error::{Error, Result};
pub use event::{EventMetadata, EventView, NewEvent, RecordedEvent};
pub use log::{EventFilter, EventPage};
pub use query::QueryRows;
pub use queue::QueuedCommand;
pub use read_model::{Checkpoint, Document, DocumentChange};
pub use schema::SCHEMA_VERSION;
pub use step::{Step, StepReceipt};
pub use store::{Durability, Store};
