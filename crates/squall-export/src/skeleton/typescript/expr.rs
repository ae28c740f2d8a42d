//! Scenario payloads as TypeScript literals of the declared field types:
//! `{ name: "DepositMoney", data: { account_id: "acc-1", amount: "100" } }`.

use serde_json::Value;
use squall_model::FieldType;

use super::{property, string};
use crate::skeleton::literal;
use crate::skeleton::plan::Message;

/// A literal, before it is laid out.
#[derive(Debug)]
pub enum Expr {
    Atom(String),
    Object(Vec<(String, Expr)>),
    Array(Vec<Expr>),
}

/// `{ name: …, data: { … } }` for a scenario message's payload.
pub fn message(message: &Message<'_>, data: &Value) -> Expr {
    let fields = message
        .fields
        .iter()
        .filter_map(|field| {
            let value = data.get(&field.name).unwrap_or(&Value::Null);
            // An optional field the scenario leaves out stays out.
            if matches!(field.ty, FieldType::Optional(_)) && data.get(&field.name).is_none() {
                return None;
            }
            Some((property(&field.name), typed(&field.ty, value)))
        })
        .collect();
    Expr::Object(vec![
        ("name".to_owned(), Expr::Atom(string(&message.key))),
        ("data".to_owned(), Expr::Object(fields)),
    ])
}

/// A value of `ty`; one the scenario leaves out or gives in another type
/// becomes the type's empty value, marked, so that the check still compiles.
fn typed(ty: &FieldType, value: &Value) -> Expr {
    let missing =
        |empty: &str| Expr::Atom(format!("{empty} /* not in the scenario as the board declares it */"));
    match (ty, value) {
        (FieldType::Optional(_), Value::Null) => Expr::Atom("null".to_owned()),
        (FieldType::Optional(inner), value) => typed(inner, value),
        (FieldType::String | FieldType::Id | FieldType::Timestamp, Value::String(text)) => {
            Expr::Atom(string(text))
        }
        (FieldType::String | FieldType::Id | FieldType::Timestamp, _) => missing("\"\""),
        (FieldType::Int, value) => {
            literal::int(value).map_or_else(|| missing("0"), |n| Expr::Atom(n.to_string()))
        }
        (FieldType::Decimal, value) => {
            literal::decimal(value).map_or_else(|| missing("\"0\""), |digits| Expr::Atom(string(&digits)))
        }
        (FieldType::Bool, Value::Bool(b)) => Expr::Atom(b.to_string()),
        (FieldType::Bool, _) => missing("false"),
        (FieldType::List(inner), Value::Array(items)) => {
            Expr::Array(items.iter().map(|i| typed(inner, i)).collect())
        }
        (FieldType::List(_), _) => missing("[]"),
        (FieldType::Map, Value::Object(_)) => json(value),
        (FieldType::Map, _) => missing("{}"),
    }
}

/// Any JSON value as a literal.
pub fn json(value: &Value) -> Expr {
    match value {
        Value::Array(items) => Expr::Array(items.iter().map(json).collect()),
        Value::Object(map) => Expr::Object(map.iter().map(|(k, v)| (property(k), json(v))).collect()),
        other => Expr::Atom(other.to_string()),
    }
}

impl Expr {
    fn flat(&self) -> String {
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Object(fields) if fields.is_empty() => "{}".to_owned(),
            Expr::Object(fields) => {
                let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {}", v.flat())).collect();
                format!("{{ {} }}", fields.join(", "))
            }
            Expr::Array(items) => {
                format!("[{}]", items.iter().map(Expr::flat).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// Laid out from `indent` levels (two spaces each) in, breaking what
    /// does not fit in `width` columns; the first line is not indented.
    pub fn layout(&self, indent: usize, width: usize) -> String {
        let flat = self.flat();
        let pad = "  ".repeat(indent);
        if pad.len() + flat.len() <= width {
            return flat;
        }
        let inner = "  ".repeat(indent + 1);
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Object(fields) => {
                let mut out = "{\n".to_owned();
                for (key, value) in fields {
                    out.push_str(&format!("{inner}{key}: {},\n", value.layout(indent + 1, width)));
                }
                out.push_str(&format!("{pad}}}"));
                out
            }
            Expr::Array(items) => {
                let mut out = "[\n".to_owned();
                for item in items {
                    out.push_str(&format!("{inner}{},\n", item.layout(indent + 1, width)));
                }
                out.push_str(&format!("{pad}]"));
                out
            }
        }
    }
}
