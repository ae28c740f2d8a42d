//! Starting scripts. An aggregate, policy or read model without a script
//! cannot be simulated, and the lint says so; a person drawing a board in
//! the app cannot make a file. The workspace writes one for them: a script
//! with a function for every message the sticky's arrows bring, named by the
//! script contract (docs/scripting.md). It runs as it is: a handler emits
//! the events its arrows name, a policy issues its commands, their fields
//! copied from the message received where the names and types agree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use squall_model::contract;
use squall_model::naming::Naming;
use squall_model::{Board, Element, FieldType, Kind};

use crate::Error;
use crate::script::neighbours;

/// Where a starting script goes and what it says.
#[derive(Debug)]
pub(super) struct Starter {
    /// The path the element will name, relative to the model file.
    pub relative: String,
    /// The same file on disk.
    pub file: PathBuf,
    pub text: String,
}

impl Starter {
    /// The script for `element` of the board saved at `model`, beside the
    /// board's other scripts: `scripts/<model>/<sticky_name>.rhai` next to
    /// the project's `models/` folder, as `squall new` lays a project out,
    /// or in a `scripts/<model>/` folder beside a model kept elsewhere.
    pub fn plan(board: &Board, model: &Path, element: &Element) -> Starter {
        let model_dir = match model.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        let stem = model.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let folder = if model_dir.file_name().is_some_and(|name| name == "models") {
            format!("../scripts/{stem}")
        } else {
            format!("scripts/{stem}")
        };
        let mut base = snake_case(&element.name);
        if base.is_empty() {
            base = snake_case(element.id.as_str());
        }
        // Another sticky's script is never shared by accident; a file nobody
        // names yet (this sticky's own, before an undo) is taken as it is.
        let taken = |relative: &str| {
            board.elements.iter().any(|e| e.id != element.id && e.script.as_deref() == Some(relative))
        };
        let relative =
            (1..)
                .map(|n| {
                    if n == 1 { format!("{folder}/{base}.rhai") } else { format!("{folder}/{base}_{n}.rhai") }
                })
                .find(|candidate| !taken(candidate))
                .unwrap_or_default();
        let file = model_dir.join(&relative);
        Starter { relative, file, text: text(board, element) }
    }

    /// Write the script unless its file is already there, which is kept as
    /// it is. Returns whether it was written.
    pub fn write(&self) -> Result<bool, Error> {
        if self.file.exists() {
            return Ok(false);
        }
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::io(dir, source))?;
        }
        squall_model::write_atomically(&self.file, self.text.as_bytes())?;
        Ok(true)
    }
}

/// `Send thank-you email` → `send_thank_you_email`, `BankAccount` →
/// `bank_account`: the file names of the example's scripts.
pub(super) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            let new_word = match previous {
                None => false,
                Some(p) if !p.is_ascii_alphanumeric() => !out.is_empty(),
                Some(p) => c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()),
            };
            if new_word {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        previous = Some(c);
    }
    out
}

/// A name as it may stand in a comment or a string of the script: one line,
/// without quotes or backslashes, so that no name can end the comment and
/// become code.
fn one_line(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() || matches!(c, '"' | '\\' | '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .collect()
}

/// `account_id (id), amount (decimal)`: a message's fields, for a comment.
fn fields_of(message: &Element) -> String {
    if message.fields.is_empty() {
        return "no fields yet".to_owned();
    }
    message.fields.iter().map(|f| format!("{} ({})", one_line(&f.name), f.ty)).collect::<Vec<_>>().join(", ")
}

/// `event("MoneyDeposited", #{ account_id: command.account_id, amount: 0.0 })`:
/// a message to send, filled from the one received where a field of the same
/// name and type is there, and with a neutral value of its type where not
/// (`()` for an id, which has none). `None` when the message's name would
/// not survive in a string, so the starter cannot send it by name.
fn message(helper: &str, message: &Element, received: &str, from: &Element) -> Option<String> {
    if one_line(&message.name) != message.name {
        return None;
    }
    let values: Vec<String> = message
        .fields
        .iter()
        .filter(|f| is_identifier(&f.name))
        .map(|f| {
            let known = from.fields.iter().any(|g| g.name == f.name && g.ty == f.ty);
            if known {
                format!("{0}: {received}.{0}", f.name)
            } else {
                format!("{}: {}", f.name, neutral(&f.ty))
            }
        })
        .collect();
    let data = if values.is_empty() { "#{}".to_owned() } else { format!("#{{ {} }}", values.join(", ")) };
    Some(format!("{helper}(\"{}\", {data})", message.name))
}

/// A value of the type that the board accepts and that means nothing yet.
fn neutral(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::String => "\"\"",
        FieldType::Int => "0",
        FieldType::Decimal => "0.0",
        FieldType::Bool => "false",
        FieldType::Timestamp => "now()",
        FieldType::Map => "#{}",
        FieldType::List(_) => "[]",
        FieldType::Optional(_) | FieldType::Id => "()",
    }
}

