//! Looking into a run as the app's event log does: pages of a branch's events filtered by
//! stream, type or correlation with their total, counts per event type, the streams of an
//! aggregate, the commands of one cascade and one command by id, each seen from a branch.
//!
//! A branch sees ordered segments of its ancestors (see `branch.rs`), so each query runs once
//! per segment, as one index range scan (`events_by_branch`, the stream index, `events_by_type`,
//! `events_by_correlation`), and pages are cut across segments in position order.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;
use rusqlite::types::Value as SqlValue;

use crate::command::LoggedCommand;
use crate::error::Result;
use crate::event::RecordedEvent;
use crate::sql::{from_sql, to_sql};
use crate::store::Store;

/// Which events a page holds; what is `None` does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Exactly this stream.
    pub stream: Option<String>,
    /// Exactly this event type.
    pub event_type: Option<String>,
    /// Only events whose metadata has this `correlation_id`.
    pub correlation_id: Option<String>,
    /// Only events at or before this position.
    pub up_to: Option<u64>,
}

/// A page of events and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub total: u64,
    pub events: Vec<RecordedEvent>,
}

impl EventFilter {
    /// The WHERE clause after the segment's `branch = ?1 AND position <= ?2`, with its
    /// parameters from ?3 on. Written out per filter, so SQLite picks the index that fits.
    fn clause(&self) -> (String, Vec<SqlValue>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        let mut add = |condition: &str, value: &String| {
            params.push(SqlValue::Text(value.clone()));
            sql.push_str(&format!(" AND {condition} = ?{}", params.len() + 2));
        };
        if let Some(stream) = &self.stream {
            add("stream_id", stream);
        }
        if let Some(event_type) = &self.event_type {
            add("event_type", event_type);
        }
        if let Some(correlation) = &self.correlation_id {
            add("json_extract(metadata, '$.correlation_id')", correlation);
        }
        (sql, params)
    }
}

/// The commands of a segment's branch that the branch looking sees (?1 the segment's branch,
/// ?3 its last visible position): those processed before the first event it does not see.
/// A command that appended nothing right after the fork counts as seen.
/// Seqs and first positions grow together within a branch, so the first such command is one
/// step down `commands_by_position`.
const SEEN: &str = "AND seq < coalesce((SELECT seq FROM commands AS later \
                    WHERE later.branch = ?1 AND later.first_position > ?3 \
                    ORDER BY later.first_position LIMIT 1), 9223372036854775807)";

const EVENT_COLUMNS: &str =
    "position, branch, stream_id, stream_version, event_type, payload, metadata, recorded_at";

