//! Runs a Squall board: commands through Rhai aggregates, events into
//! policies, read models and external systems, every step committed to the
//! SQLite event store.

pub mod contract;
pub mod script;
pub mod value;
