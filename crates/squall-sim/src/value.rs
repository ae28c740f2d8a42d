//! Payloads cross between JSON (files, store, UI) and Rhai (scripts). The
//! board's field schema decides the Rhai type: a `decimal` field is an exact
//! Decimal in scripts even when the JSON says `100`.

use std::str::FromStr;

use rhai::{Array, Dynamic, Map};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use squall_model::{Field, FieldType};

/// A payload that does not match the declared fields.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("missing field `{field}` ({ty})")]
    Missing { field: String, ty: String },
    #[error("unexpected field `{field}`; declared fields: {declared}")]
    Extra { field: String, declared: String },
    #[error("field `{field}` should be {expected}, got {found}")]
    WrongType { field: String, expected: String, found: String },
    #[error("the payload must be a map of fields, got {found}")]
    NotAMap { found: String },
}

/// Check a JSON payload against the declared fields; every problem is named.
pub fn check_json(fields: &[Field], data: &Value) -> Result<(), Vec<PayloadError>> {
    let Value::Object(map) = data else {
        return Err(vec![PayloadError::NotAMap { found: json_kind(data).to_owned() }]);
    };
    let mut errors = Vec::new();
    for field in fields {
        match map.get(&field.name) {
            None | Some(Value::Null) if matches!(field.ty, FieldType::Optional(_)) => {}
            None => {
                errors.push(PayloadError::Missing { field: field.name.clone(), ty: field.ty.to_string() });
            }
            Some(value) => {
                if let Err(found) = json_matches(&field.ty, value) {
                    errors.push(PayloadError::WrongType {
                        field: field.name.clone(),
                        expected: field.ty.to_string(),
                        found,
                    });
                }
            }
        }
    }
    for name in map.keys() {
        if !fields.iter().any(|f| &f.name == name) {
            errors.push(PayloadError::Extra { field: name.clone(), declared: declared(fields) });
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn declared(fields: &[Field]) -> String {
    if fields.is_empty() {
        return "none".to_owned();
    }
    fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// `Err(description of what was found)` when `value` is not of type `ty`.
fn json_matches(ty: &FieldType, value: &Value) -> Result<(), String> {
    let ok = match (ty, value) {
        (FieldType::Optional(_), Value::Null) => true,
        (FieldType::Optional(inner), value) => return json_matches(inner, value),
        (FieldType::String, Value::String(_)) => true,
        (FieldType::Id, Value::String(s)) => !s.is_empty(),
        (FieldType::Int, Value::Number(n)) => n.is_i64(),
        (FieldType::Decimal, Value::Number(n)) => {
            if number_decimal(n).is_none() {
                return Err(beyond_decimal(n, ""));
            }
            true
        }
        (FieldType::Decimal, Value::String(s)) => Decimal::from_str(s).is_ok(),
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Timestamp, Value::String(s)) => s.parse::<jiff::Timestamp>().is_ok(),
        (FieldType::Map, Value::Object(object)) => {
            // Untyped numbers inside become decimals as well.
            return object.iter().try_for_each(|(key, item)| numbers_fit(item, &format!(".{key}")));
        }
        (FieldType::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                json_matches(inner, item).map_err(|found| format!("{found} at index {i}"))?;
            }
            true
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(describe_json(value)) }
}

/// `Err` naming the first number under `value` that no decimal holds, by its path.
fn numbers_fit(value: &Value, path: &str) -> Result<(), String> {
    match value {
        Value::Number(n) if n.as_i64().is_none() && number_decimal(n).is_none() => {
            Err(beyond_decimal(n, path))
        }
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, item)| numbers_fit(item, &format!("{path}[{i}]")))
        }
        Value::Object(object) => {
            object.iter().try_for_each(|(key, item)| numbers_fit(item, &format!("{path}.{key}")))
        }
        _ => Ok(()),
    }
}

