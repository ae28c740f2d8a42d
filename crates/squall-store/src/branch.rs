//! Branches: what-if timelines forked from another branch at a global position.
//!
//! Visibility rule: a branch sees its own events, plus each ancestor's own events up to the
//! smallest fork position on the path from the branch to that ancestor. The rule is stored
//! flattened in `branch_ancestry` (one row per branch and ancestor-or-self), so plain SQL can
//! join against it and the store can read a branch's events as ordered segments, root first.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};

use crate::error::{Error, Result};
use crate::sql::{from_sql, to_sql};
use crate::store::Store;

/// The branch every store starts with.
pub const MAIN: &str = "main";

/// A row of the `branches` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub name: String,
    /// `None` for `main`.
    pub parent: Option<String>,
    /// The last position of the parent visible in this branch; `None` for `main`.
    pub fork_position: Option<u64>,
    /// The caller's (virtual) clock when the branch was created; `None` for `main`.
    pub created_at: Option<String>,
}

/// One ancestor-or-self of a branch and the last position of its own events the branch sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) branch: String,
    pub(crate) up_to: i64,
}

/// A branch's segments, root first, the branch itself last. Positions grow along the list:
/// every event of a segment comes after every visible event of the segments before it,
/// because a branch is forked at or below its parent's head and only appends afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ancestry {
    pub(crate) segments: Vec<Segment>,
}

fn validate_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > 200 {
        "it is longer than 200 bytes"
    } else if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        "it contains whitespace or control characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidBranchName { branch: name.to_owned(), reason })
}

impl Store {
    /// Forks `name` from `from_branch`: the new branch sees what `from_branch` saw up to
    /// `at_position`, and nothing appended to `from_branch` afterwards. Its queue holds what
    /// was pending there ([`Store::pending_at`]), so running on gives the same cascade; its
    /// read models and checkpoints start empty (rebuild them by replaying its events).
    /// `created_at` comes from the caller's clock, so runs stay deterministic.
    ///
    /// # Errors
    /// [`Error::InvalidBranchName`], [`Error::UnknownBranch`] for the parent,
    /// [`Error::BranchExists`], [`Error::ForkBeyondHead`] if `at_position` is past the
    /// parent's head.
    pub fn create_branch(
        &mut self,
        name: &str,
        from_branch: &str,
        at_position: u64,
        created_at: &str,
    ) -> Result<Branch> {
        validate_name(name)?;
        self.write("create_branch", |store| {
            let parent = store.ancestry(from_branch)?;
            let head = store.head_of(&parent)?;
            if at_position > head {
                return Err(Error::ForkBeyondHead {
                    location: store.location.clone(),
                    branch: name.to_owned(),
                    parent: from_branch.to_owned(),
                    position: at_position,
                    head,
                });
            }
            let fork = to_sql(at_position);
            store
                .conn()?
                .prepare_cached(
                    "INSERT INTO branches (name, parent, fork_position, created_at) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut stmt| stmt.execute(params![name, from_branch, fork, created_at]))
                .map_err(|source| {
                    if crate::sql::is_unique_violation(&source) {
                        Error::BranchExists { location: store.location.clone(), branch: name.to_owned() }
                    } else {
                        store.sql_err("creating a branch")(source)
                    }
                })?;
            store
                .conn()?
                .prepare_cached(
                    "INSERT INTO branch_ancestry (branch, ancestor, depth, up_to_position) \
                     SELECT ?1, ancestor, depth + 1, min(up_to_position, ?3) \
                     FROM branch_ancestry WHERE branch = ?2 \
                     UNION ALL SELECT ?1, ?1, 0, 9223372036854775807",
                )
                .and_then(|mut stmt| stmt.execute(params![name, from_branch, fork]))
                .map_err(store.sql_err("recording a branch's ancestry"))?;
            for command in store.pending_at(from_branch, at_position)? {
                if store.in_batch() {
                    store.defer_enqueue(name, command, created_at)?;
                } else {
                    store.push_queue(name, &command, created_at)?;
                }
            }
            Ok(Branch {
                name: name.to_owned(),
                parent: Some(from_branch.to_owned()),
                fork_position: Some(at_position),
                created_at: Some(created_at.to_owned()),
            })
        })
    }

    /// All branches, `main` first, then in creation order.
    ///
    /// # Errors
    /// [`Error::Sqlite`].
    pub fn branches(&self) -> Result<Vec<Branch>> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT name, parent, fork_position, created_at FROM branches ORDER BY rowid")
            .map_err(self.sql_err("listing branches"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Branch {
                    name: row.get(0)?,
                    parent: row.get(1)?,
                    fork_position: row.get::<_, Option<i64>>(2)?.map(from_sql),
                    created_at: row.get(3)?,
                })
            })
            .map_err(self.sql_err("listing branches"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.sql_err("listing branches"))
    }

