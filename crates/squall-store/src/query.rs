//! Read-only SQL for `squall query`: any SELECT over the store, rows as JSON values.

use rusqlite::types::ValueRef;
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};
use crate::store::Store;

/// The result of a read-only query: column names and rows of JSON values. SQLite's NULL,
/// INTEGER, REAL and TEXT map to JSON null, number and string (JSON columns stay strings; use
/// `json(...)` or `json_extract(...)` in SQL to pick inside them); a BLOB becomes an
/// `X'..'`-style hex string; a non-finite REAL becomes null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl QueryRows {
    /// Each row as a JSON object keyed by column name (later duplicate names win).
    pub fn to_objects(&self) -> Vec<Map<String, Value>> {
        self.rows.iter().map(|row| self.columns.iter().cloned().zip(row.iter().cloned()).collect()).collect()
    }
}

fn to_json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(r) => Number::from_f64(r).map_or(Value::Null, Value::Number),
        ValueRef::Text(bytes) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => {
            let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            Value::String(format!("X'{hex}'"))
        }
    }
}

impl Store {
    /// Runs one SQL statement that only reads, e.g.
    /// `SELECT json_extract(document, '$.balance') FROM documents WHERE read_model = 'accounts'`.
    /// A statement that would write is refused before it runs, on any store; on a store from
    /// [`Store::open_read_only`] SQLite itself refuses writes as well.
    ///
    /// # Errors
    /// [`Error::QueryWrites`] for a writing statement, [`Error::Sqlite`] for invalid SQL or
    /// several statements.
    pub fn query(&self, sql: &str) -> Result<QueryRows> {
        self.query_limited(sql, usize::MAX).map(|(rows, _)| rows)
    }

    /// [`Store::query`] keeping at most `limit` rows; the flag says whether more matched.
    ///
    /// # Errors
    /// As [`Store::query`].
    pub fn query_limited(&self, sql: &str, limit: usize) -> Result<(QueryRows, bool)> {
        // Plain SQL must see the open batch's read models as the API does.
        self.flush_deferred()?;
        let conn = self.conn()?;
        let mut stmt = conn.prepare(sql).map_err(self.sql_err("preparing the query"))?;
        if !stmt.readonly() {
            return Err(Error::QueryWrites { location: self.location.clone(), sql: sql.trim().to_owned() });
        }
        let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let width = columns.len();
        let mut rows = stmt.query([]).map_err(self.sql_err("running the query"))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(self.sql_err("running the query"))? {
            if out.len() == limit {
                return Ok((QueryRows { columns, rows: out }, true));
            }
            let values = (0..width)
                .map(|i| row.get_ref(i).map(to_json))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(self.sql_err("reading a query row"))?;
            out.push(values);
        }
        Ok((QueryRows { columns, rows: out }, false))
    }
}
