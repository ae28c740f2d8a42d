//! The payload schema of commands and events.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One named field of a command or event payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
}

/// The type of a payload field.
///
/// Written in RON as `Decimal`, `List(Id)`, `Optional(String)`; written by
/// people (the fields editor, error messages) as `decimal`, `list<id>`,
/// `optional<string>` — see the `FromStr` and `Display` impls.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FieldType {
    String,
    Int,
    Decimal,
    Bool,
    Timestamp,
    Id,
    List(Box<FieldType>),
    /// A map from strings to values of any type.
    Map,
    Optional(Box<FieldType>),
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::String => f.write_str("string"),
            FieldType::Int => f.write_str("int"),
            FieldType::Decimal => f.write_str("decimal"),
            FieldType::Bool => f.write_str("bool"),
            FieldType::Timestamp => f.write_str("timestamp"),
            FieldType::Id => f.write_str("id"),
            FieldType::Map => f.write_str("map"),
            FieldType::List(inner) => write!(f, "list<{inner}>"),
            FieldType::Optional(inner) => write!(f, "optional<{inner}>"),
        }
    }
}

/// A type name that is not one of the field types.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown field type `{0}`; expected string, int, decimal, bool, timestamp, id, map, list<T> or optional<T>"
)]
pub struct UnknownFieldType(pub String);

impl FromStr for FieldType {
    type Err = UnknownFieldType;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        let generic = |prefix: &str| {
            lower
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
                .map(|inner| &trimmed[prefix.len()..prefix.len() + inner.len()])
        };
        if let Some(inner) = generic("list<") {
            return Ok(FieldType::List(Box::new(inner.parse()?)));
        }
        if let Some(inner) = generic("optional<") {
            return Ok(FieldType::Optional(Box::new(inner.parse()?)));
        }
        if let Some(inner) = trimmed.strip_suffix('?') {
            return Ok(FieldType::Optional(Box::new(inner.parse()?)));
        }
        match lower.as_str() {
            "string" | "text" => Ok(FieldType::String),
            "int" | "integer" => Ok(FieldType::Int),
            "decimal" | "money" => Ok(FieldType::Decimal),
            "bool" | "boolean" => Ok(FieldType::Bool),
            "timestamp" | "time" | "datetime" => Ok(FieldType::Timestamp),
            "id" => Ok(FieldType::Id),
            "map" => Ok(FieldType::Map),
            _ => Err(UnknownFieldType(trimmed.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_back_what_they_print() {
        let types = [
            FieldType::String,
            FieldType::Decimal,
            FieldType::List(Box::new(FieldType::Id)),
            FieldType::Optional(Box::new(FieldType::List(Box::new(FieldType::Timestamp)))),
            FieldType::Map,
        ];
        for ty in types {
            assert_eq!(ty.to_string().parse::<FieldType>(), Ok(ty));
        }
    }

    #[test]
    fn people_may_write_types_loosely() {
        assert_eq!("  Decimal ".parse(), Ok(FieldType::Decimal));
        assert_eq!("string?".parse(), Ok(FieldType::Optional(Box::new(FieldType::String))));
        assert_eq!("List<Int>".parse(), Ok(FieldType::List(Box::new(FieldType::Int))));
    }

    #[test]
    fn an_unknown_type_is_named_in_the_error() {
        let err = "list<float>".parse::<FieldType>().unwrap_err();
        assert_eq!(err, UnknownFieldType("float".into()));
        assert!(err.to_string().contains("`float`"));
    }
}
