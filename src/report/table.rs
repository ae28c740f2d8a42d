//! Rows as a plain text table: a header, then columns padded to their
//! widest cell. The last column is not padded, so long JSON payloads do not
//! push every line out to the widest one.

use std::io::{self, Write};

use anstyle::Style;
use serde_json::Value;
use std::collections::HashMap;

use squall_store::{RecordedEvent, Store};

const HEADER: Style = Style::new().bold();

pub fn print(out: &mut impl Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>, style: Style| -> io::Result<()> {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            if i + 1 < columns {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', pad + 2));
            } else {
                text.push_str(cell);
            }
        }
        writeln!(out, "{style}{}{style:#}", text.trim_end())
    };
    line(out, &mut headers.iter().copied(), HEADER)?;
    for row in rows {
        line(out, &mut row.iter().map(String::as_str), Style::new())?;
    }
    Ok(())
}

/// Events as a table: position, stream, version, type, what caused it (see [`causes`]),
/// payload.
pub fn events(out: &mut impl Write, events: &[RecordedEvent], causes: &[String]) -> io::Result<()> {
    let rows: Vec<Vec<String>> = events
        .iter()
        .zip(causes)
        .map(|(e, cause)| {
            vec![
                e.position.to_string(),
                e.stream_id.clone(),
                e.stream_version.to_string(),
                e.event_type.clone(),
                cause.clone(),
                one_line(&e.payload.to_string()),
            ]
        })
        .collect();
    print(out, &["position", "stream", "version", "type", "caused by", "payload"], &rows)
}

/// What caused each event, in the numbering the traces use (commands `c3`, events by
/// position `#2`): the command whose step appended it, followed by `← #2` when a policy issued
/// that command on event #2; or `#4` alone for an external system's answer to event #4.
///
/// # Errors
/// A store that cannot be read.
pub fn causes(store: &Store, branch: &str, events: &[RecordedEvent]) -> squall_store::Result<Vec<String>> {
    let positions: HashMap<&str, u64> =
        events.iter().map(|e| (e.metadata.event_id.as_str(), e.position)).collect();
    let position = |correlation: &str, event_id: &str| -> squall_store::Result<String> {
        let found = match positions.get(event_id) {
            Some(&position) => Some(position),
            None => store.event_position(branch, correlation, event_id, None)?,
        };
        // An event the branch does not see is still named, by its id.
        Ok(found.map_or_else(|| event_id.to_owned(), |p| format!("#{p}")))
    };
    let mut commands: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let meta = &event.metadata;
        if meta.causation_id != meta.command_id {
            out.push(position(&meta.correlation_id, &meta.causation_id)?);
            continue;
        }
        if let Some(known) = commands.get(&meta.command_id) {
            out.push(known.clone());
            continue;
        }
        let issued_on = match store.find_command(branch, &meta.command_id)? {
            Some(logged) => match &logged.command.metadata.causation_id {
                Some(cause) => Some(position(&logged.command.metadata.correlation_id, cause)?),
                None => None,
            },
            None => None,
        };
        let cell = match issued_on {
            Some(on) => format!("{} ← {on}", meta.command_id),
            None => meta.command_id.clone(),
        };
        commands.insert(meta.command_id.clone(), cell.clone());
        out.push(cell);
    }
    Ok(out)
}

/// A query value as a cell: text as it is (on one line), NULL spelled out.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::String(text) => one_line(text),
        other => one_line(&other.to_string()),
    }
}

pub fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded_to_the_widest_cell_except_the_last() {
        let mut out = Vec::new();
        let rows = vec![vec!["1".to_owned(), "a long one".to_owned()], vec!["22".to_owned(), "b".to_owned()]];
        print(&mut out, &["n", "text"], &rows).unwrap();
        let text = anstream::adapter::strip_str(std::str::from_utf8(&out).unwrap()).to_string();
        assert_eq!(text, "n   text\n1   a long one\n22  b\n");
    }

    #[test]
    fn cells_stay_on_one_line_and_null_is_spelled_out() {
        assert_eq!(cell(&Value::Null), "NULL");
        assert_eq!(cell(&Value::from("a\nb")), "a\\nb");
        assert_eq!(cell(&serde_json::json!({"a": 1})), "{\"a\":1}");
    }
}
