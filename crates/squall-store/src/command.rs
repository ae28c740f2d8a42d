//! Commands and the command log: every processed command with its outcome, append-only.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::sql::from_sql;
use crate::store::Store;

/// The `metadata` JSON of a command (in the log and in the queue).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommandMetadata {
    /// Id shared by everything that follows from one initial command.
    pub correlation_id: String,
    /// Id of the event whose policy issued the command; `None` for user or scenario commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<String>,
    /// The board element (command sticky) the command targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky_id: Option<String>,
    /// Who issued it: e.g. `user:ada`, `policy:<sticky>`, `scenario:<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Hash of the script version that decided the command (set in the log, not the queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_hash: Option<String>,
    /// For a command queued outside a step ([`Store::enqueue`], e.g. typed by a user): the
    /// store's last position when it was queued, set by the store. A fork at a later position
    /// finds the command pending there (see [`Store::pending_at`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_after: Option<u64>,
    /// Anything else, kept as top-level keys of the metadata object.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A command as issued: what goes into the queue and the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// Unique per branch: the log refuses to record the same id twice on a branch.
    pub id: String,
    pub command_type: String,
    pub payload: Value,
    pub metadata: CommandMetadata,
}

/// What the decider made of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Rejected { reason: String },
}

/// A row of the command log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedCommand {
    /// Order in which commands were processed, across all branches.
    pub seq: u64,
    pub branch: String,
    pub command: Command,
    pub outcome: Outcome,
    /// Positions of the events the command appended; `None` when it appended none.
    pub positions: Option<(u64, u64)>,
    pub recorded_at: String,
}

impl Command {
    /// The payload and metadata as JSON text; `location` names the store in errors.
    pub(crate) fn encode(&self, location: &str) -> Result<(String, String)> {
        let json_error =
            |what: String| move |source| crate::Error::Json { location: location.to_owned(), what, source };
        let payload = serde_json::to_string(&self.payload)
            .map_err(json_error(format!("the payload of command {:?}", self.id)))?;
        let metadata = serde_json::to_string(&self.metadata)
            .map_err(json_error(format!("the metadata of command {:?}", self.id)))?;
        Ok((payload, metadata))
    }

    pub(crate) fn decode(
        store: &Store,
        id: String,
        command_type: String,
        payload: &str,
        metadata: &str,
    ) -> Result<Self> {
        let payload = serde_json::from_str(payload)
            .map_err(|source| store.json_error(format!("the payload of command {id:?}"), source))?;
        let metadata = serde_json::from_str(metadata)
            .map_err(|source| store.json_error(format!("the metadata of command {id:?}"), source))?;
        Ok(Self { id, command_type, payload, metadata })
    }
}

pub(crate) const LOG_COLUMNS: &str = "seq, branch, command_id, command_type, payload, metadata, outcome, \
                           reason, first_position, last_position, recorded_at";

impl Store {
    /// The command log of `branch`, in processing order.
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`], [`Error::Json`].
    pub fn command_log(&self, branch: &str) -> Result<Vec<LoggedCommand>> {
        self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {LOG_COLUMNS} FROM commands WHERE branch = ?1 ORDER BY seq"))
            .map_err(self.sql_err("reading the command log"))?;
        let mut rows = stmt.query([branch]).map_err(self.sql_err("reading the command log"))?;
        let mut log = Vec::new();
        while let Some(row) = rows.next().map_err(self.sql_err("reading the command log"))? {
            log.push(self.logged_command_from(row)?);
        }
        Ok(log)
    }

    /// One command of the log, by id.
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`], [`Error::Json`].
    pub fn logged_command(&self, branch: &str, command_id: &str) -> Result<Option<LoggedCommand>> {
        self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM commands WHERE branch = ?1 AND command_id = ?2"
            ))
            .map_err(self.sql_err("reading the command log"))?;
        let mut rows = stmt.query([branch, command_id]).map_err(self.sql_err("reading the command log"))?;
        rows.next()
            .map_err(self.sql_err("reading the command log"))?
            .map(|row| self.logged_command_from(row))
            .transpose()
    }

    pub(crate) fn logged_command_from(&self, row: &rusqlite::Row<'_>) -> Result<LoggedCommand> {
        let read = || -> rusqlite::Result<_> {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get_ref(4)?.as_str()?,
                row.get_ref(5)?.as_str()?,
                row.get_ref(6)?.as_str()?,
                row.get::<_, Option<String>>(7)?,
                row.get::<_, Option<i64>>(8)?,
                row.get::<_, Option<i64>>(9)?,
                row.get::<_, String>(10)?,
            ))
        };
        let (seq, branch, id, command_type, payload, metadata, outcome, reason, first, last, at) =
            read().map_err(self.sql_err("decoding a command log row"))?;
        let outcome = match (outcome, reason) {
            ("rejected", Some(reason)) => Outcome::Rejected { reason },
            _ => Outcome::Accepted,
        };
        Ok(LoggedCommand {
            seq: from_sql(seq),
            branch,
            command: Command::decode(self, id, command_type, payload, metadata)?,
            outcome,
            positions: first.zip(last).map(|(f, l)| (from_sql(f), from_sql(l))),
            recorded_at: at,
        })
    }

    /// Whether `command_id` is already in the log of `branch`.
    ///
    /// # Errors
    /// [`Error::Sqlite`].
    pub fn is_processed(&self, branch: &str, command_id: &str) -> Result<bool> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT 1 FROM commands WHERE branch = ?1 AND command_id = ?2")
            .map_err(self.sql_err("reading the command log"))?;
        stmt.query_row([branch, command_id], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
            .map_err(self.sql_err("reading the command log"))
    }
}
