//! Scenario payloads as Rust expressions of the declared field types, laid
//! out the way rustfmt would: short ones on a line, struct literals one
//! field a line.

use serde_json::Value;
use squall_model::FieldType;

use crate::skeleton::literal;
use crate::skeleton::plan::{Message, Plan};

/// A Rust expression, before it is laid out.
#[derive(Debug)]
pub enum Expr {
    /// Text that stays on one line: `"Alice".into()`, `dec("2.5")`.
    Atom(String),
    /// `path { field: value, … }`.
    Struct(String, Vec<(String, Expr)>),
    /// `callee(argument)`, the argument hugged when it spans lines.
    Call(String, Box<Expr>),
    /// `vec![…]`.
    List(Vec<Expr>),
}

/// Which helpers the generated test file needs, found while writing values.
#[derive(Debug, Default)]
pub struct Needs {
    pub dec: bool,
    pub map: bool,
}

/// `Command::DepositMoney(banking::commands::DepositMoney { … })` for a
/// scenario message's payload.
pub fn message(plan: &Plan<'_>, message: &Message<'_>, data: &Value, needs: &mut Needs) -> Expr {
    let enum_name = if message.element.kind == squall_model::Kind::Command { "Command" } else { "Event" };
    let module = if enum_name == "Command" { "commands" } else { "events" };
    let path = format!("{}::{module}::{}", plan.contexts[message.context].module, message.type_name);
    let fields = message
        .fields
        .iter()
        .map(|field| {
            let value = data.get(&field.name).unwrap_or(&Value::Null);
            (field.ident.clone(), typed(&field.ty, value, needs))
        })
        .collect();
    Expr::Call(format!("{enum_name}::{}", message.variant), Box::new(Expr::Struct(path, fields)))
}

/// A value of `ty`; one the scenario leaves out or gives in another type
/// becomes the type's default, marked, so that the test still compiles.
fn typed(ty: &FieldType, value: &Value, needs: &mut Needs) -> Expr {
    let atom = |text: String| Expr::Atom(text);
    let missing = |what: &str| Expr::Atom(format!("Default::default() /* the scenario gives {what} */"));
    match (ty, value) {
        (FieldType::Optional(_), Value::Null) => atom("None".to_owned()),
        (FieldType::Optional(inner), value) => {
            Expr::Call("Some".to_owned(), Box::new(typed(inner, value, needs)))
        }
        (_, Value::Null) => missing("no value"),
        (FieldType::String | FieldType::Id | FieldType::Timestamp, Value::String(text)) => {
            atom(format!("{}.into()", string(text)))
        }
        (FieldType::Int, value) => {
            literal::int(value).map_or_else(|| missing("no whole number"), |n| atom(n.to_string()))
        }
        (FieldType::Decimal, value) => match literal::decimal(value) {
            Some(digits) => {
                needs.dec = true;
                atom(format!("dec(\"{digits}\")"))
            }
            None => missing("no number"),
        },
        (FieldType::Bool, Value::Bool(b)) => atom(b.to_string()),
        (FieldType::List(inner), Value::Array(items)) => {
            Expr::List(items.iter().map(|item| typed(inner, item, needs)).collect())
        }
        (FieldType::Map, Value::Object(_)) => {
            needs.map = true;
            atom(format!("map(json!({}))", json(value)))
        }
        (FieldType::String | FieldType::Id | FieldType::Timestamp, _) => missing("no text"),
        (FieldType::Bool, _) => missing("no true or false"),
        (FieldType::List(_), _) => missing("no list"),
        (FieldType::Map, _) => missing("no map"),
    }
}

/// A Rust string literal.
pub fn string(text: &str) -> String {
    format!("{text:?}")
}

/// JSON as the `json!` macro reads it (its strings as Rust literals).
pub fn json(value: &Value) -> String {
    match value {
        Value::String(text) => string(text),
        Value::Array(items) => format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let entries: Vec<String> =
                map.iter().map(|(k, v)| format!("{}: {}", string(k), json(v))).collect();
            format!("{{{}}}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

impl Expr {
    /// On one line, if it can be.
    fn flat(&self) -> Option<String> {
        match self {
            Expr::Atom(text) => Some(text.clone()),
            Expr::Struct(path, fields) if fields.is_empty() => Some(format!("{path} {{}}")),
            Expr::Struct(..) => None,
            Expr::Call(callee, argument) => argument.flat().map(|a| format!("{callee}({a})")),
            Expr::List(items) => {
                let items: Option<Vec<String>> = items.iter().map(Expr::flat).collect();
                Some(format!("vec![{}]", items?.join(", ")))
            }
        }
    }

    /// Laid out from `indent` levels in, `width` columns at most where a
    /// line can be broken; the first line is not indented (it follows
    /// whatever precedes it).
    pub fn layout(&self, indent: usize, width: usize) -> String {
        let pad = "    ".repeat(indent);
        if let Some(flat) = self.flat()
            && pad.len() + flat.len() <= width
        {
            return flat;
        }
        let inner = "    ".repeat(indent + 1);
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Struct(path, fields) => {
                let mut out = format!("{path} {{\n");
                for (name, value) in fields {
                    out.push_str(&format!("{inner}{name}: {},\n", value.layout(indent + 1, width)));
                }
                out.push_str(&format!("{pad}}}"));
                out
            }
            Expr::Call(callee, argument) => format!("{callee}({})", argument.layout(indent, width)),
            // One item hugs the brackets, as rustfmt lays it out.
            Expr::List(items) if items.len() == 1 => format!("vec![{}]", items[0].layout(indent, width)),
            Expr::List(items) => {
                let mut out = "vec![\n".to_owned();
                for item in items {
                    out.push_str(&format!("{inner}{},\n", item.layout(indent + 1, width)));
                }
                out.push_str(&format!("{pad}]"));
                out
            }
        }
    }
}
