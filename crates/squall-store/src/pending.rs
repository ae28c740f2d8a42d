//! What waited in a branch's queue at a position, so that a fork there carries on with it.
//!
//! A command was pending at position *P* of a branch when it had been issued by then — by a
//! policy reacting to an event at or before *P* (its `causation_id`), or queued outside a step
//! before the event at *P* was written (its `queued_after`) — and the branch had not processed
//! it by then. "Processed by then" is the command log a fork at *P* sees (`log.rs`'s `SEEN`
//! rule), so every such command is either in the fork's log or in its queue, never both.

use crate::command::{Command, LOG_COLUMNS};
use crate::error::Result;
use crate::sql::to_sql;
use crate::store::Store;

/// The seq where a segment's command log stops being seen at a position (?1 the branch, ?N
/// the position): the first command that appended an event after it.
fn cut(position_param: usize) -> String {
    format!(
        "coalesce((SELECT seq FROM commands AS later WHERE later.branch = ?1 \
         AND later.first_position > ?{position_param} ORDER BY later.first_position LIMIT 1), \
         9223372036854775807)"
    )
}

impl Store {
    /// The commands waiting in `branch`'s queue at `position`, in the order they were queued:
    /// what a fork of `branch` at `position` starts its queue with.
    ///
    /// # Errors
    /// [`crate::Error::UnknownBranch`], [`crate::Error::Sqlite`], [`crate::Error::Json`].
    pub fn pending_at(&self, branch: &str, position: u64) -> Result<Vec<Command>> {
        let ancestry = self.ancestry(branch)?;
        let at = to_sql(position);
        let mut candidates = Vec::new();
        {
            let conn = self.conn()?;
            // Processed as `branch` sees the log, but after what a fork at `position` sees.
            let mut later = conn
                .prepare_cached(&format!(
                    "SELECT {LOG_COLUMNS} FROM commands WHERE branch = ?1 \
                     AND seq >= {} AND seq < {} ORDER BY seq",
                    cut(2),
                    cut(3)
                ))
                .map_err(self.sql_err("reading the commands pending at a position"))?;
            for segment in &ancestry.segments {
                if segment.up_to <= at {
                    continue;
                }
                let mut rows = later
                    .query(rusqlite::params![segment.branch, at, segment.up_to])
                    .map_err(self.sql_err("reading the commands pending at a position"))?;
                while let Some(row) = rows.next().map_err(self.sql_err("reading the command log"))? {
                    candidates.push(self.logged_command_from(row)?.command);
                }
            }
        }
        candidates.extend(self.pending_commands(branch, usize::MAX)?.into_iter().map(|q| q.command));

        let mut pending = Vec::new();
        for command in candidates {
            let issued = match &command.metadata.causation_id {
                Some(event_id) => self
                    .event_position(branch, &command.metadata.correlation_id, event_id, Some(position))?
                    .is_some(),
                None => command.metadata.queued_after.is_some_and(|last| last < position),
            };
            if issued {
                pending.push(command);
            }
        }
        Ok(pending)
    }
}