fn beyond_decimal(n: &Number, path: &str) -> String {
    let at = if path.is_empty() { String::new() } else { format!(" at {path}") };
    format!(
        "the number {n}{at}, beyond the range of a decimal (at most ±{}, with at most 28 decimal places)",
        Decimal::MAX
    )
}

fn describe_json(value: &Value) -> String {
    match value {
        Value::String(s) if s.is_empty() => "an empty string".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        other => json_kind(other).to_owned(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// A checked JSON payload as the map a script sees.
pub fn payload_to_rhai(fields: &[Field], data: &Value) -> Map {
    let mut map = Map::new();
    if let Value::Object(object) = data {
        for (name, value) in object {
            let ty = fields.iter().find(|f| &f.name == name).map(|f| &f.ty);
            map.insert(name.as_str().into(), to_rhai(value, ty));
        }
    }
    map
}

/// JSON to Rhai, guided by the field type where there is one. Only `int`
/// fields give integers: every other number is an exact decimal, so a
/// document's `0` balance read back from the store is still a decimal and
/// `balance / 3` does not turn into integer division.
pub fn to_rhai(value: &Value, ty: Option<&FieldType>) -> Dynamic {
    let ty = match ty {
        Some(FieldType::Optional(inner)) => Some(inner.as_ref()),
        other => other,
    };
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => number_to_rhai(n, ty),
        Value::String(s) => match ty {
            Some(FieldType::Decimal) => {
                Decimal::from_str(s).map_or_else(|_| s.clone().into(), Dynamic::from_decimal)
            }
            _ => s.clone().into(),
        },
        Value::Array(items) => {
            let inner = match ty {
                Some(FieldType::List(inner)) => Some(inner.as_ref()),
                _ => None,
            };
            Dynamic::from_array(items.iter().map(|item| to_rhai(item, inner)).collect())
        }
        Value::Object(object) => {
            let map: Map = object.iter().map(|(k, v)| (k.as_str().into(), to_rhai(v, None))).collect();
            Dynamic::from_map(map)
        }
    }
}

/// Turn a value a script returned into what it reads back as from the store:
/// `to_rhai(&to_json(value)?, ty)`, in place and without building the JSON.
/// Scripts must see the same values whether a session remembered them or
/// read them back (a reopened store, a replay), or runs would differ.
///
/// # Errors
/// A value `to_json` refuses, named by its path as `to_json` names it.
pub fn to_stored(value: &mut Dynamic, ty: Option<&FieldType>) -> Result<(), NotJson> {
    stored(value, ty, 0).map_err(|mut e| {
        e.path.insert_str(0, "the value");
        e
    })
}

fn stored(value: &mut Dynamic, ty: Option<&FieldType>, depth: usize) -> Result<(), NotJson> {
    let ty = match ty {
        Some(FieldType::Optional(inner)) => Some(inner.as_ref()),
        other => other,
    };
    if value.is_unit() || value.is_bool() {
        // The same either way.
    } else if let Ok(i) = value.as_int() {
        // JSON has one kind of number: only an `int` field gives an integer back.
        if !matches!(ty, Some(FieldType::Int)) {
            *value = Dynamic::from_decimal(Decimal::from(i));
        }
    } else if let Ok(d) = value.as_decimal() {
        *value = match (json_number(d), ty) {
            (Some(n), _) => number_to_rhai(&n, ty),
            (None, Some(FieldType::Decimal)) => Dynamic::from_decimal(d.normalize()),
            (None, Some(_)) => to_rhai(&Value::String(d.normalize().to_string()), ty),
            (None, None) => {
                return Err(NotJson {
                    path: String::new(),
                    problem: NotStorable::InexactDecimal(d.normalize()),
                });
            }
        };
    } else if value.is_char() {
        let text = value.to_string();
        *value = to_rhai(&Value::String(text), ty);
    } else if value.is_string() {
        if let Some(FieldType::Decimal) = ty
            && let Some(d) =
                value.read_lock::<rhai::ImmutableString>().and_then(|s| Decimal::from_str(s.as_str()).ok())
        {
            *value = Dynamic::from_decimal(d);
        }
    } else if depth >= MAX_DEPTH && (value.is_array() || value.is_map()) {
        return Err(NotJson { path: String::new(), problem: NotStorable::TooDeep });
    } else if value.is_array() {
        let inner = match ty {
            Some(FieldType::List(inner)) => Some(inner.as_ref()),
            _ => None,
        };
        if let Some(mut array) = value.write_lock::<Array>() {
            for (i, item) in array.iter_mut().enumerate() {
                stored(item, inner, depth + 1).map_err(|e| e.inside(&format!("[{i}]")))?;
            }
        }
    } else if value.is_map() {
        if let Some(mut map) = value.write_lock::<Map>() {
            for (key, item) in map.iter_mut() {
                stored(item, None, depth + 1).map_err(|e| e.inside(&format!(".{key}")))?;
            }
        }
    } else {
        return Err(NotJson {
            path: String::new(),
            problem: NotStorable::Type(value.type_name().to_owned()),
        });
    }
    Ok(())
}

/// A payload map as a script reads it back: see [`to_stored`].
///
/// # Errors
/// As [`to_stored`].
pub fn payload_to_stored(fields: &[Field], map: &mut Map) -> Result<(), NotJson> {
    for (name, value) in map.iter_mut() {
        let ty = fields.iter().find(|f| f.name == name.as_str()).map(|f| &f.ty);
        to_stored(value, ty).map_err(|mut e| {
            e.path = e.path.replacen("the value", &format!("the value.{name}"), 1);
            e
        })?;
    }
    Ok(())
}

/// A stored payload parsed straight into the map a script sees: what
/// `payload_to_rhai(fields, &serde_json::from_str(text)?)` gives, without
/// the JSON tree in between. Replays parse every event, so this counts.
///
/// # Errors
/// The text is not JSON.
pub fn payload_from_json(fields: &[Field], text: &str) -> Result<Map, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let map = PayloadSeed(fields).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(map)
}

/// The top level of a payload: a map whose fields have declared types.
/// Anything else reads as an empty map, as in `payload_to_rhai`.
struct PayloadSeed<'a>(&'a [Field]);

