//! The script editor's answers: a sticky's script, what is wrong with a
//! text not yet saved, and what may be completed in it.

use serde::Serialize;
use squall_model::lint::Severity;
use squall_model::naming::{Naming, Unresolved};
use squall_model::{Board, Element, Id, Kind, contract};
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

/// What the editor needs to know of `text` as the script of `element`:
/// Rhai's compile error, the contract's checks against the sticky's arrows,
/// and the completion data. `path` names the script in messages.
pub(crate) fn inspect(board: &Board, element: &Element, path: &str, text: &str) -> Inspected {
    let naming = Naming::new(board);
    let contract = Contract::of(board, &naming, element);
    let defined = definitions(text);
    let mut diagnostics = Vec::new();
    if let Err(err) = squall_sim::script::check(path, text) {
        diagnostics.push(ScriptDiagnostic {
            severity: Severity::Error,
            line: count(err.line.unwrap_or(1)),
            column: count(err.column.unwrap_or(1)),
            end_line: None,
            end_column: None,
            message: err.message,
        });
    }
    let label = element.kind.label();
    for (name, line, column) in &defined {
        let is_contract = PREFIXES.iter().any(|p| name.starts_with(p));
        if is_contract && !contract.functions.iter().any(|f| &f.name == name) {
            diagnostics.push(ScriptDiagnostic {
                severity: Severity::Warning,
                line: *line,
                column: *column,
                end_line: Some(*line),
                end_column: Some(column + count(name.chars().count())),
                message: format!(
                    "`{name}` is never called: no arrow of {label} \"{}\" calls for it{}",
                    element.name,
                    expected_hint(&contract.functions)
                ),
            });
        }
    }
    let functions: Vec<ContractFunction> = contract
        .functions
        .into_iter()
        .map(|mut f| {
            f.defined = defined.iter().any(|(name, ..)| *name == f.name);
            f
        })
        .collect();
    // `keys_<Event>` is optional: without it the read model's key field names the document.
    for f in functions.iter().filter(|f| !f.defined && !f.name.starts_with(KEYS)) {
        let (severity, consequence) = if f.name.starts_with("apply_") {
            (Severity::Info, "the state stays as it is after the event")
        } else {
            (Severity::Warning, "the step fails when it arrives")
        };
        diagnostics.push(ScriptDiagnostic {
            severity,
            line: 1,
            column: 1,
            end_line: None,
            end_column: None,
            message: format!(
                "`{}` is missing for {} \"{}\": {consequence}",
                f.signature,
                kind_word(f),
                f.message
            ),
        });
    }
    for sent in sends(text) {
        if let Some(message) = sent.problem(board, &naming, element) {
            diagnostics.push(ScriptDiagnostic {
                severity: Severity::Error,
                line: sent.line,
                column: sent.column,
                end_line: Some(sent.line),
                end_column: Some(sent.end_column),
                message,
            });
        }
    }
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Inspected { diagnostics, functions, messages: contract.messages }
}

/// The checks and completion data of one text.
pub(crate) struct Inspected {
    pub diagnostics: Vec<ScriptDiagnostic>,
    pub functions: Vec<ContractFunction>,
    pub messages: Vec<MessageInfo>,
}

/// The prefixes of the contract's functions; a function named so is meant
/// to be called by the simulator.
const PREFIXES: [&str; 5] = ["handle_", "apply_", "on_", "project_", KEYS];

const KEYS: &str = "keys_";

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn kind_word(f: &ContractFunction) -> &'static str {
    if f.name.starts_with("handle_") || f.signature.contains("(command)") { "command" } else { "event" }
}

fn expected_hint(functions: &[ContractFunction]) -> String {
    if functions.is_empty() {
        return "; it has no arrows yet".to_owned();
    }
    let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    format!(" (its arrows call for {})", names.join(", "))
}

/// The functions and messages the sticky's arrows call for.
struct Contract<'n> {
    functions: Vec<ContractFunction>,
    messages: Vec<MessageInfo>,
    naming: &'n Naming<'n>,
}

