//! Events: what is appended, what is read back, and streaming reads in position order.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::sql::{from_sql, to_sql};
use crate::store::Store;

/// The `metadata` JSON of an event. Identifiers are opaque strings chosen by the simulator
/// (deterministic ids keep runs reproducible). Absent optional fields are omitted from the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// Unique id of this event.
    pub event_id: String,
    /// Id of the command whose step appended the event.
    pub command_id: String,
    /// Id of the message that directly caused the event (usually the command).
    pub causation_id: String,
    /// Id shared by everything that follows from one initial command (user action or scenario
    /// step), across policies and commands they issue.
    pub correlation_id: String,
    /// The board element (sticky) that emitted the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky_id: Option<String>,
    /// Hash of the script version that decided the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_hash: Option<String>,
    /// Who issued the originating command: e.g. `user:ada`, `policy:<sticky>`, `scenario:<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Anything else, kept as top-level keys of the metadata object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An event to append in a step.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub stream_id: String,
    /// The version the stream must be at (as visible in the step's branch) before this event;
    /// 0 for a new stream. The event gets `expected_version + 1`. For several events on one
    /// stream in one step, each expects the version the previous one produced.
    pub expected_version: u64,
    pub event_type: String,
    pub payload: Value,
    pub metadata: EventMetadata,
}

/// A stored event, borrowed from the row being read: no allocation until you ask for one.
/// `payload` and `metadata` are the raw JSON text as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventView<'a> {
    pub position: u64,
    pub branch: &'a str,
    pub stream_id: &'a str,
    pub stream_version: u64,
    pub event_type: &'a str,
    pub payload: &'a str,
    pub metadata: &'a str,
    pub recorded_at: &'a str,
}

/// An owned, parsed event.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: u64,
    /// The branch the event was appended to (an ancestor, for events inherited by a fork).
    pub branch: String,
    pub stream_id: String,
    pub stream_version: u64,
    pub event_type: String,
    pub payload: Value,
    pub metadata: EventMetadata,
    pub recorded_at: String,
}

impl EventView<'_> {
    /// Parses the payload.
    ///
    /// # Errors
    /// [`Error::Json`] if the stored text is not JSON (only possible if edited by hand).
    pub fn payload_value(&self) -> Result<Value> {
        serde_json::from_str(self.payload).map_err(|source| self.json_error("payload", source))
    }

    /// Parses the metadata.
    ///
    /// # Errors
    /// [`Error::Json`] if the stored text is not an [`EventMetadata`] object.
    pub fn parsed_metadata(&self) -> Result<EventMetadata> {
        serde_json::from_str(self.metadata).map_err(|source| self.json_error("metadata", source))
    }

    /// Copies and parses the event.
    ///
    /// # Errors
    /// As [`EventView::payload_value`] and [`EventView::parsed_metadata`].
    pub fn to_recorded(&self) -> Result<RecordedEvent> {
        Ok(RecordedEvent {
            position: self.position,
            branch: self.branch.to_owned(),
            stream_id: self.stream_id.to_owned(),
            stream_version: self.stream_version,
            event_type: self.event_type.to_owned(),
            payload: self.payload_value()?,
            metadata: self.parsed_metadata()?,
            recorded_at: self.recorded_at.to_owned(),
        })
    }

    fn json_error(&self, column: &'static str, source: serde_json::Error) -> Error {
        Error::EventJson { branch: self.branch.to_owned(), position: self.position, column, source }
    }
}

const EVENT_COLUMNS: &str =
    "position, branch, stream_id, stream_version, event_type, payload, metadata, recorded_at";

pub(crate) fn view<'r>(row: &'r rusqlite::Row<'_>) -> rusqlite::Result<EventView<'r>> {
    Ok(EventView {
        position: from_sql(row.get(0)?),
        branch: row.get_ref(1)?.as_str()?,
        stream_id: row.get_ref(2)?.as_str()?,
        stream_version: from_sql(row.get(3)?),
        event_type: row.get_ref(4)?.as_str()?,
        payload: row.get_ref(5)?.as_str()?,
        metadata: row.get_ref(6)?.as_str()?,
        recorded_at: row.get_ref(7)?.as_str()?,
    })
}