impl<'de> DeserializeSeed<'de> for PayloadSeed<'_> {
    type Value = Map;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Map, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PayloadSeed<'_> {
    type Value = Map;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a payload")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            let ty = self.0.iter().find(|f| f.name == name).map(|f| &f.ty);
            map.insert(name.into(), access.next_value_seed(Typed(ty))?);
        }
        Ok(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Map, A::Error> {
        while access.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Map::new())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Map, E> {
        Ok(Map::new())
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Map, E> {
        Ok(Map::new())
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Map, E> {
        Ok(Map::new())
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Map, E> {
        Ok(Map::new())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Map, E> {
        Ok(Map::new())
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Map, E> {
        Ok(Map::new())
    }
}

/// One JSON value read as `to_rhai(value, ty)` would convert it.
#[derive(Clone, Copy)]
struct Typed<'a>(Option<&'a FieldType>);

impl<'a> Typed<'a> {
    fn ty(self) -> Option<&'a FieldType> {
        match self.0 {
            Some(FieldType::Optional(inner)) => Some(inner.as_ref()),
            other => other,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Typed<'_> {
    type Value = Dynamic;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Dynamic, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Typed<'_> {
    type Value = Dynamic;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Dynamic, E> {
        Ok(Dynamic::UNIT)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Dynamic, E> {
        Ok(Dynamic::UNIT)
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Dynamic, E> {
        Ok(Dynamic::from_bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Dynamic, E> {
        Ok(number_to_rhai(&Number::from(i), self.ty()))
    }

    fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Dynamic, E> {
        Ok(number_to_rhai(&Number::from(u), self.ty()))
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Dynamic, E> {
        Ok(Number::from_f64(f).map_or(Dynamic::UNIT, |n| number_to_rhai(&n, self.ty())))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Dynamic, E> {
        Ok(match self.ty() {
            Some(FieldType::Decimal) => Decimal::from_str(s).map_or_else(|_| s.into(), Dynamic::from_decimal),
            _ => s.into(),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Dynamic, A::Error> {
        let inner = match self.ty() {
            Some(FieldType::List(inner)) => Some(inner.as_ref()),
            _ => None,
        };
        let mut items = Array::new();
        while let Some(item) = access.next_element_seed(Typed(inner))? {
            items.push(item);
        }
        Ok(Dynamic::from_array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Dynamic, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            map.insert(key.into(), access.next_value_seed(Typed(None))?);
        }
        Ok(Dynamic::from_map(map))
    }
}

/// A JSON number as a script sees it. A number no decimal holds is `()`: payloads are checked
/// before they get here (`check_json` refuses such numbers, naming the field), and the store
/// holds only what this module wrote.
fn number_to_rhai(n: &Number, ty: Option<&FieldType>) -> Dynamic {
    match (ty, n.as_i64()) {
        (Some(FieldType::Int), Some(i)) => Dynamic::from_int(i),
        (_, Some(i)) => Dynamic::from_decimal(Decimal::from(i)),
        _ => number_decimal(n).map_or(Dynamic::UNIT, Dynamic::from_decimal),
    }
}

/// The decimal a JSON number stands for, if a decimal holds it.
fn number_decimal(n: &Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    let text = n.to_string();
    Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)).ok()
}

/// A script value that cannot be stored as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path} {problem}")]
pub struct NotJson {
    /// Where in the value, e.g. `the value.total` or `the value.a[1].when`.
    pub path: String,
    pub problem: NotStorable,
}

/// Why a script value cannot be stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotStorable {
    #[error("is a {0}, which cannot be stored; use maps, arrays, strings, numbers and bools")]
    Type(String),
    /// A decimal that no JSON number holds exactly, where nothing declares it a decimal: as the
    /// decimal's text it would read back as a string, as a number it would be rounded.
    #[error(
        "is {0}, which has more than {JSON_DIGITS} significant digits: a JSON number cannot hold it exactly, and here (a read model's document, a `map` field, a value of no declared type) its text would read back as a string; round it in the script (e.g. `.round(2)`), or carry it in a `decimal` field of an event"
    )]
    InexactDecimal(Decimal),
    /// JSON readers stop at some depth (serde_json at 128), and walking a value recursively
    /// needs stack for each level.
    #[error(
        "is a list or map nested more than {MAX_DEPTH} levels deep inside the value, more than can be stored and read back"
    )]
    TooDeep,
}

/// Lists and maps inside each other, counted from the value a script returns: well under
/// serde_json's 128 levels, so that whatever is stored can be read back.
const MAX_DEPTH: usize = 64;

/// Rhai to JSON. Decimals become JSON numbers; integers stay integers.
pub fn to_json(value: &Dynamic) -> Result<Value, NotJson> {
    convert(value, 0).map_err(|mut e| {
        e.path.insert_str(0, "the value");
        e
    })
}

/// The conversion proper. It runs for every value a script returns, so it
/// reads values in place (no clones) and builds the path of an offending
/// value only on the way out of an error.
fn convert(value: &Dynamic, depth: usize) -> Result<Value, NotJson> {
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = value.as_int() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(d) = value.as_decimal() {
        return Ok(decimal_to_json(d));
    }
    if let Some(text) = value.read_lock::<rhai::ImmutableString>() {
        return Ok(Value::String(text.as_str().to_owned()));
    }
    if value.is_char() {
        return Ok(Value::String(value.to_string()));
    }
    if depth >= MAX_DEPTH && (value.is_array() || value.is_map()) {
        return Err(NotJson { path: String::new(), problem: NotStorable::TooDeep });
    }
    if let Some(array) = value.read_lock::<Array>() {
        return array
            .iter()
            .enumerate()
            .map(|(i, item)| convert(item, depth + 1).map_err(|e| e.inside(&format!("[{i}]"))))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(map) = value.read_lock::<Map>() {
        let mut object = serde_json::Map::with_capacity(map.len());
        for (key, item) in map.iter() {
            let item = convert(item, depth + 1).map_err(|e| e.inside(&format!(".{key}")))?;
            object.insert(key.as_str().to_owned(), item);
        }
        return Ok(Value::Object(object));
    }
    Err(NotJson { path: String::new(), problem: NotStorable::Type(value.type_name().to_owned()) })
}

impl NotJson {
    fn inside(mut self, segment: &str) -> Self {
        self.path.insert_str(0, segment);
        self
    }
}

/// Significant digits a JSON number keeps exactly: any decimal of up to 15 digits survives the
/// trip through an f64 (`f64::DIGITS`), in serde_json as in the UI's JavaScript.
const JSON_DIGITS: u32 = f64::DIGITS;

/// Exact powers of ten as f64: 10^22 is the largest.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// A decimal as JSON, never rounded: a number when one holds it exactly (see [`json_number`]),
/// otherwise the decimal's text, which a `decimal` field reads back as the same decimal.
fn decimal_to_json(d: Decimal) -> Value {
    json_number(d).map_or_else(|| Value::String(d.normalize().to_string()), Value::Number)
}

/// `d` as a JSON number that reads back as exactly `d`, if there is one: an integer, or up to
/// 15 significant digits times a power of ten within ±22. Then one multiplication or division
/// of exact f64s gives the nearest f64 (Clinger's fast path, what serde_json does reading it
/// back), and the shortest text of that f64 is the decimal's own digits.
fn json_number(d: Decimal) -> Option<Number> {
    let d = d.normalize();
    if d.scale() == 0
        && let Some(i) = d.to_i64()
    {
        return Some(i.into());
    }
    let mut digits = d.mantissa().unsigned_abs();
    let mut exponent = -i64::from(d.scale());
    while digits != 0 && digits.is_multiple_of(10) {
        digits /= 10;
        exponent += 1;
    }
    if digits >= 10u128.pow(JSON_DIGITS) {
        return None;
    }
    let power = *POW10.get(usize::try_from(exponent.unsigned_abs()).ok()?)?;
    // Below 10^15, so exact as an f64.
    #[allow(clippy::cast_precision_loss)]
    let magnitude = digits as f64;
    let value = if exponent >= 0 { magnitude * power } else { magnitude / power };
    Number::from_f64(if d.is_sign_negative() { -value } else { value })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields() -> Vec<Field> {
        vec![
            Field { name: "account_id".into(), ty: FieldType::Id },
            Field { name: "amount".into(), ty: FieldType::Decimal },
            Field { name: "note".into(), ty: FieldType::Optional(Box::new(FieldType::String)) },
        ]
    }

    #[test]
    fn a_matching_payload_passes_and_optional_fields_may_be_left_out() {
        assert_eq!(check_json(&fields(), &json!({"account_id": "a", "amount": 10})), Ok(()));
        assert_eq!(check_json(&fields(), &json!({"account_id": "a", "amount": 1.5, "note": null})), Ok(()));
    }

    #[test]
    fn missing_extra_and_mistyped_fields_are_each_named() {
        let errors = check_json(&fields(), &json!({"amount": "lots", "colour": "red"})).unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "missing field `account_id` (id)",
                "field `amount` should be decimal, got the string \"lots\"",
                "unexpected field `colour`; declared fields: account_id, amount, note",
            ]
        );
    }

    #[test]
    fn decimal_fields_are_exact_in_scripts_and_come_back_as_numbers() {
        let map = payload_to_rhai(&fields(), &json!({"account_id": "a", "amount": 0.1}));
        let amount = map["amount"].clone().cast::<Decimal>();
        let sum = amount + Decimal::from_str("0.2").unwrap();
        assert_eq!(to_json(&Dynamic::from_decimal(sum)).unwrap(), json!(0.3));
        assert_eq!(to_json(&Dynamic::from_decimal(Decimal::from(100))).unwrap(), json!(100));
    }

    #[test]
    fn a_value_that_cannot_be_stored_is_named_by_its_path() {
        let mut inner = Map::new();
        inner.insert("when".into(), Dynamic::from(std::time::Duration::from_secs(1)));
        let mut outer = Map::new();
        outer.insert("a".into(), Dynamic::from_array(vec![Dynamic::from_int(1), Dynamic::from_map(inner)]));
        let error = to_json(&Dynamic::from_map(outer)).unwrap_err();
        assert_eq!(error.path, "the value.a[1].when");
    }

    /// Type and text of every value in a tree: what a script could tell apart.
    fn shape(value: &Dynamic) -> String {
        if let Some(array) = value.read_lock::<Array>() {
            return format!("[{}]", array.iter().map(shape).collect::<Vec<_>>().join(","));
        }
        if let Some(map) = value.read_lock::<Map>() {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{k}:{}", shape(v))).collect();
            return format!("#{{{}}}", items.join(","));
        }
        format!("{}({value})", value.type_name())
    }

    #[test]
    fn a_value_kept_in_memory_is_the_value_read_back_from_the_store() {
        let third = Decimal::ONE / Decimal::from(3);
        let mut nested = Map::new();
        nested.insert("n".into(), Dynamic::from_int(7));
        nested.insert("c".into(), Dynamic::from_char('x'));
        let values = || {
            vec![
                (Dynamic::from_int(3), None),
                (Dynamic::from_int(3), Some(FieldType::Int)),
                (Dynamic::from_int(3), Some(FieldType::Decimal)),
                (Dynamic::from_int(3), Some(FieldType::Optional(Box::new(FieldType::Int)))),
                (Dynamic::from_decimal(Decimal::new(250, 2)), None),
                (Dynamic::from_decimal(Decimal::new(5, 0)), Some(FieldType::Int)),
                (Dynamic::from_decimal(third), Some(FieldType::Decimal)),
                (Dynamic::from("1.5"), Some(FieldType::Decimal)),
                (Dynamic::from("abc"), Some(FieldType::Decimal)),
                (Dynamic::from("abc"), None),
                (Dynamic::from_char('z'), None),
                (Dynamic::TRUE, None),
                (Dynamic::UNIT, Some(FieldType::Optional(Box::new(FieldType::Decimal)))),
                (
                    Dynamic::from_array(vec![Dynamic::from_int(1), Dynamic::from_map(nested.clone())]),
                    Some(FieldType::List(Box::new(FieldType::Int))),
                ),
                (Dynamic::from_map(nested.clone()), Some(FieldType::Map)),
            ]
        };
        for (mut value, ty) in values() {
            let read_back = to_rhai(&to_json(&value).unwrap(), ty.as_ref());
            to_stored(&mut value, ty.as_ref()).unwrap();
            assert_eq!(shape(&value), shape(&read_back), "{ty:?}");
        }
    }

    #[test]
    fn a_payload_parsed_straight_from_its_text_is_the_payload_read_through_json() {
        let fields = vec![
            Field { name: "n".into(), ty: FieldType::Int },
            Field { name: "big".into(), ty: FieldType::Int },
            Field { name: "amount".into(), ty: FieldType::Decimal },
            Field { name: "price".into(), ty: FieldType::Optional(Box::new(FieldType::Decimal)) },
            Field { name: "counts".into(), ty: FieldType::List(Box::new(FieldType::Int)) },
        ];
        for text in [
            r#"{"n": 3, "big": 18446744073709551615, "amount": 0.1, "price": "2.50", "counts": [1, -2],
                "extra": {"x": [1, 1.5, null, true, "s"]}, "note": null}"#,
            r#"{"amount": 1e21, "price": null, "n": -7}"#,
            "[1, 2]",
            "null",
            "42",
        ] {
            let direct = payload_from_json(&fields, text).unwrap();
            let through_json = payload_to_rhai(&fields, &serde_json::from_str(text).unwrap());
            assert_eq!(shape(&Dynamic::from_map(direct)), shape(&Dynamic::from_map(through_json)), "{text}");
        }
        assert!(payload_from_json(&fields, "{").is_err());
    }

    #[test]
    fn a_value_that_cannot_be_stored_is_refused_by_to_stored_as_by_to_json() {
        let mut inner = Map::new();
        inner.insert("when".into(), Dynamic::from(std::time::Duration::from_secs(1)));
        let mut value = Dynamic::from_array(vec![Dynamic::from_int(1), Dynamic::from_map(inner)]);
        let expected = to_json(&value).unwrap_err();
        assert_eq!(to_stored(&mut value, None).unwrap_err(), expected);
    }

    #[test]
    fn a_decimal_of_up_to_15_digits_is_a_json_number_that_reads_back_as_itself_and_longer_ones_are_text() {
        for text in ["0.1", "123.456", "-0.000001", "999999999999999", "1e20", "2.51", "1.00000000000001e-7"]
        {
            let d = Decimal::from_scientific(text).or_else(|_| Decimal::from_str(text)).unwrap();
            let json = to_json(&Dynamic::from_decimal(d)).unwrap();
            assert!(json.is_number(), "{text}: {json}");
            let read = to_rhai(&serde_json::from_str(&json.to_string()).unwrap(), Some(&FieldType::Decimal));
            assert_eq!(read.as_decimal(), Ok(d), "{text}: {json}");
        }
        let long = Decimal::from_str("10000000000000000.02").unwrap();
        assert_eq!(to_json(&Dynamic::from_decimal(long)).unwrap(), json!("10000000000000000.02"));
        assert_eq!(
            to_json(&Dynamic::from_decimal(Decimal::ONE / Decimal::from(3))).unwrap(),
            json!("0.3333333333333333333333333333")
        );
    }

    #[test]
    fn a_number_out_of_a_decimals_range_in_a_map_field_is_named_by_its_path() {
        let fields = vec![Field { name: "extra".into(), ty: FieldType::Map }];
        let errors = check_json(&fields, &json!({"extra": {"a": [1, {"b": 1e300}]}})).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].to_string().starts_with(
                "field `extra` should be map, got the number 1e+300 at .a[1].b, beyond the range of a decimal"
            ),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_value_nested_deeper_than_the_store_reads_back_is_refused_naming_where() {
        let nest = |levels: usize| {
            let mut value = Dynamic::from_int(1);
            for _ in 0..levels {
                let mut map = Map::new();
                map.insert("a".into(), value);
                value = Dynamic::from_map(map);
            }
            value
        };
        assert!(to_json(&nest(MAX_DEPTH)).is_ok());
        let mut deep = nest(200);
        let error = to_json(&deep).unwrap_err();
        assert!(error.path.starts_with("the value.a.a.a."), "{error}");
        assert!(error.to_string().ends_with("is a list or map nested more than 64 levels deep inside the value, more than can be stored and read back"), "{error}");
        assert_eq!(to_stored(&mut deep, None).unwrap_err(), error);
    }

    #[test]
    fn untyped_numbers_are_decimals_and_round_trip() {
        let value = json!({"a": [1, "x", true, null, {"b": 2.5}]});
        assert_eq!(to_json(&to_rhai(&value, None)).unwrap(), value);
        assert!(to_rhai(&json!(3), None).is::<Decimal>());
        assert!(to_rhai(&json!(3), Some(&FieldType::Int)).is_int());
    }
}