impl Store {
    /// Up to `limit` events visible in `branch` that match `filter`, oldest first, after
    /// skipping `offset` of them; and how many match in all.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`], [`crate::Error::EventJson`].
    pub fn event_page(
        &self,
        branch: &str,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<EventPage> {
        let ancestry = self.ancestry(branch)?;
        let up_to = filter.up_to.map_or(i64::MAX, to_sql);
        let (clause, extra) = filter.clause();
        let conn = self.conn()?;
        let mut count = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM events WHERE branch = ?1 AND position <= ?2{clause}"
            ))
            .map_err(self.sql_err("counting events"))?;
        let mut select = conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE branch = ?1 AND position <= ?2{clause} \
                 ORDER BY position LIMIT ?{} OFFSET ?{}",
                extra.len() + 3,
                extra.len() + 4
            ))
            .map_err(self.sql_err("reading a page of events"))?;
        let mut total = 0;
        let mut skip = offset;
        let mut events = Vec::new();
        for segment in &ancestry.segments {
            let upper = segment.up_to.min(up_to);
            let mut params = vec![SqlValue::Text(segment.branch.clone()), SqlValue::Integer(upper)];
            params.extend(extra.iter().cloned());
            let here: i64 = count
                .query_row(rusqlite::params_from_iter(&params), |row| row.get(0))
                .map_err(self.sql_err("counting events"))?;
            let here = from_sql(here);
            total += here;
            let wanted = limit.saturating_sub(events.len() as u64);
            if skip >= here {
                skip -= here;
                continue;
            }
            if wanted == 0 {
                continue;
            }
            params.push(SqlValue::Integer(to_sql(wanted)));
            params.push(SqlValue::Integer(to_sql(skip)));
            skip = 0;
            let mut rows = select
                .query(rusqlite::params_from_iter(&params))
                .map_err(self.sql_err("reading a page of events"))?;
            while let Some(row) = rows.next().map_err(self.sql_err("reading a page of events"))? {
                let view = crate::event::view(row).map_err(self.sql_err("decoding an event row"))?;
                events.push(view.to_recorded()?);
            }
        }
        Ok(EventPage { total, events })
    }

    /// The event at `position`, if `branch` sees it.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`], [`crate::Error::EventJson`].
    pub fn event_at(&self, branch: &str, position: u64) -> Result<Option<RecordedEvent>> {
        let ancestry = self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE position = ?1"))
            .map_err(self.sql_err("reading an event"))?;
        let mut rows = stmt.query([to_sql(position)]).map_err(self.sql_err("reading an event"))?;
        let Some(row) = rows.next().map_err(self.sql_err("reading an event"))? else { return Ok(None) };
        let view = crate::event::view(row).map_err(self.sql_err("decoding an event row"))?;
        let visible =
            ancestry.segments.iter().any(|s| s.branch == view.branch && to_sql(view.position) <= s.up_to);
        if !visible {
            return Ok(None);
        }
        view.to_recorded().map(Some)
    }

    /// The position of the event with metadata `event_id` in the cascade `correlation_id`, if
    /// `branch` sees it at or before `up_to` (anywhere when `None`). The correlation makes it one
    /// range of `events_by_correlation` per segment.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`].
    pub fn event_position(
        &self,
        branch: &str,
        correlation_id: &str,
        event_id: &str,
        up_to: Option<u64>,
    ) -> Result<Option<u64>> {
        let ancestry = self.ancestry(branch)?;
        let up_to = up_to.map_or(i64::MAX, to_sql);
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT position FROM events WHERE branch = ?1 \
                 AND json_extract(metadata, '$.correlation_id') = ?2 AND position <= ?3 \
                 AND json_extract(metadata, '$.event_id') = ?4 LIMIT 1",
            )
            .map_err(self.sql_err("finding an event by id"))?;
        for segment in ancestry.segments.iter().rev() {
            let found: Option<i64> = stmt
                .query_row(
                    rusqlite::params![segment.branch, correlation_id, segment.up_to.min(up_to), event_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(self.sql_err("finding an event by id"))?;
            if let Some(position) = found {
                return Ok(Some(from_sql(position)));
            }
        }
        Ok(None)
    }

    /// How many events of each type `branch` sees after position `after` (0: all of them).
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`].
    pub fn event_type_counts(&self, branch: &str, after: u64) -> Result<BTreeMap<String, u64>> {
        let ancestry = self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT event_type, count(*) FROM events \
                 WHERE branch = ?1 AND position > ?2 AND position <= ?3 GROUP BY event_type",
            )
            .map_err(self.sql_err("counting events by type"))?;
        let mut counts = BTreeMap::new();
        for segment in &ancestry.segments {
            let rows = stmt
                .query_map(rusqlite::params![segment.branch, to_sql(after), segment.up_to], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(self.sql_err("counting events by type"))?;
            for (event_type, count) in rows {
                *counts.entry(event_type).or_insert(0) += from_sql(count);
            }
        }
        Ok(counts)
    }

    /// How many commands `branch` has processed, and how many of them were rejected: its own,
    /// and each ancestor's up to the first of its events the branch does not see.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`].
    pub fn command_counts(&self, branch: &str) -> Result<(u64, u64)> {
        let ancestry = self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT count(*), coalesce(sum(outcome = 'rejected'), 0) FROM commands \
                     WHERE branch = ?1 {SEEN}"
            ))
            .map_err(self.sql_err("counting commands"))?;
        let (mut all, mut rejected) = (0, 0);
        for segment in &ancestry.segments {
            let (a, r): (i64, i64) = stmt
                .query_row(rusqlite::params![segment.branch, "", segment.up_to], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .map_err(self.sql_err("counting commands"))?;
            all += from_sql(a);
            rejected += from_sql(r);
        }
        Ok((all, rejected))
    }

    /// The commands `branch` itself processed after command-log seq `after`: how many, how many
    /// were rejected, and the last one's seq (`after` when there is none). With the seq of the
    /// whole log's last command, counts kept by a caller stay current for a few rows' cost.
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`].
    pub fn commands_after(&self, branch: &str, after: u64) -> Result<(u64, u64, u64)> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(outcome = 'rejected'), 0), coalesce(max(seq), ?2) \
                 FROM commands WHERE seq > ?2 AND branch = ?1",
            )
            .map_err(self.sql_err("counting commands"))?;
        let (all, rejected, last): (i64, i64, i64) = stmt
            .query_row(rusqlite::params![branch, to_sql(after)], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .map_err(self.sql_err("counting commands"))?;
        Ok((from_sql(all), from_sql(rejected), from_sql(last)))
    }

    /// The seq of the command log's last row, on any branch (0 for an empty log).
    ///
    /// # Errors
    /// [`crate::Error::Sqlite`].
    pub fn last_command_seq(&self) -> Result<u64> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM commands")
            .map_err(self.sql_err("reading the command log"))?;
        let last: i64 =
            stmt.query_row([], |row| row.get(0)).map_err(self.sql_err("reading the command log"))?;
        Ok(from_sql(last))
    }

    /// A processed command by id, as `branch` sees it: logged in the branch or in an ancestor.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`], [`crate::Error::Json`].
    pub fn find_command(&self, branch: &str, command_id: &str) -> Result<Option<LoggedCommand>> {
        let ancestry = self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {} FROM commands WHERE branch = ?1 AND command_id = ?2 {SEEN}",
                crate::command::LOG_COLUMNS
            ))
            .map_err(self.sql_err("reading the command log"))?;
        for segment in ancestry.segments.iter().rev() {
            let mut rows = stmt
                .query(rusqlite::params![segment.branch, command_id, segment.up_to])
                .map_err(self.sql_err("reading the command log"))?;
            if let Some(row) = rows.next().map_err(self.sql_err("reading the command log"))? {
                return self.logged_command_from(row).map(Some);
            }
        }
        Ok(None)
    }

    /// Every command of one cascade (the commands whose metadata has `correlation_id`) that
    /// `branch` has processed, in processing order: the one that started it, found by its id,
    /// and those policies issued, by `commands_by_correlation`, which holds only those.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`], [`crate::Error::Json`].
    pub fn cascade_commands(&self, branch: &str, correlation_id: &str) -> Result<Vec<LoggedCommand>> {
        let ancestry = self.ancestry(branch)?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {columns} FROM commands WHERE branch = ?1 AND command_id = ?2 \
                 AND json_extract(metadata, '$.correlation_id') = ?2 {SEEN} \
                 UNION ALL \
                 SELECT {columns} FROM commands WHERE branch = ?1 \
                 AND json_extract(metadata, '$.correlation_id') = ?2 \
                 AND json_extract(metadata, '$.correlation_id') <> command_id {SEEN} ORDER BY seq",
                columns = crate::command::LOG_COLUMNS
            ))
            .map_err(self.sql_err("reading a cascade"))?;
        let mut found = Vec::new();
        for segment in &ancestry.segments {
            let mut rows = stmt
                .query(rusqlite::params![segment.branch, correlation_id, segment.up_to])
                .map_err(self.sql_err("reading a cascade"))?;
            while let Some(row) = rows.next().map_err(self.sql_err("reading a cascade"))? {
                found.push(self.logged_command_from(row)?);
            }
        }
        Ok(found)
    }

    /// The streams whose id starts with `prefix` that `branch` sees at or before `up_to`, with
    /// their version there, in stream order.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`].
    pub fn streams(&self, branch: &str, prefix: &str, up_to: Option<u64>) -> Result<Vec<(String, u64)>> {
        let ancestry = self.ancestry(branch)?;
        let up_to = up_to.map_or(i64::MAX, to_sql);
        let conn = self.conn()?;
        // A range over the stream index rather than LIKE, which would not use it.
        let mut stmt = conn
            .prepare_cached(
                "SELECT stream_id, max(stream_version) FROM events \
                 WHERE branch = ?1 AND stream_id >= ?2 AND stream_id < ?3 AND position <= ?4 \
                 GROUP BY stream_id",
            )
            .map_err(self.sql_err("listing streams"))?;
        let end = format!("{prefix}\u{10FFFF}");
        let mut streams = BTreeMap::new();
        for segment in &ancestry.segments {
            let upper = segment.up_to.min(up_to);
            let rows = stmt
                .query_map(rusqlite::params![segment.branch, prefix, end, upper], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(self.sql_err("listing streams"))?;
            for (stream, version) in rows {
                // Versions continue across segments: the later segment's is the latest.
                streams.insert(stream, from_sql(version));
            }
        }
        Ok(streams.into_iter().collect())
    }

    /// Distinct values of the top-level `field` in the payloads of events and processed commands
    /// `branch` sees, at most `limit`, most recent first. For suggesting known ids in a form.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`].
    pub fn payload_values(&self, branch: &str, field: &str, limit: usize) -> Result<Vec<serde_json::Value>> {
        let ancestry = self.ancestry(branch)?;
        let path = format!("$.\"{}\"", field.replace('"', "\"\""));
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT value FROM ( \
                     SELECT json_extract(payload, ?3) AS value, position AS at FROM events \
                     WHERE branch = ?1 AND position <= ?2 \
                 ) WHERE value IS NOT NULL GROUP BY value ORDER BY max(at) DESC LIMIT ?4",
            )
            .map_err(self.sql_err("reading payload values"))?;
        let mut values: Vec<serde_json::Value> = Vec::new();
        for segment in ancestry.segments.iter().rev() {
            let rows = stmt
                .query_map(
                    rusqlite::params![segment.branch, segment.up_to, path, to_sql(limit as u64)],
                    |row| row.get::<_, SqlValue>(0),
                )
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(self.sql_err("reading payload values"))?;
            for value in rows.into_iter().filter_map(json_of) {
                if values.len() < limit && !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        // Commands that were refused appended nothing, but their ids were typed by someone.
        let mut stmt = conn
            .prepare_cached(
                "SELECT value FROM ( \
                     SELECT json_extract(payload, ?2) AS value, seq FROM commands WHERE branch = ?1 \
                 ) WHERE value IS NOT NULL GROUP BY value ORDER BY max(seq) DESC LIMIT ?3",
            )
            .map_err(self.sql_err("reading payload values"))?;
        for segment in ancestry.segments.iter().rev() {
            let rows = stmt
                .query_map(rusqlite::params![segment.branch, path, to_sql(limit as u64)], |row| {
                    row.get::<_, SqlValue>(0)
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(self.sql_err("reading payload values"))?;
            for value in rows.into_iter().filter_map(json_of) {
                if values.len() < limit && !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        Ok(values)
    }
}

fn json_of(value: SqlValue) -> Option<serde_json::Value> {
    match value {
        SqlValue::Text(text) => Some(serde_json::Value::String(text)),
        SqlValue::Integer(i) => Some(serde_json::Value::from(i)),
        SqlValue::Real(r) => serde_json::Number::from_f64(r).map(serde_json::Value::Number),
        SqlValue::Null | SqlValue::Blob(_) => None,
    }
}
