//! Script failures, with the file, function, line and column.

use std::fmt;

use rhai::{EvalAltResult, ParseError, Position};

/// A script that could not be compiled or failed while running.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScriptError {
    /// The script's path as the board names it.
    pub script: String,
    /// The script function that was running, if any.
    pub function: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.script)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(function) = &self.function {
            write!(f, ": in `{function}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl ScriptError {
    pub fn new(script: &str, function: Option<&str>, message: impl Into<String>) -> Self {
        ScriptError {
            script: script.to_owned(),
            function: function.map(str::to_owned),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn from_parse(script: &str, error: &ParseError) -> Self {
        let mut e = ScriptError::new(script, None, error.err_type().to_string());
        e.at(error.position());
        e
    }

    /// Describe a runtime failure, looking through nested function calls to
    /// the innermost function and position, where the mistake is.
    pub(crate) fn from_eval(script: &str, function: &str, error: &EvalAltResult) -> Self {
        let mut function = function.to_owned();
        let mut error = error;
        while let EvalAltResult::ErrorInFunctionCall(name, _, inner, _) = error {
            function.clone_from(name);
            error = inner;
        }
        let message = match error {
            EvalAltResult::ErrorTooManyOperations(_) => {
                "stopped: the script ran too many operations (an endless loop?)".to_owned()
            }
            EvalAltResult::ErrorStackOverflow(_) => {
                "stopped: functions call each other too deeply (endless recursion?)".to_owned()
            }
            EvalAltResult::ErrorDataTooLarge(what, _) => format!("stopped: {what} grew beyond the limit"),
            // The engine's own limits (see `guard.rs`) and `sleep` say why in the token.
            EvalAltResult::ErrorTerminated(why, _) => format!("stopped: {why}"),
            EvalAltResult::ErrorRuntime(value, _) => format!("thrown: {value}"),
            other => other.to_string().split(" (line ").next().unwrap_or_default().to_owned(),
        };
        let mut e = ScriptError::new(script, Some(&function), message);
        e.at(error.position());
        e
    }

    fn at(&mut self, position: Position) {
        self.line = position.line();
        self.column = position.position();
    }
}