    /// The last position visible in `branch` (0 when it sees no event).
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`].
    pub fn head(&self, branch: &str) -> Result<u64> {
        let ancestry = self.ancestry(branch)?;
        self.head_of(&ancestry)
    }

    /// The last position of the whole store, on any branch (0 when it holds no event): what
    /// [`Store::enqueue`] records as a command's `queued_after`.
    ///
    /// # Errors
    /// [`Error::Sqlite`].
    pub fn last_position(&self) -> Result<u64> {
        Ok(self.next_position()? - 1)
    }

    /// The version of `stream` as visible in `branch` (0 when the stream has no event there).
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`].
    pub fn stream_version(&self, branch: &str, stream: &str) -> Result<u64> {
        let ancestry = self.ancestry(branch)?;
        self.current_version(branch, &ancestry, stream)
    }

    pub(crate) fn current_version(&self, branch: &str, ancestry: &Ancestry, stream: &str) -> Result<u64> {
        if let Some(version) = self.cached_version(branch, stream) {
            return Ok(version);
        }
        if self.started_empty(branch, ancestry)? {
            return Ok(0);
        }
        self.stream_version_in(ancestry, stream)
    }

    /// Inside a batch: whether `branch` showed no event when the batch's facts began, so that
    /// every stream it has is in them (see `batch::Derived::started_empty`). Looked up once.
    fn started_empty(&self, branch: &str, ancestry: &Ancestry) -> Result<bool> {
        let Some(known) = self.batch_state().map(|state| state.started_empty(branch)) else {
            return Ok(false);
        };
        if let Some(empty) = known {
            return Ok(empty);
        }
        let empty = self.head_of(ancestry)? == 0;
        if let Some(mut state) = self.batch_state() {
            state.set_started_empty(branch, empty);
        }
        Ok(empty)
    }

    /// Since later segments only hold later positions, the first non-empty segment from the
    /// branch itself backwards holds the head.
    pub(crate) fn head_of(&self, ancestry: &Ancestry) -> Result<u64> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT position FROM events WHERE branch = ?1 AND position <= ?2 \
                 ORDER BY position DESC LIMIT 1",
            )
            .map_err(self.sql_err("reading a branch head"))?;
        for segment in ancestry.segments.iter().rev() {
            let found: Option<i64> = stmt
                .query_row(params![segment.branch, segment.up_to], |row| row.get(0))
                .optional()
                .map_err(self.sql_err("reading a branch head"))?;
            if let Some(position) = found {
                return Ok(from_sql(position));
            }
        }
        Ok(0)
    }

    /// Same reasoning as [`Store::head_of`]: a stream's versions continue across segments.
    pub(crate) fn stream_version_in(&self, ancestry: &Ancestry, stream: &str) -> Result<u64> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT stream_version FROM events \
                 WHERE branch = ?1 AND stream_id = ?2 AND position <= ?3 \
                 ORDER BY stream_version DESC LIMIT 1",
            )
            .map_err(self.sql_err("reading a stream version"))?;
        for segment in ancestry.segments.iter().rev() {
            let found: Option<i64> = stmt
                .query_row(params![segment.branch, stream, segment.up_to], |row| row.get(0))
                .optional()
                .map_err(self.sql_err("reading a stream version"))?;
            if let Some(version) = found {
                return Ok(from_sql(version));
            }
        }
        Ok(0)
    }

    /// The branch's segments, from the cache or from `branch_ancestry`.
    pub(crate) fn ancestry(&self, branch: &str) -> Result<Arc<Ancestry>> {
        if let Some(found) = self.cached_ancestry(branch) {
            return Ok(found);
        }
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT ancestor, up_to_position FROM branch_ancestry \
                 WHERE branch = ?1 ORDER BY depth DESC",
            )
            .map_err(self.sql_err("reading a branch's ancestry"))?;
        let segments = stmt
            .query_map([branch], |row| Ok(Segment { branch: row.get(0)?, up_to: row.get(1)? }))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(self.sql_err("reading a branch's ancestry"))?;
        if segments.is_empty() {
            return Err(Error::UnknownBranch { location: self.location.clone(), branch: branch.to_owned() });
        }
        let ancestry = Arc::new(Ancestry { segments });
        self.cache_ancestry(branch, Arc::clone(&ancestry));
        Ok(ancestry)
    }

    /// An SQL predicate over `events` selecting exactly the events visible in `branch`, with
    /// literal values (safe to paste into `squall query`), e.g.
    /// `((branch = 'main' AND position <= 10) OR (branch = 'what-if'))`.
    ///
    /// # Errors
    /// [`Error::UnknownBranch`], [`Error::Sqlite`].
    pub fn visibility_predicate(&self, branch: &str) -> Result<String> {
        let ancestry = self.ancestry(branch)?;
        let terms: Vec<String> = ancestry
            .segments
            .iter()
            .map(|segment| {
                let name = segment.branch.replace('\'', "''");
                if segment.up_to == i64::MAX {
                    format!("(branch = '{name}')")
                } else {
                    format!("(branch = '{name}' AND position <= {})", segment.up_to)
                }
            })
            .collect();
        Ok(format!("({})", terms.join(" OR ")))
    }
}
