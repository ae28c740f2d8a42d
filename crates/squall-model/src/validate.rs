//! Structural checks that make a parsed board unusable when they fail:
//! unknown or duplicate ids, data on the wrong kind of sticky. Modelling
//! problems that a workshop may leave for later are the lint's business.

use std::collections::{HashMap, HashSet};

use crate::board::{Board, Id};
use crate::lint::Code;

/// One reason a board cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// Line and column (1-based) in the source text, where it can be found.
    pub at: Option<(usize, usize)>,
    /// The ids involved.
    pub ids: Vec<Id>,
}

/// Every structural problem of `board`. `text` is the source it was parsed
/// from, used to point at the offending line.
pub fn problems(board: &Board, text: Option<&str>) -> Vec<Problem> {
    let mut found = Vec::new();
    let locate = |key: &str, id: &Id, nth: usize| text.and_then(|t| locate(t, key, id.as_str(), nth));
    let problem = |message: String, at, ids: Vec<Id>| Problem { message, at, ids };

    // Who uses each id, in file order, so a duplicate names both owners.
    let mut owners: HashMap<&Id, Vec<String>> = HashMap::new();
    for element in &board.elements {
        owners.entry(&element.id).or_default().push(element.describe());
    }
    for group in &board.groups {
        owners.entry(&group.id).or_default().push(format!("group `{}` ({})", group.name, group.id));
    }
    let mut reported: HashSet<&Id> = HashSet::new();
    for id in board.elements.iter().map(|e| &e.id).chain(board.groups.iter().map(|g| &g.id)) {
        if !id.is_well_formed() {
            found.push(problem(
                format!("id `{id}` is not valid: use 1 to 128 letters, digits, `-`, `_`, `.` or `:`"),
                locate("id", id, 0),
                vec![id.clone()],
            ));
        }
        let users = &owners[id];
        if users.len() > 1 && reported.insert(id) {
            found.push(problem(
                format!("duplicate id `{id}`, used by {}", users.join(" and ")),
                locate("id", id, 1),
                vec![id.clone()],
            ));
        }
    }

    let elements: HashMap<&Id, &crate::board::Element> = board.elements.iter().map(|e| (&e.id, e)).collect();
    for connection in &board.connections {
        for (end, id, other) in
            [("from", &connection.from, &connection.to), ("to", &connection.to, &connection.from)]
        {
            if elements.contains_key(id) {
                continue;
            }
            let other_name = elements.get(other).map_or_else(|| format!("`{other}`"), |e| e.describe());
            let what =
                if board.group(id.as_str()).is_some() { "a group, not an element" } else { "unknown id" };
            found.push(problem(
                format!(
                    "connection `{}` → `{}`: its `{end}` end is {what} `{id}` (the other end is {other_name})",
                    connection.from, connection.to
                ),
                locate(end, id, 0),
                vec![connection.from.clone(), connection.to.clone()],
            ));
        }
    }

    for group in &board.groups {
        for member in &group.members {
            if !elements.contains_key(member) {
                found.push(problem(
                    format!(
                        "group `{}` ({}) lists unknown element `{member}` as a member",
                        group.name, group.id
                    ),
                    locate("", member, 0),
                    vec![group.id.clone(), member.clone()],
                ));
            }
        }
    }

    for element in &board.elements {
        let at = || locate("id", &element.id, 0);
        let misplaced = |what: &str, kinds: &str| {
            problem(
                format!("{} has {what}, but only {kinds} do", element.describe()),
                at(),
                vec![element.id.clone()],
            )
        };
        if !element.fields.is_empty() && !element.kind.has_fields() {
            found.push(misplaced("fields", "commands and events"));
        }
        if element.script.is_some() && !element.kind.has_script() {
            found.push(misplaced("a script", "aggregates, policies, read models and external systems"));
        }
        if element.key.is_some() && !matches!(element.kind, crate::Kind::Aggregate | crate::Kind::ReadModel) {
            found.push(misplaced("a key", "aggregates and read models"));
        }
        if element.resolved && element.kind != crate::Kind::Hotspot {
            found.push(misplaced("`resolved` set", "hotspots"));
        }
        let mut seen = HashSet::new();
        for field in &element.fields {
            if field.name.trim().is_empty() {
                found.push(problem(
                    format!("{} has a field with an empty name", element.describe()),
                    at(),
                    vec![element.id.clone()],
                ));
            } else if !seen.insert(field.name.as_str()) {
                found.push(problem(
                    format!("{} declares field `{}` twice", element.describe(), field.name),
                    at(),
                    vec![element.id.clone()],
                ));
            }
        }
        for code in element.allow.keys() {
            if Code::from_name(code).is_none() {
                found.push(problem(
                    format!(
                        "{} allows unknown lint code `{code}`; known codes: {}",
                        element.describe(),
                        Code::names().join(", ")
                    ),
                    at(),
                    vec![element.id.clone()],
                ));
            }
        }
    }
    found
}

/// Line and column of the `nth` (0-based) quoted occurrence of `id` in
/// `text`, counting only occurrences right after `key:` when a key is given.
fn locate(text: &str, key: &str, id: &str, nth: usize) -> Option<(usize, usize)> {
    let quoted = format!("\"{id}\"");
    let offset = text
        .match_indices(&quoted)
        .map(|(offset, _)| offset)
        .filter(|&offset| {
            key.is_empty() || {
                let before = text[..offset].trim_end();
                before.strip_suffix(':').is_some_and(|b| b.trim_end().ends_with(key))
            }
        })
        .nth(nth)?;
    Some(line_col(text, offset))
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locating_counts_lines_and_columns_from_one() {
        let text = "(\n  id: \"a\",\n  id: \"a\",\n)";
        assert_eq!(locate(text, "id", "a", 0), Some((2, 7)));
        assert_eq!(locate(text, "id", "a", 1), Some((3, 7)));
        assert_eq!(locate(text, "id", "a", 2), None);
        assert_eq!(locate(text, "from", "a", 0), None);
    }
}
