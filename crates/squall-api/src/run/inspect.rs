//! Looking into the run as of any position: aggregate instances and their
//! states, read-model documents with the fields an event changed, read-only
//! SQL, and the values a command's form can suggest.

use serde_json::Value;
use squall_model::{Board, FieldType, Id, Kind, contract};
use squall_sim::DocumentsAt;

use super::answer::{
    AggregateView, DocumentPage, DocumentView, FieldSuggestions, InstanceInfo, QueryResult, Suggestion,
};
use super::runner::Open;
use super::status::small;
use crate::Error;

/// Rows a query returns when the request names no limit.
const DEFAULT_ROWS: u32 = 500;
/// Values suggested per field at most.
const SUGGESTED: usize = 20;

/// The instances of an aggregate sticky as of `at`.
pub(crate) fn instances(
    open: &Open,
    board: &Board,
    aggregate: &Id,
    at: Option<u32>,
) -> Result<Vec<InstanceInfo>, Error> {
    let element = sticky(board, aggregate, Kind::Aggregate)?;
    let prefix = format!("{}-", contract::identifier(&element.name));
    let streams = open.store().streams(&open.branch, &prefix, at.map(u64::from))?;
    Ok(streams
        .into_iter()
        .map(|(stream_id, version)| InstanceInfo {
            instance: stream_id[prefix.len()..].to_owned(),
            stream_id,
            version: small(version),
        })
        .collect())
}

/// One instance's state as of `at`, and before its last event.
pub(crate) fn aggregate(
    open: &Open,
    aggregate: &Id,
    instance: &str,
    at: Option<u32>,
) -> Result<AggregateView, Error> {
    let session = open.session()?;
    let found = session.state_at(aggregate.as_str(), instance, at.map(u64::from))?;
    let at = match at {
        Some(at) => at,
        None => small(session.store().head(&open.branch)?),
    };
    Ok(AggregateView {
        aggregate: aggregate.clone(),
        instance: instance.to_owned(),
        stream_id: found.stream_id,
        at,
        version: small(found.version),
        state: found.state,
        before: found.before,
        last_event: found.last_event.map(small),
    })
}

/// A page of a read model's documents as of `at`: the stored documents at
/// the head, a replay in memory before it.
pub(crate) fn documents(
    open: &Open,
    board: &Board,
    read_model: &Id,
    at: Option<u32>,
    search: Option<&str>,
    offset: u32,
    limit: u32,
) -> Result<DocumentPage, Error> {
    let element = sticky(board, read_model, Kind::ReadModel)?;
    let store = open.store();
    let head = store.head(&open.branch)?;
    let position = at.map_or(head, u64::from);
    let DocumentsAt { documents, changed } = if position >= head {
        let stored = store.documents(&open.branch, &element.name)?;
        DocumentsAt {
            documents: stored.into_iter().map(|d| (d.key, d.document)).collect(),
            changed: changed_at_head(open, read_model, head),
        }
    } else {
        open.session()?.documents_at(read_model.as_str(), position)?
    };
    let needle = search.map(str::to_lowercase).filter(|s| !s.is_empty());
    let matching: Vec<(String, Value)> = documents
        .into_iter()
        .filter(|(key, doc)| {
            needle.as_ref().is_none_or(|needle| {
                key.to_lowercase().contains(needle) || doc.to_string().to_lowercase().contains(needle)
            })
        })
        .collect();
    let total = small(matching.len() as u64);
    let documents = matching
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|(key, document)| {
            let changed = match &changed {
                Some((changed_key, before)) if *changed_key == key => {
                    changed_fields(before.as_ref(), &document)
                }
                _ => Vec::new(),
            };
            DocumentView { key, document, changed }
        })
        .collect();
    Ok(DocumentPage { read_model: read_model.clone(), at: small(position), total, offset, documents })
}

