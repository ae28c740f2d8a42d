//! The board as a code skeleton to build the real system from: message
//! types, aggregates, policies, read models and external systems with their
//! rules left to write (each quoting the board's Rhai rule), the board
//! wired together in memory, and its scenarios as tests.
//!
//! [`generate`] is a pure function of the board and its scripts' texts:
//! the same board gives the same bytes. [`write`] puts the files in a
//! folder without ever overwriting a file someone changed since the last
//! export, unless told to.

mod literal;
mod names;
mod plan;
mod rhai;
mod rust;
mod scripts;
mod source;
#[cfg(test)]
mod tests;
mod typescript;
mod write;

use std::collections::BTreeMap;

use squall_model::Board;

pub use scripts::Scripts;
pub use write::{Error, MANIFEST, Written, write};

/// Generated files by their path in the output folder (`/`-separated).
pub type Files = BTreeMap<String, String>;

/// The language of a skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// A Cargo crate: serde types, the cqrs-es aggregate shape, tests.
    Rust,
    /// A TypeScript package: discriminated unions, strict `tsc`.
    TypeScript,
}

/// Every file of the skeleton of `board` in `language`.
pub fn generate(board: &Board, scripts: &Scripts, language: Language) -> Files {
    let plan = plan::Plan::new(board, scripts);
    match language {
        Language::Rust => rust::generate(&plan),
        Language::TypeScript => typescript::generate(&plan),
    }
}
