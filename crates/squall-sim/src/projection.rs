//! What a projection hands back: the document to keep, or `delete()`. Returning nothing (`()`)
//! for a document that exists is refused, because a projection whose last line ends in a
//! semicolon returns `()` too, and deleting the document then would lose it silently.

use rhai::Dynamic;

/// What `delete()` returns: a projection's explicit wish to delete its document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deletion;

/// A projection's result, read.
pub(crate) enum Projected {
    /// The document after the event.
    Keep(Dynamic),
    /// `delete()`: the document goes.
    Delete,
    /// `()` for a document that did not exist: it still does not.
    Absent,
}

/// Reads what `function` returned for the document `read_model[key]`, which existed before
/// the call when `existed`.
pub(crate) fn read(
    returned: Dynamic,
    existed: bool,
    function: &str,
    read_model: &str,
    key: &str,
) -> Result<Projected, String> {
    if returned.is::<Deletion>() {
        return Ok(Projected::Delete);
    }
    if !returned.is_unit() {
        return Ok(Projected::Keep(returned));
    }
    if !existed {
        return Ok(Projected::Absent);
    }
    Err(format!(
        "`{function}` returned nothing for the document {read_model}[{key}]; return the document \
         (end with `doc`, no semicolon), or `delete()` to delete it"
    ))
}

/// Reads what `keys_<Event>(event)` returned: the keys of the documents the event updates, in
/// order, each once. A key may be a string, an id or a number; `()` (an optional field left
/// empty) names no document.
pub(crate) fn keys(returned: Dynamic, function: &str) -> Result<Vec<String>, String> {
    let items = if returned.is_unit() {
        Vec::new()
    } else if returned.is_array() {
        returned.into_array().unwrap_or_default()
    } else {
        vec![returned]
    };
    let mut keys: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let key = if let Some(text) = item.read_lock::<rhai::ImmutableString>() {
            text.to_string()
        } else if item.is_int() || item.is::<rust_decimal::Decimal>() {
            item.to_string()
        } else if item.is_unit() {
            continue;
        } else {
            return Err(format!(
                "`{function}` returned a {} at index {i}; return a list of document keys, e.g. \
                 `[event.from_account_id, event.to_account_id]`",
                item.type_name()
            ));
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_keys_returned_then_each_is_read_once_in_order_and_empty_ones_are_skipped() {
        let returned: Dynamic =
            vec![Dynamic::from("acc-1"), Dynamic::UNIT, Dynamic::from(7_i64), Dynamic::from("acc-1")].into();
        assert_eq!(keys(returned, "keys_X").unwrap(), vec!["acc-1", "7"]);
        assert_eq!(keys(Dynamic::from("solo"), "keys_X").unwrap(), vec!["solo"]);
        assert!(keys(Dynamic::UNIT, "keys_X").unwrap().is_empty());
        let err = keys(vec![Dynamic::from_map(rhai::Map::new())].into(), "keys_X").unwrap_err();
        assert!(err.starts_with("`keys_X` returned a map at index 0"), "{err}");
    }
}
