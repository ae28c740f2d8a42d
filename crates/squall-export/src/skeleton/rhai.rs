//! The board's rules, quoted: one function of a Rhai script, as written,
//! with the comment lines right above it.
//!
//! This is a reader of layout, not of meaning: it finds `fn name(` at the
//! start of a line and the brace that closes its body, skipping strings and
//! comments. The simulator's compiler is what judges a script.

/// The text of function `name` in `script`, with the `//` comment lines
/// directly above it; `None` when the script defines no such function.
pub fn function(script: &str, name: &str) -> Option<String> {
    // Each line with the byte offset it starts at; `\r\n` endings count too.
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in script.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let start = lines.iter().position(|(_, line)| declares(line, name))?;
    let mut first = start;
    while first > 0 && lines[first - 1].1.trim_start().starts_with("//") {
        first -= 1;
    }
    let body = lines[start].0;
    let end = closing_brace(&script[body..]).map_or(script.len(), |end| body + end);
    Some(script[lines[first].0..end].trim_end().to_owned())
}

/// Whether the script defines `initial()` or uses `this`: the sticky keeps
/// state of its own between messages.
pub fn keeps_state(script: &str) -> bool {
    script.lines().any(|line| declares(line, "initial")) || code_mentions(script, "this")
}

fn declares(line: &str, name: &str) -> bool {
    let rest = line.trim_start();
    let rest = rest.strip_prefix("private ").map_or(rest, str::trim_start);
    rest.strip_prefix("fn ")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix(name))
        .is_some_and(|r| r.trim_start().starts_with('('))
}

/// Whether `word` occurs as a whole word outside comments and strings.
fn code_mentions(script: &str, word: &str) -> bool {
    let mut found = false;
    scan(script, |_, code| {
        found |= code.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == word);
    });
    found
}

/// The byte offset just past the brace that closes the first `{` in `text`.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    let mut end = None;
    scan(text, |offset, code| {
        if end.is_some() {
            return;
        }
        for (i, c) in code.char_indices() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' if opened => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(offset + i + 1);
                        return;
                    }
                }
                _ => {}
            }
        }
    });
    end
}

/// Hand `visit` the pieces of `text` that are code, leaving out comments and
/// the insides of strings and characters, each with its byte offset.
fn scan(text: &str, mut visit: impl FnMut(usize, &str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut piece = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let skip_to = if rest.starts_with(b"//") {
            Some(text[i..].find('\n').map_or(bytes.len(), |n| i + n))
        } else if rest.starts_with(b"/*") {
            Some(text[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2))
        } else if matches!(bytes[i], b'"' | b'\'' | b'`') {
            Some(string_end(bytes, i))
        } else {
            None
        };
        match skip_to {
            Some(end) => {
                visit(piece, &text[piece..i]);
                i = end;
                piece = end;
            }
            None => i += 1,
        }
    }
    let piece = piece.min(text.len());
    visit(piece, &text[piece..]);
}

/// Past the quote closing the string that opens at `start`, minding escapes.
/// Interpolations in back-tick strings (`${…}`) are skipped with the string:
/// their braces balance within it.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = r#"// BankAccount aggregate.

fn initial() {
    #{ open: false, balance: 0.0 }
}

// Refuses a second opening.
fn handle_OpenAccount(state, command) {
    if state.open {
        throw "account already open }";
    }
    [event("AccountOpened", #{ note: `opened ${command.owner}` })] // done }
}

fn apply_AccountOpened(state, event) { state.open = true; state }
"#;

    #[test]
    fn a_function_is_quoted_with_its_comment_and_whole_body() {
        let quoted = function(SCRIPT, "handle_OpenAccount").unwrap();
        assert!(quoted.starts_with("// Refuses a second opening.\nfn handle_OpenAccount(state, command) {"));
        assert!(quoted.ends_with("// done }\n}"), "{quoted}");
    }

    #[test]
    fn a_one_line_function_is_quoted_alone() {
        assert_eq!(
            function(SCRIPT, "apply_AccountOpened").unwrap(),
            "fn apply_AccountOpened(state, event) { state.open = true; state }"
        );
    }

    #[test]
    fn a_missing_function_is_none_and_a_prefix_is_not_a_match() {
        assert_eq!(function(SCRIPT, "handle_Close"), None);
        assert_eq!(function(SCRIPT, "handle_Open"), None);
    }

    #[test]
    fn state_is_kept_when_initial_is_defined_or_this_is_used() {
        assert!(keeps_state(SCRIPT));
        assert!(keeps_state("fn on_X(event) { this.n += 1; [] }"));
        assert!(!keeps_state("// uses this in a comment\nfn on_X(event) { [] }"));
    }
}
