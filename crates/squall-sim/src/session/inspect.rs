//! Looking back in time without moving: an aggregate instance's state and
//! a read model's documents as of any position of the current branch,
//! computed in memory from the events; the store and the caches stay as
//! they are.

use std::collections::BTreeMap;

use rhai::Dynamic;
use serde_json::Value;
use squall_model::Kind;

use super::Session;
use crate::error::SimError;
use crate::script::Call;
use crate::value;

/// An aggregate instance as of a position.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceAt {
    pub stream_id: String,
    /// Its events at or before the position.
    pub version: u64,
    pub state: Value,
    /// The state before the last of those events; none when there was none.
    pub before: Option<Value>,
    /// That event's position.
    pub last_event: Option<u64>,
}

/// A read model's documents as of a position.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentsAt {
    pub documents: BTreeMap<String, Value>,
    /// The document the event at the position changed, and what it was
    /// before (none when the event created it). None when the event at the
    /// position touched none of this read model's documents.
    pub changed: Option<(String, Option<Value>)>,
}

impl Session {
    /// The stream of aggregate sticky `aggregate`'s instance `instance`:
    /// `bank_account-acc-1`.
    pub fn stream_of(&self, aggregate: &str, instance: &str) -> Result<String, SimError> {
        let sticky = self.model.sticky(aggregate, Kind::Aggregate)?;
        Ok(format!("{}-{instance}", self.model.stream(sticky)))
    }

    /// The state of aggregate sticky `aggregate`'s instance `instance` as of
    /// position `at` of the current branch (its head when `None`): its
    /// events up to there folded through the script's appliers.
    pub fn state_at(&self, aggregate: &str, instance: &str, at: Option<u64>) -> Result<InstanceAt, SimError> {
        let sticky = self.model.sticky(aggregate, Kind::Aggregate)?;
        let stream = self.stream_of(aggregate, instance)?;
        let at = self.position_or_head(at)?;
        let script = self
            .scripts
            .get(sticky)
            .cloned()
            .ok_or_else(|| SimError::NoScript { element: self.model.elements[sticky].describe() })?;
        let mut state = self.initial_state(&script)?;
        let mut before = None;
        let mut version = 0;
        let mut last_event = None;
        let mut failure = None;
        self.store.for_each_stream_event(&self.branch, &stream, 0, |event| {
            if failure.is_some() || event.position > at {
                return Ok::<(), SimError>(());
            }
            version = event.stream_version;
            last_event = Some(event.position);
            before = Some(state.clone());
            let Some(spec) = self.model.event(event.event_type) else { return Ok(()) };
            if !script.has(&spec.applier_fn) {
                return Ok(());
            }
            let payload =
                value::payload_from_json(self.model.fields(spec.element), event.payload).unwrap_or_default();
            let current = std::mem::take(&mut state);
            match script.call(&self.engine, &spec.applier_fn, (current, Dynamic::from_map(payload)), None) {
                Ok(Call::Returned(next)) => state = next,
                Ok(Call::Thrown(reason)) => {
                    failure = Some(SimError::Rebuild(format!(
                        "{}: `{}` threw: {reason}",
                        script.path, spec.applier_fn
                    )));
                }
                Err(error) => failure = Some(error.into()),
            }
            Ok(())
        })?;
        self.engine.take_logs();
        if let Some(error) = failure {
            return Err(error);
        }
        let json = |state: &Dynamic| value::to_json(state).map_err(|e| SimError::Rebuild(e.to_string()));
        Ok(InstanceAt {
            stream_id: stream,
            version,
            state: json(&state)?,
            before: before.as_ref().map(json).transpose()?,
            last_event,
        })
    }

    /// The documents of read-model sticky `read_model` as of position `at`
    /// of the current branch, replayed in memory from its events.
    pub fn documents_at(&self, read_model: &str, at: u64) -> Result<DocumentsAt, SimError> {
        let sticky = self.model.sticky(read_model, Kind::ReadModel)?;
        let at = self.position_or_head(Some(at))?;
        let (docs, touched) = self.project_until(sticky, at)?;
        let json = |doc: &Dynamic| value::to_json(doc).map_err(|e| SimError::Rebuild(e.to_string()));
        let documents =
            docs.iter().map(|(key, doc)| Ok((key.clone(), json(doc)?))).collect::<Result<_, SimError>>()?;
        let changed = match touched {
            Some((key, before)) => Some((key, before.as_ref().map(json).transpose()?)),
            None => None,
        };
        Ok(DocumentsAt { documents, changed })
    }

    /// The read model's name, for reading its stored documents.
    pub fn read_model_name(&self, read_model: &str) -> Result<String, SimError> {
        let sticky = self.model.sticky(read_model, Kind::ReadModel)?;
        Ok(self.model.key(sticky).to_owned())
    }

    fn position_or_head(&self, at: Option<u64>) -> Result<u64, SimError> {
        let head = self.store.head(&self.branch)?;
        match at {
            None => Ok(head),
            Some(at) if at <= head => Ok(at),
            Some(at) => Err(SimError::BeyondHead { at, branch: self.branch.clone(), head }),
        }
    }
}
