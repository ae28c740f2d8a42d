//! Read models materialised as JSON documents, and projection checkpoints, per branch.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::sql::{from_sql, to_sql};
use crate::store::Store;

/// A change to one document of a read model.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentChange {
    /// Inserts the document, or replaces it whole.
    Upsert { read_model: String, key: String, document: Value },
    /// Removes the document if present.
    Delete { read_model: String, key: String },
}

/// A document of a read model.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub key: String,
    pub document: Value,
}

/// A projection's checkpoint: the last position it has applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub projection: String,
    pub position: u64,
}

impl Store {
    /// One document, or `None`.
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`], [`crate::Error::Json`].
    pub fn document(&self, branch: &str, read_model: &str, key: &str) -> Result<Option<Value>> {
        let what = || format!("document {key:?} of read model {read_model} (branch {branch})");
        if let Some(state) = self.batch_state()
            && let Some(deferred) = state.deferred_document(branch, read_model, key)
        {
            return Ok(deferred.cloned());
        }
        let text: Option<String> = self
            .conn()?
            .prepare_cached(
                "SELECT document FROM documents WHERE branch = ?1 AND read_model = ?2 AND key = ?3",
            )
            .and_then(|mut stmt| stmt.query_row([branch, read_model, key], |row| row.get(0)).optional())
            .map_err(self.sql_err("reading a document"))?;
        text.map(|text| serde_json::from_str(&text).map_err(|source| self.json_error(what(), source)))
            .transpose()
    }

    /// All documents of a read model, ordered by key.
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`], [`crate::Error::Json`].
    pub fn documents(&self, branch: &str, read_model: &str) -> Result<Vec<Document>> {
        self.flush_deferred()?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT key, document FROM documents WHERE branch = ?1 AND read_model = ?2 ORDER BY key",
            )
            .map_err(self.sql_err("listing documents"))?;
        let mut rows = stmt.query([branch, read_model]).map_err(self.sql_err("listing documents"))?;
        let mut documents = Vec::new();
        while let Some(row) = rows.next().map_err(self.sql_err("listing documents"))? {
            let (key, text) =
                (|| -> rusqlite::Result<_> { Ok((row.get::<_, String>(0)?, row.get_ref(1)?.as_str()?)) })()
                    .map_err(self.sql_err("decoding a document row"))?;
            let document = serde_json::from_str(text).map_err(|source| {
                self.json_error(
                    format!("document {key:?} of read model {read_model} (branch {branch})"),
                    source,
                )
            })?;
            documents.push(Document { key, document });
        }
        Ok(documents)
    }

    /// The position a projection of `branch` has applied up to (0 if it never ran).
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`].
    pub fn checkpoint(&self, branch: &str, projection: &str) -> Result<u64> {
        if let Some(position) =
            self.batch_state().and_then(|state| state.deferred_checkpoint(branch, projection))
        {
            return Ok(position);
        }
        let position: Option<i64> = self
            .conn()?
            .prepare_cached("SELECT position FROM checkpoints WHERE branch = ?1 AND projection = ?2")
            .and_then(|mut stmt| stmt.query_row([branch, projection], |row| row.get(0)).optional())
            .map_err(self.sql_err("reading a checkpoint"))?;
        Ok(position.map_or(0, from_sql))
    }

    /// All checkpoints of `branch`, ordered by projection.
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`].
    pub fn checkpoints(&self, branch: &str) -> Result<Vec<Checkpoint>> {
        self.flush_deferred()?;
        self.conn()?
            .prepare_cached(
                "SELECT projection, position FROM checkpoints WHERE branch = ?1 ORDER BY projection",
            )
            .and_then(|mut stmt| {
                stmt.query_map([branch], |row| {
                    Ok(Checkpoint { projection: row.get(0)?, position: from_sql(row.get(1)?) })
                })?
                .collect()
            })
            .map_err(self.sql_err("listing checkpoints"))
    }

    /// Deletes every document and checkpoint of `branch`, in one transaction, before a replay.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::ReadOnly`], [`crate::Error::Sqlite`].
    pub fn clear_read_models(&mut self, branch: &str) -> Result<()> {
        self.write("clear_read_models", |store| {
            store.ancestry(branch)?;
            for sql in
                ["DELETE FROM documents WHERE branch = ?1", "DELETE FROM checkpoints WHERE branch = ?1"]
            {
                store
                    .conn()?
                    .prepare_cached(sql)
                    .and_then(|mut stmt| stmt.execute([branch]))
                    .map_err(store.sql_err("clearing read models"))?;
            }
            Ok(())
        })?;
        if let Some(mut state) = self.batch_state() {
            state.drop_read_models(branch);
        }
        Ok(())
    }

    /// Applies document changes and sets checkpoints in one transaction (or as part of the open
    /// batch): what a replay writes after applying a run of events.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::ReadOnly`], [`crate::Error::Sqlite`].
    pub fn update_read_models(
        &mut self,
        branch: &str,
        changes: &[DocumentChange],
        checkpoints: &[Checkpoint],
    ) -> Result<()> {
        self.write("update_read_models", |store| {
            store.ancestry(branch)?;
            store.store_documents(branch, changes.to_vec())?;
            for checkpoint in checkpoints {
                store.store_checkpoint(branch, &checkpoint.projection, checkpoint.position)?;
            }
            Ok(())
        })
    }

    /// Writes the changes now, or defers them to the end of the open batch.
    pub(crate) fn store_documents(&self, branch: &str, changes: Vec<DocumentChange>) -> Result<()> {
        if let Some(mut state) = self.batch_state() {
            for change in changes {
                match change {
                    DocumentChange::Upsert { read_model, key, document } => {
                        state.defer_document(branch, &read_model, key, Some(document));
                    }
                    DocumentChange::Delete { read_model, key } => {
                        state.defer_document(branch, &read_model, key, None);
                    }
                }
            }
            return Ok(());
        }
        for change in &changes {
            match change {
                DocumentChange::Upsert { read_model, key, document } => {
                    self.write_document(branch, read_model, key, Some(document))?;
                }
                DocumentChange::Delete { read_model, key } => {
                    self.write_document(branch, read_model, key, None)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the checkpoint now, or defers it to the end of the open batch.
    pub(crate) fn store_checkpoint(&self, branch: &str, projection: &str, position: u64) -> Result<()> {
        if let Some(mut state) = self.batch_state() {
            state.defer_checkpoint(branch, projection, position);
            return Ok(());
        }
        self.write_checkpoint(branch, projection, position)
    }

    pub(crate) fn write_document(
        &self,
        branch: &str,
        read_model: &str,
        key: &str,
        document: Option<&Value>,
    ) -> Result<()> {
        write_document(&*self.conn()?, &self.location, branch, read_model, key, document)
    }

    pub(crate) fn write_checkpoint(&self, branch: &str, projection: &str, position: u64) -> Result<()> {
        write_checkpoint(&*self.conn()?, &self.location, branch, projection, position)
    }
}

/// Upserts a document, or deletes it (`None`).
pub(crate) fn write_document(
    conn: &Connection,
    location: &str,
    branch: &str,
    read_model: &str,
    key: &str,
    document: Option<&Value>,
) -> Result<()> {
    let sql_err =
        |operation| move |source| Error::Sqlite { location: location.to_owned(), operation, source };
    match document {
        Some(document) => {
            let text = serde_json::to_string(document).map_err(|source| Error::Json {
                location: location.to_owned(),
                what: format!("document {key:?} of read model {read_model}"),
                source,
            })?;
            conn.prepare_cached(
                "INSERT INTO documents (branch, read_model, key, document) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (branch, read_model, key) DO UPDATE SET document = excluded.document",
            )
            .and_then(|mut stmt| stmt.execute(params![branch, read_model, key, text]))
            .map_err(sql_err("writing a document"))?
        }
        None => conn
            .prepare_cached("DELETE FROM documents WHERE branch = ?1 AND read_model = ?2 AND key = ?3")
            .and_then(|mut stmt| stmt.execute(params![branch, read_model, key]))
            .map_err(sql_err("deleting a document"))?,
    };
    Ok(())
}

pub(crate) fn write_checkpoint(
    conn: &Connection,
    location: &str,
    branch: &str,
    projection: &str,
    position: u64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO checkpoints (branch, projection, position) VALUES (?1, ?2, ?3) \
         ON CONFLICT (branch, projection) DO UPDATE SET position = excluded.position",
    )
    .and_then(|mut stmt| stmt.execute(params![branch, projection, to_sql(position)]))
    .map_err(|source| Error::Sqlite {
        location: location.to_owned(),
        operation: "writing a checkpoint",
        source,
    })?;
    Ok(())
}
