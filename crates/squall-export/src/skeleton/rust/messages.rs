//! Commands and events: one struct per sticky in its context's `commands`
//! or `events` module, and the crate's `Command` and `Event` enums over all
//! of them, serialised as Squall writes messages (`{"name": …, "data": …}`).

use squall_model::{FieldType, Kind};

use super::field_type;
use crate::skeleton::plan::{Message, Plan};
use crate::skeleton::source::Source;

/// The `commands` and `events` modules of context `index`, as (module, text);
/// a context without commands has no `commands` module.
pub fn context(plan: &Plan<'_>, index: usize) -> Vec<(&'static str, String)> {
    let mut modules = Vec::new();
    for (kind, module, what) in
        [(Kind::Command, "commands", "The commands"), (Kind::Event, "events", "The events")]
    {
        let messages: Vec<&Message<'_>> =
            plan.messages.iter().filter(|m| m.context == index && m.element.kind == kind).collect();
        if messages.is_empty() {
            continue;
        }
        let mut src = Source::new();
        let place = match plan.contexts[index].name {
            Some(name) => format!("of {name}"),
            None => "outside the bounded contexts".to_owned(),
        };
        src.line(0, format!("//! {what} {place}, with the fields the board declares."));
        src.blank();
        let uses = |test: &dyn Fn(&FieldType) -> bool| {
            messages.iter().flat_map(|m| &m.fields).any(|f| mentions(&f.ty, test))
        };
        let mut crate_types = Vec::new();
        if uses(&|t| *t == FieldType::Id) {
            crate_types.push("Id");
        }
        if uses(&|t| *t == FieldType::Timestamp) {
            crate_types.push("Timestamp");
        }
        // One group, in rustfmt's order: crate, rust_decimal, serde, serde_json.
        if let Some(line) = super::use_line("crate", &crate_types) {
            src.line(0, line);
        }
        if uses(&|t| *t == FieldType::Decimal) {
            src.line(0, "use rust_decimal::Decimal;");
        }
        src.line(0, "use serde::{Deserialize, Serialize};");
        if uses(&|t| *t == FieldType::Map) {
            src.line(0, "use serde_json::{Map, Value};");
        }
        for message in messages {
            src.blank();
            write_struct(&mut src, message);
        }
        modules.push((module, src.finish()));
    }
    modules
}

fn mentions(ty: &FieldType, test: &dyn Fn(&FieldType) -> bool) -> bool {
    match ty {
        FieldType::List(inner) | FieldType::Optional(inner) => mentions(inner, test),
        other => test(other),
    }
}

fn write_struct(src: &mut Source, message: &Message<'_>) {
    let element = message.element;
    src.line(0, format!("/// `{}` on the board ({}).", element.name, element.id));
    if let Some(description) = &element.description {
        src.line(0, "///");
        src.comment(0, "///", description);
    }
    src.line(0, "#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]");
    if message.fields.is_empty() {
        src.line(0, format!("pub struct {} {{}}", message.type_name));
        return;
    }
    src.line(0, format!("pub struct {} {{", message.type_name));
    for field in &message.fields {
        let mut serde = Vec::new();
        if field.ident != field.name {
            serde.push(format!("rename = {:?}", field.name));
        }
        if matches!(field.ty, FieldType::Optional(_)) {
            serde.push("default".to_owned());
            serde.push("skip_serializing_if = \"Option::is_none\"".to_owned());
        }
        if !serde.is_empty() {
            src.line(1, format!("#[serde({})]", serde.join(", ")));
        }
        src.line(1, format!("pub {}: {},", field.ident, field_type(&field.ty)));
    }
    src.line(0, "}");
}

