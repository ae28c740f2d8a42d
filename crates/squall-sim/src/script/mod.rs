//! Rhai scripts: the sandboxed engine, compiled scripts, and errors that
//! point at a file, a function and a line.

mod compiled;
mod engine;
mod error;
mod guard;
mod reads;

pub use compiled::{Call, Script};
pub use engine::{CallStats, Limits, Made, Outgoing, ScriptEngine};
pub use error::ScriptError;
pub use reads::{Readable, Reader};

/// Compile `text` as the simulator would, without running any of it (its
/// top-level constants included): Rhai's first syntax error, with its line
/// and column, if any. For an editor checking a text as it is typed.
pub fn check(path: &str, text: &str) -> Result<(), ScriptError> {
    let engine = ScriptEngine::new(&Limits::default(), 0);
    engine.engine().compile(text).map(drop).map_err(|e| ScriptError::from_parse(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_missing_brace_when_checked_then_rhai_names_the_line_and_column() {
        let err = check("a.rhai", "fn initial() {\n    #{}\n}\nfn handle_X(state, command) {\n    [\n}\n")
            .unwrap_err();
        assert_eq!(err.line, Some(6));
        assert!(err.column.is_some());
        assert!(!err.message.is_empty());
        assert!(check("a.rhai", "fn initial() { #{} }").is_ok());
    }
}
