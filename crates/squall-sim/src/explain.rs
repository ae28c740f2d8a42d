//! Rhai's words for a call it could not make (`Function not found: + ((), i64)`) in a
//! modeller's: what could not be computed, with what kinds of values, and which expression of
//! the script was empty — usually a misspelt or missing field.

use crate::script::ScriptError;

/// `error` with its message in plain words where it is a call Rhai found no function for;
/// otherwise as it is. The script's text, read again to name the expression, is optional.
pub(crate) fn in_plain_words(mut error: ScriptError) -> ScriptError {
    let Some((name, types)) = not_found(&error.message) else { return error };
    let source = std::fs::read_to_string(&error.script).ok();
    let line = error.line.zip(source.as_deref()).and_then(|(n, text)| text.lines().nth(n.checked_sub(1)?));
    let operands = match (line, error.column, types.as_slice()) {
        (Some(line), Some(column), [_, _]) => operands(line, column, name),
        _ => None,
    };
    let kinds: Vec<String> = types.iter().map(|t| kind(t)).collect();
    let mut message = match (verb(name), kinds.as_slice()) {
        (Some(verb), [left, right]) => format!("cannot {verb} {left} and {right}"),
        _ => format!(
            "cannot call `{name}` with {}",
            if kinds.is_empty() { "nothing".to_owned() } else { kinds.join(", ") }
        ),
    };
    if let Some((left, right)) = operands {
        for (expression, ty) in [(left, types[0]), (right, types[1])] {
            if ty == "()" && !expression.is_empty() {
                message.push_str(&format!("; {}", empty(&expression)));
            }
        }
    }
    error.message = message;
    error
}

/// `Function not found: + ((), i64)` as `("+", ["()", "i64"])`.
fn not_found(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("Function not found: ")?;
    let (name, args) = rest.split_once(" (")?;
    let args = args.strip_suffix(')')?;
    let types = if args.is_empty() { Vec::new() } else { args.split(", ").collect() };
    Some((name, types))
}

fn verb(operator: &str) -> Option<&'static str> {
    Some(match operator {
        "+" | "+=" => "add",
        "-" | "-=" => "subtract",
        "*" | "*=" => "multiply",
        "/" | "/=" => "divide",
        "%" | "%=" => "take the remainder of",
        "<" | ">" | "<=" | ">=" => "compare",
        _ => return None,
    })
}

/// A Rhai type name as a modeller says it.
fn kind(type_name: &str) -> String {
    match type_name {
        "()" => "nothing (`()`)".to_owned(),
        "i64" | "int" => "a whole number".to_owned(),
        "decimal" | "rust_decimal::Decimal" => "a decimal".to_owned(),
        "f64" | "float" => "a decimal".to_owned(),
        "string" | "ImmutableString" | "&str" => "text".to_owned(),
        "char" => "a character".to_owned(),
        "bool" => "true or false".to_owned(),
        "map" => "a map".to_owned(),
        "array" => "a list".to_owned(),
        "Outgoing" => "an event(...) or command(...)".to_owned(),
        other => format!("a {other}"),
    }
}

/// What an empty expression most likely means.
fn empty(expression: &str) -> String {
    match expression.rsplit_once('.') {
        Some((owner, field)) if is_name(field) => {
            format!("`{expression}` is `()`: `{owner}` has no field `{field}`, or it was never set")
        }
        _ => format!("`{expression}` is `()`, a value that was never set"),
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The expressions on either side of the operator `operator` at `column` (1-based) of `line`:
/// the chains of names, dots and indexes next to it.
fn operands(line: &str, column: usize, operator: &str) -> Option<(String, String)> {
    let chars: Vec<char> = line.chars().collect();
    let at = column.checked_sub(1)?;
    let op: Vec<char> = operator.chars().collect();
    if chars.get(at..at + op.len())? != op.as_slice() {
        return None;
    }
    let part = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '"');
    let mut start = at;
    while start > 0 && chars[start - 1] == ' ' {
        start -= 1;
    }
    let end_left = start;
    while start > 0 && part(chars[start - 1]) {
        start -= 1;
    }
    let mut begin = at + op.len();
    // `x += y` is reported as `+`.
    if chars.get(begin) == Some(&'=') && !matches!(operator, "<" | ">") {
        begin += 1;
    }
    while begin < chars.len() && chars[begin] == ' ' {
        begin += 1;
    }
    let mut end = begin;
    while end < chars.len() && part(chars[end]) {
        end += 1;
    }
    Some((chars[start..end_left].iter().collect(), chars[begin..end].iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_are_the_name_chains_beside_the_operator() {
        let line = "    let next = state.items[0].count + event.amount;";
        let column = line.find('+').unwrap() + 1;
        assert_eq!(
            operands(line, column, "+"),
            Some(("state.items[0].count".to_owned(), "event.amount".to_owned()))
        );
        assert_eq!(operands(line, column + 1, "+"), None, "not at the operator");
        let compound = "    state.balance += event.amout;";
        let column = compound.find('+').unwrap() + 1;
        assert_eq!(
            operands(compound, column, "+"),
            Some(("state.balance".to_owned(), "event.amout".to_owned()))
        );
    }

    #[test]
    fn rhai_type_names_read_as_modeller_words() {
        assert_eq!(not_found("Function not found: - ((), decimal)"), Some(("-", vec!["()", "decimal"])));
        assert_eq!(not_found("Function not found: round ()"), Some(("round", vec![])));
        assert_eq!(not_found("Variable not found: x"), None);
        assert_eq!(
            empty("event.amout"),
            "`event.amout` is `()`: `event` has no field `amout`, or it was never set"
        );
        assert_eq!(kind("i64"), "a whole number");
    }
}
