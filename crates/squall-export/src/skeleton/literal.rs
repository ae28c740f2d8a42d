//! Scenario payloads (JSON on the board) read as the values the fields
//! declare, for writing them as literals in generated tests.

use serde_json::Value;

/// The exact digits of a number as a plain decimal without exponent:
/// `2.5`, `-10`, `0.000001` for 1e-6. A string of such digits is read too,
/// as Squall accepts decimals beyond 15 digits as strings. `None` when the
/// value is no number.
pub fn decimal(value: &Value) -> Option<String> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    plain(&text)
}

/// A JSON number that is a whole number within i64.
pub fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            // A float with no fraction that fits is still a whole number.
            (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
        }),
        _ => None,
    }
}

/// `1.5e3` → `1500`, `-2.50` → `-2.50`; anything that is not a decimal
/// number → `None`.
fn plain(text: &str) -> Option<String> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Move the point `exponent` places: digits, and where the point sits in them.
    let digits = format!("{whole}{fraction}");
    let point = i64::try_from(whole.len()).ok()? + i64::from(exponent);
    if !(-40..=60).contains(&point) {
        return None;
    }
    let (int_part, frac_part) = if point <= 0 {
        ("0".to_owned(), format!("{}{digits}", "0".repeat(usize::try_from(-point).ok()?)))
    } else {
        let point = usize::try_from(point).ok()?;
        if point >= digits.len() {
            (format!("{digits}{}", "0".repeat(point - digits.len())), String::new())
        } else {
            (digits[..point].to_owned(), digits[point..].to_owned())
        }
    };
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let sign = if negative { "-" } else { "" };
    Some(if frac_part.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_become_exact_plain_decimals() {
        assert_eq!(decimal(&json!(2.5)).as_deref(), Some("2.5"));
        assert_eq!(decimal(&json!(100)).as_deref(), Some("100"));
        assert_eq!(decimal(&json!(-10)).as_deref(), Some("-10"));
        assert_eq!(decimal(&json!(99999.5)).as_deref(), Some("99999.5"));
        assert_eq!(decimal(&json!(1e30)).as_deref(), Some("1000000000000000000000000000000"));
        assert_eq!(decimal(&json!(1e-6)).as_deref(), Some("0.000001"));
        assert_eq!(decimal(&json!("10000000000000000.01")).as_deref(), Some("10000000000000000.01"));
    }

    #[test]
    fn what_is_no_number_is_none() {
        assert_eq!(decimal(&json!("ten")), None);
        assert_eq!(decimal(&json!(true)), None);
        assert_eq!(decimal(&json!("1.2.3")), None);
        assert_eq!(int(&json!(2.5)), None);
        assert_eq!(int(&json!(7)), Some(7));
    }
}