impl<'n> Contract<'n> {
    fn of(board: &Board, naming: &'n Naming<'n>, element: &Element) -> Contract<'n> {
        let mut c = Contract { functions: Vec::new(), messages: Vec::new(), naming };
        let (commands_in, commands_out) = neighbours(board, element, Kind::Command);
        let (events_in, events_out) = neighbours(board, element, Kind::Event);
        match element.kind {
            Kind::Aggregate => {
                for m in &commands_in {
                    c.function(
                        contract::handler(&naming.key(m)),
                        "(state, command)",
                        "Decides: returns the list of events that follow, or throws to refuse the command.",
                        m,
                    );
                }
                for m in &events_out {
                    c.function(
                        contract::applier(&naming.key(m)),
                        "(state, event)",
                        "Evolves: returns the state after the event.",
                        m,
                    );
                }
                c.messages(&commands_in, Direction::Receives);
                c.messages(&events_out, Direction::Sends);
            }
            Kind::Policy => {
                for m in &events_in {
                    c.function(
                        contract::reaction(&naming.key(m)),
                        "(event)",
                        "Reacts: returns the list of commands the policy issues; its own state is `this`.",
                        m,
                    );
                }
                c.messages(&events_in, Direction::Receives);
                c.messages(&commands_out, Direction::Sends);
            }
            Kind::ReadModel => {
                for m in &events_in {
                    c.function(
                        contract::projection(&naming.key(m)),
                        "(doc, event)",
                        "Projects: returns the document after the event, or delete(); doc is () before its first event. \
                         With a third parameter, (doc, event, key), it gets the document's key.",
                        m,
                    );
                    c.function(
                        contract::keys(&naming.key(m)),
                        "(event)",
                        "Optional: the keys of the documents the event updates, as a list; each is projected \
                         with project_…(doc, event, key). Without it, the read model's key field names one document.",
                        m,
                    );
                }
                c.messages(&events_in, Direction::Receives);
            }
            _ => {
                for m in &commands_in {
                    c.function(
                        contract::reaction(&naming.key(m)),
                        "(command)",
                        "Answers: returns the list of events the outside world answers with.",
                        m,
                    );
                }
                for m in &events_in {
                    c.function(
                        contract::reaction(&naming.key(m)),
                        "(event)",
                        "Answers: returns the list of events the outside world answers with.",
                        m,
                    );
                }
                c.messages(&commands_in, Direction::Receives);
                c.messages(&events_in, Direction::Receives);
                c.messages(&events_out, Direction::Sends);
            }
        }
        c
    }

    fn function(&mut self, name: String, params: &str, doc: &str, message: &Element) {
        if self.functions.iter().any(|f| f.name == name) {
            return;
        }
        self.functions.push(ContractFunction {
            signature: format!("{name}{params}"),
            name,
            doc: doc.to_owned(),
            message: self.naming.key(message),
            defined: false,
        });
    }

    fn messages(&mut self, elements: &[&Element], direction: Direction) {
        for m in elements {
            self.messages.push(MessageInfo {
                // What a script writes: the plain name, or `Context/Name` where it is shared.
                name: self.naming.key(m),
                kind: m.kind,
                direction,
                fields: m
                    .fields
                    .iter()
                    .map(|f| FieldInfo { name: f.name.clone(), ty: f.ty.to_string() })
                    .collect(),
            });
        }
    }
}

/// The elements of `kind` with an arrow into `element`, and those it has an
/// arrow to, each once, in the order of the arrows.
pub(crate) fn neighbours<'a>(
    board: &'a Board,
    element: &Element,
    kind: Kind,
) -> (Vec<&'a Element>, Vec<&'a Element>) {
    let find = |id: &Id| board.elements.iter().find(|e| &e.id == id && e.kind == kind);
    let mut into: Vec<&Element> = Vec::new();
    let mut out: Vec<&Element> = Vec::new();
    for c in &board.connections {
        if c.to == element.id
            && let Some(from) = find(&c.from)
            && !into.iter().any(|e| e.id == from.id)
        {
            into.push(from);
        }
        if c.from == element.id
            && let Some(to) = find(&c.to)
            && !out.iter().any(|e| e.id == to.id)
        {
            out.push(to);
        }
    }
    (into, out)
}

/// The helpers every script may call (docs/scripting.md, "Helpers").
pub(crate) fn helpers() -> Vec<HelperInfo> {
    [
        ("event", "event(name, data)", "An event to return from a handler or an external system."),
        ("command", "command(name, data)", "A command to return from a policy."),
        ("now", "now()", "The virtual clock, as an RFC 3339 string."),
        (
            "random",
            "random()",
            "A decimal in [0, 1) from the session's seeded generator; random(n): an integer in [0, n).",
        ),
        ("log", "log(value)", "A line in the step's trace."),
        (
            "document",
            "document(read_model, key)",
            "Policies: the document `key` of a read model with an arrow to the policy, as it is after the \
             event's projections; () when there is none.",
        ),
        ("delete", "delete()", "What a projection returns to delete its document."),
    ]
    .into_iter()
    .map(|(name, signature, doc)| HelperInfo {
        name: name.to_owned(),
        signature: signature.to_owned(),
        doc: doc.to_owned(),
    })
    .collect()
}

