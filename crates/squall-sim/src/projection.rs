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