/// A field name a script can write as `command.name` and as a map key.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The words of a name, lower case: `MoneyDeposited` → `money`, `deposited`.
fn words(name: &str) -> Vec<String> {
    snake_case(name).split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Of the messages a sticky may send, those that most likely follow from
/// `from`: the ones sharing the most words with it, a word standing for its
/// past tense (`DepositMoney` → `MoneyDeposited`, not `MoneyWithdrawn`). All
/// of them when none shares a word, so that a board whose names say nothing
/// still runs.
fn likely<'a>(from: &Element, sendable: &[&'a Element]) -> Vec<&'a Element> {
    let received = words(&from.name);
    let same =
        |a: &str, b: &str| a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(b) || b.starts_with(a)));
    let score = |m: &Element| words(&m.name).iter().filter(|w| received.iter().any(|r| same(r, w))).count();
    let best = sendable.iter().map(|m| score(m)).max().unwrap_or(0);
    if best == 0 {
        return sendable.to_vec();
    }
    sendable.iter().copied().filter(|m| score(m) == best).collect()
}

/// The body of a function that sends what likely follows from `from` (the
/// list it returns), filled from the message received; the messages the
/// starter cannot write and those it left out become comments.
fn sends(s: &mut String, helper: &str, sendable: &[&Element], received: &str, from: &Element) {
    sends_unless(s, helper, sendable, received, from, &[]);
}

/// As [`sends`], leaving `held` (messages that would lead straight back to
/// `from`) in a comment, so that a starting board does not loop until the
/// cascade guard stops it.
fn sends_unless(
    s: &mut String,
    helper: &str,
    sendable: &[&Element],
    received: &str,
    from: &Element,
    held: &[&Element],
) {
    let mut sent = likely(from, sendable);
    for m in held.iter().filter(|m| sent.iter().any(|e| e.id == m.id)) {
        let _ = writeln!(
            s,
            "    // {} leads back to {}: issuing it on every one would never end.",
            one_line(&m.name),
            one_line(&from.name)
        );
        if let Some(line) = message(helper, m, received, from) {
            let _ = writeln!(s, "    // Decide when to, then return [{line}]");
        }
    }
    sent.retain(|e| !held.iter().any(|m| m.id == e.id));
    let others: Vec<&Element> =
        sendable.iter().copied().filter(|m| !sent.iter().any(|e| e.id == m.id)).collect();
    if !others.is_empty() {
        let _ = writeln!(s, "    // It may also send {}.", names(&others));
    }
    let mut code = Vec::new();
    for m in &sent {
        match message(helper, m, received, from) {
            Some(line) => code.push(line),
            None => {
                let _ =
                    writeln!(s, "    // {helper} \"{}\": its name cannot be written here", one_line(&m.name));
            }
        }
        let skipped: Vec<String> =
            m.fields.iter().filter(|f| !is_identifier(&f.name)).map(|f| one_line(&f.name)).collect();
        if !skipped.is_empty() {
            let _ = writeln!(s, "    // {} also has {}: fill them in", one_line(&m.name), skipped.join(", "));
        }
    }
    match code.as_slice() {
        [] => {
            let _ = writeln!(s, "    []");
        }
        [one] => {
            let _ = writeln!(s, "    [{one}]");
        }
        many => {
            let _ = writeln!(s, "    [\n        {}\n    ]", many.join(",\n        "));
        }
    }
}