/// The code of a script with comments and the insides of strings blanked
/// (kept as `"…"` with spaces), so that searches for code find only code.
/// Line breaks stay where they are, so lines and columns still match.
fn code_only(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    out[i] = ' ';
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] != '\n' {
                        out[i] = ' ';
                    }
                    i += 1;
                }
                out.iter_mut().skip(i).take(2).for_each(|c| *c = ' ');
                i += 2;
            }
            quote @ ('"' | '`' | '\'') => {
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    if chars[i] == '\\' {
                        out[i] = ' ';
                        i += 1;
                    }
                    if i < chars.len() && chars[i] != '\n' {
                        out[i] = ' ';
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Line and column (from 1) of every char index.
fn positions(chars: &[char]) -> Vec<(u32, u32)> {
    let (mut line, mut column) = (1u32, 1u32);
    chars
        .iter()
        .map(|&c| {
            let at = (line, column);
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
            at
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The functions the text defines (`fn name(`), with where their names stand.
fn definitions(text: &str) -> Vec<(String, u32, u32)> {
    let code = code_only(text);
    let at = positions(&code);
    let mut found = Vec::new();
    for i in 0..code.len() {
        let starts_word = i == 0 || !is_ident(code[i - 1]);
        if starts_word
            && code[i..].starts_with(&['f', 'n'])
            && code.get(i + 2).is_some_and(|c| c.is_whitespace())
        {
            let mut j = i + 2;
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            let name: String = code[j..].iter().take_while(|c| is_ident(**c)).collect();
            if !name.is_empty() {
                let (line, column) = at[j];
                found.push((name, line, column));
            }
        }
    }
    found
}

/// An `event("Name", …)` or `command("Name", …)` in the code.
struct Sent {
    made: Kind,
    name: String,
    line: u32,
    column: u32,
    end_column: u32,
}

impl Sent {
    /// Why the simulator would refuse it, in the board's words.
    fn problem(&self, board: &Board, naming: &Naming, element: &Element) -> Option<String> {
        let (helper, arrow) = match self.made {
            Kind::Event => ("event", "arrow to"),
            Kind::Command => ("command", "arrow to"),
            _ => ("document", "arrow from"),
        };
        let (into, out) = neighbours(board, element, self.made);
        let targets = if self.made == Kind::ReadModel { into } else { out };
        let Err(unresolved) = naming.resolve_among(targets.iter().copied(), self.made, &self.name) else {
            return None;
        };
        if let Unresolved::Ambiguous { .. } = unresolved {
            return Some(format!("{helper}(\"{}\"): {unresolved}", self.name));
        }
        let what = self.made.label().to_lowercase();
        let names: Vec<String> = targets.iter().map(|t| naming.key(t)).collect();
        let hint = match (names.is_empty(), self.made) {
            (true, Kind::ReadModel) => "no read model has an arrow to it".to_owned(),
            (true, _) => format!("it has no arrow to any {what}"),
            (false, Kind::ReadModel) => format!("it may read {}", names.join(", ")),
            (false, _) => format!("its arrows go to {}", names.join(", ")),
        };
        Some(format!(
            "{helper}(\"{}\"): {} \"{}\" has no {arrow} {what} \"{}\"; {hint}",
            self.name,
            element.kind.label(),
            element.name,
            self.name
        ))
    }
}

/// Every `event("…")`/`command("…")` with a literal name, outside comments.
fn sends(text: &str) -> Vec<Sent> {
    let chars: Vec<char> = text.chars().collect();
    let code = code_only(text);
    let at = positions(&chars);
    let mut found = Vec::new();
    for (helper, made) in [("event", Kind::Event), ("command", Kind::Command), ("document", Kind::ReadModel)]
    {
        let word: Vec<char> = helper.chars().collect();
        for i in 0..code.len() {
            if !code[i..].starts_with(&word) || (i > 0 && (is_ident(code[i - 1]) || code[i - 1] == '.')) {
                continue;
            }
            let mut j = i + word.len();
            while j < code.len() && code[j] == ' ' {
                j += 1;
            }
            if code.get(j) != Some(&'(') {
                continue;
            }
            j += 1;
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                continue;
            }
            let start = j;
            let name: String = chars[j + 1..].iter().take_while(|c| **c != '"' && **c != '\n').collect();
            let end = start + name.chars().count() + 2;
            let (line, column) = at[i];
            let end_column = at.get(end).map_or(column, |&(l, c)| if l == line { c } else { column });
            found.push(Sent { made, name, line, column, end_column });
        }
    }
    found
}