/// What the step that appended the head event did to the read model's
/// documents, when this session took it.
fn changed_at_head(open: &Open, read_model: &Id, head: u64) -> Option<(String, Option<Value>)> {
    let trace = open.last.iter().rev().find(|t| t.events.iter().any(|e| e.position == head))?;
    let change = trace.documents.iter().rev().find(|d| d.read_model.id == read_model.as_str())?;
    Some((change.key.clone(), change.before.clone()))
}

/// The top-level fields that differ between a document before and after;
/// all of them for a document that did not exist.
fn changed_fields(before: Option<&Value>, after: &Value) -> Vec<String> {
    let Value::Object(after) = after else { return Vec::new() };
    let before = before.and_then(Value::as_object);
    after
        .iter()
        .filter(|(field, value)| before.is_none_or(|before| before.get(field.as_str()) != Some(value)))
        .map(|(field, _)| field.clone())
        .collect()
}

/// One read-only SQL statement over the store.
pub(crate) fn query(open: &Open, sql: &str, limit: Option<u32>) -> Result<QueryResult, Error> {
    // SQLite counts ATTACH, BEGIN and some PRAGMAs as read-only: they do not
    // write the file, but they would create files or hold the run's
    // transaction open. The console takes queries only.
    let first = first_word(sql).to_ascii_uppercase();
    if !matches!(first.as_str(), "SELECT" | "WITH" | "VALUES" | "EXPLAIN") {
        return Err(Error::Refused(format!(
            "the console runs queries only (SELECT, WITH, VALUES or EXPLAIN); `{}` is not one",
            sql.trim()
        )));
    }
    let limit = limit.unwrap_or(DEFAULT_ROWS) as usize;
    let (rows, truncated) = open.store().query_limited(sql, limit)?;
    Ok(QueryResult { columns: rows.columns, rows: rows.rows, truncated })
}

/// The first word of a statement, after comments and blanks.
fn first_word(sql: &str) -> &str {
    let mut rest = sql.trim_start();
    loop {
        if let Some(line) = rest.strip_prefix("--") {
            rest = line.split_once('\n').map_or("", |(_, after)| after).trim_start();
        } else if let Some(block) = rest.strip_prefix("/*") {
            rest = block.split_once("*/").map_or("", |(_, after)| after).trim_start();
        } else {
            break;
        }
    }
    let end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
    &rest[..end]
}

/// Values for the id fields of a command's form: ids seen in the run, most
/// recent first, then the string constants of the board's scripts.
pub(crate) fn suggestions(open: &Open, board: &Board, command: &Id) -> Result<Vec<FieldSuggestions>, Error> {
    let element = sticky(board, command, Kind::Command)?;
    let mut fields = Vec::new();
    for field in element.fields.iter().filter(|f| is_id(&f.ty)) {
        let mut values: Vec<Suggestion> = open
            .store()
            .payload_values(&open.branch, &field.name, SUGGESTED)?
            .into_iter()
            .map(|value| Suggestion { value, source: "seen in the run".to_owned() })
            .collect();
        for constant in open.constants.iter().filter(|c| c.value.is_string()) {
            if values.iter().any(|s| s.value == constant.value) {
                continue;
            }
            let owner = board.element(constant.sticky.as_str()).map_or("a script", |e| e.name.as_str());
            values.push(Suggestion {
                value: constant.value.clone(),
                source: format!("{owner}: {}", constant.name),
            });
        }
        fields.push(FieldSuggestions { field: field.name.clone(), values });
    }
    Ok(fields)
}

fn is_id(ty: &FieldType) -> bool {
    match ty {
        FieldType::Id => true,
        FieldType::Optional(inner) | FieldType::List(inner) => is_id(inner),
        _ => false,
    }
}

/// The sticky `id`, which must be of `kind`.
fn sticky<'b>(board: &'b Board, id: &Id, kind: Kind) -> Result<&'b squall_model::Element, Error> {
    let element = board.element(id.as_str()).ok_or_else(|| Error::UnknownElement(id.clone()))?;
    if element.kind != kind {
        return Err(Error::Refused(format!(
            "{} is not a {}",
            element.describe(),
            kind.label().to_lowercase()
        )));
    }
    Ok(element)
}