/// Whether what handles `command` has an arrow to `event`: a policy issuing
/// it on `event` goes round for ever once the handler emits `event` again.
fn leads_back(board: &Board, command: &Element, event: &Element) -> bool {
    board
        .connections
        .iter()
        .filter(|c| c.from == command.id)
        .any(|handled| board.connections.iter().any(|c| c.from == handled.to && c.to == event.id))
}

fn names(elements: &[&Element]) -> String {
    if elements.is_empty() {
        return "nothing yet: draw its arrows on the board".to_owned();
    }
    elements.iter().map(|e| one_line(&e.name)).collect::<Vec<_>>().join(", ")
}

/// The whole starting script. Writing to a `String` cannot fail.
pub(super) fn text(board: &Board, element: &Element) -> String {
    let mut s = String::new();
    let label = element.kind.label();
    let _ = writeln!(s, "// {label} \"{}\": a starting script, to be filled in.", one_line(&element.name));
    let _ = writeln!(s, "// The contract (function names, payloads, helpers) is in docs/scripting.md.");
    match element.kind {
        Kind::Aggregate => aggregate(&mut s, board, element),
        Kind::Policy => policy(&mut s, board, element),
        Kind::ReadModel => read_model(&mut s, board, element),
        _ => external_system(&mut s, board, element),
    }
    s
}

fn aggregate(s: &mut String, board: &Board, element: &Element) {
    let naming = Naming::new(board);
    let (commands, _) = neighbours(board, element, Kind::Command);
    let (_, events) = neighbours(board, element, Kind::Event);
    let _ = writeln!(s, "//");
    let _ = writeln!(s, "// handle_<Command>(state, command) decides: it returns the events that follow");
    let _ = writeln!(s, "// (this aggregate emits {}), or throws to refuse.", names(&events));
    let _ = writeln!(s, "// apply_<Event>(state, event) evolves: it returns the state after the event.");
    let _ = writeln!(s, "\nfn {}() {{\n    #{{}}\n}}", contract::INITIAL);
    for command in &commands {
        let _ = writeln!(s, "\n// {}: {}", one_line(&command.name), fields_of(command));
        let _ = writeln!(s, "fn {}(state, command) {{", contract::handler(&naming.key(command)));
        let _ = writeln!(s, "    // Accepts every command: `throw \"why\";` refuses one.");
        sends(s, "event", &events, "command", command);
        let _ = writeln!(s, "}}");
    }
    for event in &events {
        let _ = writeln!(s, "\n// {}: {}", one_line(&event.name), fields_of(event));
        let _ = writeln!(s, "fn {}(state, event) {{\n    state\n}}", contract::applier(&naming.key(event)));
    }
}

fn policy(s: &mut String, board: &Board, element: &Element) {
    let naming = Naming::new(board);
    let (events, _) = neighbours(board, element, Kind::Event);
    let (_, commands) = neighbours(board, element, Kind::Command);
    let (read_models, _) = neighbours(board, element, Kind::ReadModel);
    let _ = writeln!(s, "//");
    let _ =
        writeln!(s, "// on_<Event>(event) returns the commands the policy issues ({}),", names(&commands));
    let _ = writeln!(s, "// possibly none. State of its own, if it needs some, lives in `this`.");
    if !read_models.is_empty() {
        let _ =
            writeln!(s, "// document(read_model, key) reads {} (an arrow from each).", names(&read_models));
    }
    for event in &events {
        let _ = writeln!(s, "\n// {}: {}", one_line(&event.name), fields_of(event));
        let _ = writeln!(s, "fn {}(event) {{", contract::reaction(&naming.key(event)));
        for read_model in &read_models {
            let key = read_model.key.as_deref().unwrap_or("id");
            let _ = writeln!(
                s,
                "    // let doc = document(\"{}\", event.{key}); // () when there is none",
                naming.key(read_model)
            );
        }
        let held: Vec<&Element> = commands.iter().copied().filter(|c| leads_back(board, c, event)).collect();
        sends_unless(s, "command", &commands, "event", event, &held);
        let _ = writeln!(s, "}}");
    }
}

