//! `document(read_model, key)`: a policy reading the read models it has an
//! arrow from, as event modelling's automations read their todo lists.
//!
//! A script call runs to its end without giving control back, and the
//! documents live in the store the session owns, so the engine cannot fetch
//! one in the middle of a call. Instead it answers from the documents the
//! session has handed it; a read it cannot answer stops the call (Rhai cannot
//! catch that), the session fetches the document, and calls again from the
//! same state and random sequence. Scripts are functions of their inputs, so
//! the repeated call decides what the first one would have.

use std::collections::HashMap;
use std::sync::Arc;

use rhai::{Dynamic, EvalAltResult, ImmutableString, Position};

/// Who may read what during one call.
#[derive(Debug)]
pub struct Reader {
    /// The reading sticky, for messages: `policy "CEO bonus" (pol-ceo-bonus)`.
    pub who: String,
    /// The read models with an arrow to it.
    pub models: Vec<Readable>,
}

/// A read model a policy may read, with the names that mean it.
#[derive(Debug)]
pub struct Readable {
    pub sticky: usize,
    /// What the store files its documents under (`squall_model::naming`).
    pub key: String,
    pub qualified: String,
    pub name: String,
}

impl Reader {
    fn find(&self, name: &str) -> Result<&Readable, String> {
        if let Some(model) = self.models.iter().find(|m| m.key == name || m.qualified == name) {
            return Ok(model);
        }
        let plain: Vec<&Readable> = self.models.iter().filter(|m| m.name == name).collect();
        match plain.as_slice() {
            [one] => Ok(one),
            [] => {
                let readable: Vec<&str> = self.models.iter().map(|m| m.key.as_str()).collect();
                let can = if readable.is_empty() {
                    "no read model has an arrow to it".to_owned()
                } else {
                    format!("it may read {}", readable.join(", "))
                };
                Err(format!(
                    "{} reads read model `{name}`, but {can}; the board is the truth: draw an arrow \
                     from the read model to the policy",
                    self.who
                ))
            }
            many => {
                let names: Vec<&str> = many.iter().map(|m| m.qualified.as_str()).collect();
                Err(format!("read model `{name}` is ambiguous here; name one of {}", names.join(", ")))
            }
        }
    }
}

/// What `document()` answers from during one step.
#[derive(Debug, Default)]
pub(crate) struct Reads {
    reader: Option<Arc<Reader>>,
    /// Documents handed over by the session: `None` when there is none.
    documents: HashMap<(usize, String), Option<Dynamic>>,
    /// Documents asked for and not handed over yet.
    misses: Vec<(usize, String)>,
}

impl Reads {
    pub(crate) fn set_reader(&mut self, reader: Option<Arc<Reader>>) {
        self.reader = reader;
    }

    pub(crate) fn answer(&mut self, read_model: usize, key: String, document: Option<Dynamic>) {
        self.documents.insert((read_model, key), document);
    }

    /// A document changed: the next read must fetch it again.
    pub(crate) fn forget(&mut self, read_model: usize, key: &str) {
        if !self.documents.is_empty() {
            self.documents.remove(&(read_model, key.to_owned()));
        }
    }

    pub(crate) fn forget_all(&mut self) {
        self.documents.clear();
        self.misses.clear();
    }

    pub(crate) fn take_misses(&mut self) -> Vec<(usize, String)> {
        std::mem::take(&mut self.misses)
    }

    /// `document(name, key)` as the script sees it.
    pub(crate) fn read(&mut self, name: &str, key: &Dynamic) -> Result<Dynamic, Box<EvalAltResult>> {
        let Some(reader) = &self.reader else {
            return Err(stop(format!(
                "`document(\"{name}\", …)` is for policies that read a read model; an aggregate \
                 decides on its own state and a projection on its document"
            )));
        };
        let model = reader.find(name).map_err(stop)?;
        let key = key_text(key).ok_or_else(|| {
            stop(format!(
                "`document(\"{name}\", key)`: a key is a string, an id or a number, not a {}",
                key.type_name()
            ))
        })?;
        let slot = (model.sticky, key);
        match self.documents.get(&slot) {
            Some(document) => Ok(document.clone().unwrap_or(Dynamic::UNIT)),
            None => {
                self.misses.push(slot);
                Err(stop(MISS.to_owned()))
            }
        }
    }
}

/// What a call stopped for a document says, should it ever surface.
pub(crate) const MISS: &str = "squall: fetching a read-model document";

/// Stops the call in a way the script cannot catch: a board rule broken, or
/// a document to fetch, must not be swallowed by `try`/`catch`.
fn stop(message: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorTerminated(Dynamic::from(message), Position::NONE).into()
}

fn key_text(key: &Dynamic) -> Option<String> {
    if let Some(text) = key.read_lock::<ImmutableString>() {
        return Some(text.to_string());
    }
    (key.is_int() || key.is::<rust_decimal::Decimal>()).then(|| key.to_string())
}
