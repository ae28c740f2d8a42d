//! The Squall board: what an event-storming model is, how it is written to
//! disk, and what the flow grammar and the lint say about it.
//!
//! This crate knows nothing of running scripts, stores, HTTP or the UI; it
//! only names the functions a script defines for a sticky (`contract`).

mod board;
pub mod contract;
pub mod diagram;
mod field;
mod file;
pub mod flow;
pub mod grammar;
mod kind;
pub mod lint;
pub mod naming;
mod scenario;
mod validate;

pub use board::{Board, Connection, Element, FORMAT_VERSION, Group, GroupKind, Id, Point, Size};
pub use field::{Field, FieldType, UnknownFieldType};
pub use file::{LoadError, SaveError, load, parse, save, to_ron, write_atomically};
pub use kind::{Kind, KindInfo};
pub use scenario::{Message, Outcome, Scenario};
pub use validate::Problem;