/// `src/messages.rs`: the `Command` and `Event` enums and `Rejection`.
pub fn root(plan: &Plan<'_>) -> String {
    let mut src = Source::new();
    src.line(0, "//! Every command and event on the board, and why a command may be refused.");
    src.blank();
    src.line(0, "use std::fmt;");
    src.blank();
    let modules: Vec<&str> = plan
        .contexts
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.messages.iter().any(|m| m.context == *i))
        .map(|(_, c)| c.module.as_str())
        .collect();
    if let Some(line) = super::use_line("crate", &modules) {
        src.line(0, line);
    }
    src.line(0, "use serde::{Deserialize, Serialize};");
    src.line(0, "use serde_json::Value;");
    for (kind, name, what) in [(Kind::Command, "Command", "command"), (Kind::Event, "Event", "event")] {
        let messages: Vec<&Message<'_>> = plan.messages.iter().filter(|m| m.element.kind == kind).collect();
        src.blank();
        write_enum(&mut src, plan, name, what, &messages);
    }
    src.blank();
    src.line(0, REJECTION);
    src.finish()
}

fn write_enum(src: &mut Source, plan: &Plan<'_>, name: &str, what: &str, messages: &[&Message<'_>]) {
    src.line(0, format!("/// {} of the board, serialised as Squall writes it:", article(what)));
    src.line(0, "/// `{\"name\": \"DepositMoney\", \"data\": {\"account_id\": \"acc-1\", …}}`.");
    src.line(0, "#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]");
    src.line(0, "#[serde(tag = \"name\", content = \"data\")]");
    if messages.is_empty() {
        src.line(0, format!("pub enum {name} {{}}"));
    } else {
        src.line(0, format!("pub enum {name} {{"));
    }
    for message in messages {
        if message.key != message.variant {
            src.line(1, format!("#[serde(rename = {:?})]", message.key));
        }
        let path = format!("{}::{}s::{}", plan.contexts[message.context].module, what, message.type_name);
        src.line(1, format!("{}({path}),", message.variant));
    }
    if !messages.is_empty() {
        src.line(0, "}");
    }
    src.blank();
    src.line(0, format!("impl {name} {{"));
    src.line(1, format!("/// The {what}'s name as Squall stores it."));
    src.line(1, "pub fn name(&self) -> &'static str {");
    if messages.is_empty() {
        src.line(2, "match *self {}");
    } else {
        src.line(2, "match self {");
        for message in messages {
            src.line(3, format!("{name}::{}(_) => {:?},", message.variant, message.key));
        }
        src.line(2, "}");
    }
    src.line(1, "}");
    src.blank();
    src.line(1, "/// The payload as JSON, as Squall stores it.");
    src.line(1, "pub fn data(&self) -> Value {");
    if messages.is_empty() {
        src.line(2, "match *self {}");
    } else {
        src.line(2, "let data = match self {");
        for message in messages {
            src.line(3, format!("{name}::{}(data) => serde_json::to_value(data),", message.variant));
        }
        src.line(2, "};");
        src.line(2, "// Structs of strings, numbers, lists and maps with string keys always serialise.");
        src.line(2, "data.unwrap_or(Value::Null)");
    }
    src.line(1, "}");
    src.line(0, "}");
    for message in messages {
        let path = format!("{}::{}s::{}", plan.contexts[message.context].module, what, message.type_name);
        src.blank();
        src.line(0, format!("impl From<{path}> for {name} {{"));
        src.line(1, format!("fn from(data: {path}) -> Self {{"));
        src.line(2, format!("{name}::{}(data)", message.variant));
        src.line(1, "}");
        src.line(0, "}");
    }
}

const REJECTION: &str = r#"/// Why a command was refused: the reason a Squall script throws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection(pub String);

impl Rejection {
    pub fn new(reason: impl Into<String>) -> Self {
        Rejection(reason.into())
    }

    pub fn reason(&self) -> &str {
        &self.0
    }

    /// A command that reached an aggregate that does not handle it.
    pub fn not_handled(command: &Command, by: &str) -> Self {
        Rejection(format!("{by} does not handle {}", command.name()))
    }

    /// A command without the field that says which instance it is for.
    pub fn no_key(command: &Command, key: &str, of: &str) -> Self {
        Rejection(format!("{} has no `{key}` to find its {of} by", command.name()))
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Rejection {}"#;

/// "A command", "An event".
fn article(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("An {what}") } else { format!("A {what}") }
}
