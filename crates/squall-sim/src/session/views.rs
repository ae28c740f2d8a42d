//! Looking into a session: aggregate states, read-model documents, events.

use serde_json::Value;
use squall_store::{Document, RecordedEvent};

use super::Session;
use crate::error::SimError;
use crate::value;

impl Session {
    /// The state of aggregate `aggregate` (by name) with id `id`, rebuilt
    /// from its events in the current branch.
    pub fn state(&mut self, aggregate: &str, id: &str) -> Result<Value, SimError> {
        let sticky = self.model.aggregate(aggregate)?;
        let stream = format!("{}-{id}", self.model.stream(sticky));
        let instance = self.cached_instance(sticky, &stream)?;
        value::to_json(&instance.state).map_err(|e| SimError::Rebuild(e.to_string()))
    }

    /// One document of a read model (by name, see `RunModel::key`) in the current branch.
    pub fn document(&self, read_model: &str, key: &str) -> Result<Option<Value>, SimError> {
        let sticky = self.model.read_model(read_model)?;
        Ok(self.store.document(&self.branch, self.model.key(sticky), key)?)
    }

    /// Every document of a read model in the current branch.
    pub fn documents(&self, read_model: &str) -> Result<Vec<Document>, SimError> {
        let sticky = self.model.read_model(read_model)?;
        Ok(self.store.documents(&self.branch, self.model.key(sticky))?)
    }

    /// The events of the current branch, or of one stream of it.
    pub fn events(&self, stream: Option<&str>) -> Result<Vec<RecordedEvent>, SimError> {
        Ok(match stream {
            Some(stream) => self.store.stream_events(&self.branch, stream)?,
            None => self.store.events(&self.branch)?,
        })
    }
}