fn read_model(s: &mut String, board: &Board, element: &Element) {
    let naming = Naming::new(board);
    let (events, _) = neighbours(board, element, Kind::Event);
    let keyed =
        element.key.as_deref().map_or_else(|| "one document".to_owned(), |k| format!("one document per {k}"));
    let _ = writeln!(s, "// {keyed}.");
    let _ = writeln!(s, "//");
    let _ = writeln!(s, "// project_<Event>(doc, event) returns the document after the event, or");
    let _ = writeln!(s, "// delete() to delete it; doc is () before its first event. This one keeps");
    let _ = writeln!(s, "// the latest value of every field it is told.");
    for event in &events {
        let _ = writeln!(s, "\n// {}: {}", one_line(&event.name), fields_of(event));
        let _ = writeln!(s, "fn {}(doc, event) {{", contract::projection(&naming.key(event)));
        let _ = writeln!(s, "    let doc = if doc == () {{ #{{}} }} else {{ doc }};");
        let _ = writeln!(s, "    doc.mixin(event);\n    doc\n}}");
    }
}

fn external_system(s: &mut String, board: &Board, element: &Element) {
    let naming = Naming::new(board);
    let (commands, _) = neighbours(board, element, Kind::Command);
    let (events_in, events_out) = neighbours(board, element, Kind::Event);
    let _ = writeln!(s, "//");
    let _ = writeln!(s, "// on_<Command>(command) and on_<Event>(event) return the events the outside");
    let _ = writeln!(s, "// world answers with ({}), possibly none.", names(&events_out));
    let received = commands.iter().map(|m| (m, "command")).chain(events_in.iter().map(|m| (m, "event")));
    for (message, what) in received {
        let _ = writeln!(s, "\n// {}: {}", one_line(&message.name), fields_of(message));
        let _ = writeln!(s, "fn {}({what}) {{", contract::reaction(&naming.key(message)));
        sends(s, "event", &events_out, what, message);
        let _ = writeln!(s, "}}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_sticky_names_in_snake_case() {
        assert_eq!(snake_case("BankAccount"), "bank_account");
        assert_eq!(snake_case("Send thank-you email"), "send_thank_you_email");
        assert_eq!(snake_case("AccountOverview2"), "account_overview2");
        assert_eq!(snake_case("  CEO bonus!"), "ceo_bonus");
        assert_eq!(snake_case("???"), "");
    }

    #[test]
    fn given_names_with_line_breaks_when_a_starter_is_written_then_every_name_stays_inside_its_comment() {
        let mut board = Board::new("Injection");
        let evil = "Pay\nfn handle_Pay(state, command) { loop {} }\r\u{2028}\"x";
        let mut command = Element::new("cmd-1", Kind::Command, evil, squall_model::Point { x: 0.0, y: 0.0 });
        command.fields = vec![squall_model::Field {
            name: "amount\nthrow 1;".into(),
            ty: squall_model::FieldType::Decimal,
        }];
        let aggregate = Element::new(
            "agg-1",
            Kind::Aggregate,
            "Ledger\nlet x = 1;",
            squall_model::Point { x: 0.0, y: 0.0 },
        );
        board.elements = vec![aggregate.clone(), command];
        board.connections = vec![squall_model::Connection::new("cmd-1", "agg-1")];

        let script = text(&board, &aggregate);

        let code: Vec<&str> =
            script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")).collect();
        assert!(
            code.iter().all(|l| l.starts_with("fn ") || matches!(*l, "#{}" | "}" | "[]" | "state")),
            "only the starter's own code outside comments:\n{script}"
        );
        assert!(!script.contains('\r') && !script.contains('\u{2028}'), "{script}");
    }
}
