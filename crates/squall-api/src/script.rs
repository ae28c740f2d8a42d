//! The script editor's answers: a sticky's script, what is wrong with a
//! text not yet saved, and what may be completed in it.

use serde::Serialize;
use squall_model::lint::Severity;
use squall_model::{Id, Kind};
use ts_rs::TS;

/// A sticky's script as the editor shows it, with its diagnostics and the
/// completion data of the sticky's contract. The answer to `read_script`,
/// `check_script` and `write_script`.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ScriptInfo {
    /// The sticky.
    pub id: Id,
    /// The script's path relative to the model file: the one the sticky
    /// names, or the one `create_script`/`write_script` would give it.
    pub path: String,
    /// The file's text; none while the sticky has no script file.
    pub text: Option<String>,
    /// What `create_script` would write, while there is no file yet.
    pub starter: Option<String>,
    /// What is wrong with the text checked (the file's, or the text sent
    /// with `check_script`), in the order of the text.
    pub diagnostics: Vec<ScriptDiagnostic>,
    /// The functions the sticky's arrows call for.
    pub functions: Vec<ContractFunction>,
    /// The messages those functions receive or may send, with their fields.
    pub messages: Vec<MessageInfo>,
    /// The helpers every script may call.
    pub helpers: Vec<HelperInfo>,
}

/// One thing wrong in a script. Lines and columns count from 1; the end,
/// when known, is exclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ScriptDiagnostic {
    pub severity: Severity,
    pub line: u32,
    pub column: u32,
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
    pub message: String,
}

/// A function the contract asks of this sticky for one of its arrows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ContractFunction {
    /// `handle_DepositMoney`
    pub name: String,
    /// `handle_DepositMoney(state, command)`
    pub signature: String,
    /// What it receives and returns, in a sentence or two.
    pub doc: String,
    /// The message it is called for.
    pub message: String,
    /// Whether the text checked defines it.
    pub defined: bool,
}

/// A command or event with an arrow to or from the sticky.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct MessageInfo {
    pub name: String,
    pub kind: Kind,
    /// Whether the sticky receives it (`command.`/`event.` in its function)
    /// or sends it (`event("…")`/`command("…")`).
    pub direction: Direction,
    pub fields: Vec<FieldInfo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Receives,
    Sends,
}

/// A message field as a script reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct FieldInfo {
    pub name: String,
    /// As people write it: `decimal`, `list<id>`, `optional<string>`.
    #[serde(rename = "type")]
    pub ty: String,
}

/// A function every script may call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct HelperInfo {
    pub name: String,
    pub signature: String,
    pub doc: String,
}
