//! Names in generated code: board names (free text) made into identifiers
//! that compile, and kept apart where two would clash.

use std::collections::BTreeSet;

/// Words of Rust and TypeScript that cannot name a field, a function or a
/// module, and names the generated code itself uses at the same level.
const RESERVED: &[&str] = &[
    // Rust keywords (strict and reserved), and what raw identifiers cannot be.
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "Self",
    // TypeScript's and JavaScript's reserved words beyond those.
    "case",
    "catch",
    "class",
    "debugger",
    "default",
    "delete",
    "export",
    "extends",
    "finally",
    "function",
    "import",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "switch",
    "this",
    "throw",
    "var",
    "void",
    "with",
    "undefined",
    "arguments",
    "eval",
    "any",
    "boolean",
    "number",
    "string",
    "symbol",
    "never",
    "unknown",
    "object",
    "bigint",
];

/// The words of a name, split at anything that is not a letter or digit and
/// at lower-to-upper case changes: `Send thank-you email` and
/// `SendThankYouEmail` both give send, thank, you, email.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `SendThankYouEmail`: a type name. Letters other than ASCII are dropped,
/// so a name may come out empty; `fallback` is used then.
pub fn pascal(name: &str, fallback: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|word| {
            // An acronym reads as a word in a type name: `CEO bonus` → `CeoBonus`.
            let word = if word.len() > 1 && !word.bytes().any(|b| b.is_ascii_lowercase()) {
                word.to_ascii_lowercase()
            } else {
                word.clone()
            };
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if out.is_empty() {
        out = pascal_plain(fallback);
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

fn pascal_plain(text: &str) -> String {
    let mut out = String::new();
    for word in words(text) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(&chars.as_str().to_ascii_lowercase());
        }
    }
    if out.is_empty() { "Unnamed".to_owned() } else { out }
}

/// `send_thank_you_email`: a module, function or field name, never a
/// keyword of Rust or TypeScript.
pub fn snake(name: &str, fallback: &str) -> String {
    let mut out = words(name).iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_");
    if out.is_empty() {
        out = words(fallback).iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_");
    }
    if out.is_empty() {
        out = "unnamed".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    if RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `sendThankYouEmail`: a TypeScript function name.
pub fn camel(name: &str, fallback: &str) -> String {
    let pascal = pascal(name, fallback);
    let mut chars = pascal.chars();
    let mut out = chars.next().map(|c| c.to_ascii_lowercase().to_string()).unwrap_or_default();
    out.push_str(chars.as_str());
    if RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Names already taken in one scope (a module, an enum, a struct). A name
/// taken twice gets a number, so that duplicates still compile and the
/// first keeps its plain name; which is first follows the board's order, so
/// the result is the same every time.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are taken already.
    pub fn with(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|r| (*r).to_owned()).collect() }
    }

    /// `wanted`, or `wanted2`, `wanted3`, … (with `_` between for snake case).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let join = if wanted.contains('_') || wanted.starts_with(|c: char| c.is_ascii_lowercase()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{wanted}{join}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_owned())
    }

    /// Whether `name` is taken.
    pub fn has(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_names_become_type_and_field_names() {
        assert_eq!(pascal("Send thank-you email", "x"), "SendThankYouEmail");
        assert_eq!(pascal("DepositMoney", "x"), "DepositMoney");
        assert_eq!(snake("DepositMoney", "x"), "deposit_money");
        assert_eq!(snake("CEO bonus", "x"), "ceo_bonus");
        assert_eq!(snake("account_id", "x"), "account_id");
        assert_eq!(camel("Send thank-you email", "x"), "sendThankYouEmail");
    }

    #[test]
    fn names_that_cannot_be_identifiers_are_mended() {
        assert_eq!(snake("type", "x"), "type_");
        assert_eq!(snake("2fa code", "x"), "n2fa_code");
        assert_eq!(pascal("2FA enabled", "x"), "N2FaEnabled");
        assert_eq!(pascal("CEO bonus", "x"), "CeoBonus");
        assert_eq!(pascal("Ärger", "x"), "Rger");
        assert_eq!(pascal("入金", "cmd-deposit"), "CmdDeposit");
        assert_eq!(snake("入金", "evt-1"), "evt_1");
    }

    #[test]
    fn a_name_taken_twice_gets_a_number() {
        let mut scope = Scope::with(&["commands"]);
        assert_eq!(scope.claim("commands"), "commands_2");
        assert_eq!(scope.claim("OpenAccount"), "OpenAccount");
        assert_eq!(scope.claim("OpenAccount"), "OpenAccount2");
        assert_eq!(scope.claim("open_account"), "open_account");
        assert_eq!(scope.claim("open_account"), "open_account_2");
    }
}
