//! Rhai scripts: the sandboxed engine, compiled scripts, and errors that
//! point at a file, a function and a line.

mod compiled;
mod engine;
mod error;
mod guard;

pub use compiled::{Call, Script};
pub use engine::{CallStats, Limits, Made, Outgoing, ScriptEngine};
pub use error::ScriptError;