impl Store {
    /// Calls `f` for every event visible in `branch` with `after < position <= up_to`
    /// (`up_to: None` = up to the head), in position order, holding one row at a time.
    /// Returns how many events were visited. Stops at the first error `f` returns.
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`], or `f`'s error.
    pub fn for_each_event<E, F>(
        &self,
        branch: &str,
        after: u64,
        up_to: Option<u64>,
        mut f: F,
    ) -> std::result::Result<u64, E>
    where
        E: From<Error>,
        F: FnMut(&EventView<'_>) -> std::result::Result<(), E>,
    {
        let ancestry = self.ancestry(branch)?;
        let after = to_sql(after);
        let up_to = up_to.map_or(i64::MAX, to_sql);
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events \
                 WHERE branch = ?1 AND position > ?2 AND position <= ?3 ORDER BY position"
            ))
            .map_err(self.sql_err("reading events"))?;
        let mut visited = 0;
        for segment in &ancestry.segments {
            let upper = segment.up_to.min(up_to);
            if upper <= after {
                continue;
            }
            visited += self.visit(&mut stmt, (&segment.branch, after, upper), &mut f)?;
        }
        Ok(visited)
    }

    /// Calls `f` for the events of one stream visible in `branch` with a version above
    /// `after_version`, in version order. Used to rebuild an aggregate.
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`], or `f`'s error.
    pub fn for_each_stream_event<E, F>(
        &self,
        branch: &str,
        stream: &str,
        after_version: u64,
        mut f: F,
    ) -> std::result::Result<u64, E>
    where
        E: From<Error>,
        F: FnMut(&EventView<'_>) -> std::result::Result<(), E>,
    {
        let ancestry = self.ancestry(branch)?;
        let after_version = to_sql(after_version);
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events \
                 WHERE branch = ?1 AND stream_id = ?2 AND stream_version > ?3 AND position <= ?4 \
                 ORDER BY stream_version"
            ))
            .map_err(self.sql_err("reading a stream"))?;
        let mut visited = 0;
        for segment in &ancestry.segments {
            let params = (&segment.branch, stream, after_version, segment.up_to);
            visited += self.visit(&mut stmt, params, &mut f)?;
        }
        Ok(visited)
    }

    /// Every event visible in `branch`, parsed. Convenient for tests and small stores; use
    /// [`Store::for_each_event`] to stream large ones.
    ///
    /// # Errors
    /// As [`Store::for_each_event`], plus [`Error::Json`].
    pub fn events(&self, branch: &str) -> Result<Vec<RecordedEvent>> {
        let mut events = Vec::new();
        self.for_each_event(branch, 0, None, |event| {
            events.push(event.to_recorded()?);
            Ok::<_, Error>(())
        })?;
        Ok(events)
    }

    /// The events of one stream visible in `branch`, parsed, in version order.
    ///
    /// # Errors
    /// As [`Store::for_each_stream_event`], plus [`Error::Json`].
    pub fn stream_events(&self, branch: &str, stream: &str) -> Result<Vec<RecordedEvent>> {
        let mut events = Vec::new();
        self.for_each_stream_event(branch, stream, 0, |event| {
            events.push(event.to_recorded()?);
            Ok::<_, Error>(())
        })?;
        Ok(events)
    }

    fn visit<E, F, P>(
        &self,
        stmt: &mut rusqlite::CachedStatement<'_>,
        params: P,
        f: &mut F,
    ) -> std::result::Result<u64, E>
    where
        E: From<Error>,
        F: FnMut(&EventView<'_>) -> std::result::Result<(), E>,
        P: rusqlite::Params,
    {
        let mut rows = stmt.query(params).map_err(self.sql_err("reading events"))?;
        let mut visited = 0;
        while let Some(row) = rows.next().map_err(self.sql_err("reading events"))? {
            let event = view(row).map_err(self.sql_err("decoding an event row"))?;
            f(&event)?;
            visited += 1;
        }
        Ok(visited)
    }
}
