//! Looking into a session: aggregate states, read-model documents, events.

use serde_json::Value;
use squall_model::Kind;
use squall_store::{Document, RecordedEvent};

use super::Session;
use crate::error::SimError;
use crate::model::sorted;
use crate::value;
use squall_model::contract;

impl Session {
    /// The state of aggregate `aggregate` (by name) with id `id`, rebuilt
    /// from its events in the current branch.
    pub fn state(&mut self, aggregate: &str, id: &str) -> Result<Value, SimError> {
        let (sticky, element) = self
            .model
            .scripted(Kind::Aggregate)
            .find(|(_, e)| e.name == aggregate)
            .map(|(i, e)| (i, e.name.clone()))
            .ok_or_else(|| SimError::UnknownAggregate {
                name: aggregate.to_owned(),
                known: sorted(self.model.scripted(Kind::Aggregate).map(|(_, e)| &e.name)),
            })?;
        let stream = format!("{}-{id}", contract::identifier(&element));
        let instance = self.cached_instance(sticky, &stream)?;
        value::to_json(&instance.state).map_err(|e| SimError::Rebuild(e.to_string()))
    }

    /// One document of a read model in the current branch.
    pub fn document(&self, read_model: &str, key: &str) -> Result<Option<Value>, SimError> {
        self.known_read_model(read_model)?;
        Ok(self.store.document(&self.branch, read_model, key)?)
    }

    /// Every document of a read model in the current branch.
    pub fn documents(&self, read_model: &str) -> Result<Vec<Document>, SimError> {
        self.known_read_model(read_model)?;
        Ok(self.store.documents(&self.branch, read_model)?)
    }

    /// The events of the current branch, or of one stream of it.
    pub fn events(&self, stream: Option<&str>) -> Result<Vec<RecordedEvent>, SimError> {
        Ok(match stream {
            Some(stream) => self.store.stream_events(&self.branch, stream)?,
            None => self.store.events(&self.branch)?,
        })
    }

    fn known_read_model(&self, name: &str) -> Result<(), SimError> {
        if self.model.scripted(Kind::ReadModel).any(|(_, e)| e.name == name) {
            return Ok(());
        }
        Err(SimError::UnknownReadModel {
            name: name.to_owned(),
            known: sorted(self.model.scripted(Kind::ReadModel).map(|(_, e)| &e.name)),
        })
    }
}
