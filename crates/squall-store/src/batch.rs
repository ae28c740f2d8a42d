//! What a batch keeps in memory while its transaction holds SQLite's write lock: no other
//! connection can write meanwhile, so the batch can trust what it remembers.
//!
//! - Derived facts (next position, stream versions, seqs) save a lookup per event; they can
//!   be dropped at any time and are re-read from the database. A batch that commits hands
//!   them to the next one, which keeps them if no other connection has written in between.
//! - Deferred read-model writes: a batch replaying thousands of steps rewrites the same
//!   documents and checkpoints over and over, so only their last value is written, when the
//!   batch finishes (or before anything reads them through SQL). They are part of the batch's
//!   transaction: committed with it, rolled back with it.
//! - The queue in memory: a policy's command is usually enqueued and consumed within the same
//!   batch, so commands enqueued in a batch wait in memory and only those still pending when
//!   the batch commits are written to `queue`, in the same transaction.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use serde_json::Value;

use crate::queue::QueuedCommand;

/// A small ordered map for the few branches, read models and projections of a run.
type Named<V> = Vec<(String, V)>;

fn slot<'m, V: Default>(list: &'m mut Named<V>, name: &str) -> &'m mut V {
    let index = match list.iter().position(|(n, _)| n == name) {
        Some(index) => index,
        None => {
            list.push((name.to_owned(), V::default()));
            list.len() - 1
        }
    };
    &mut list[index].1
}

fn find<'m, V>(list: &'m Named<V>, name: &str) -> Option<&'m V> {
    list.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Writes not yet in the database. A `None` document is a deletion.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    /// branch -> read model -> key -> document (serialized when written)
    pub(crate) documents: Named<Named<HashMap<String, Option<Value>>>>,
    /// branch -> projection -> position
    pub(crate) checkpoints: Named<Named<u64>>,
    /// branch -> commands enqueued in this batch and still pending, oldest first. They are
    /// newer than every row of `queue`, so a branch's queue is its rows, then these.
    pub(crate) queued: Named<VecDeque<QueuedCommand>>,
}

impl Deferred {
    pub(crate) fn is_empty(&self) -> bool {
        self.documents.is_empty()
            && self.checkpoints.is_empty()
            && self.queued.iter().all(|(_, q)| q.is_empty())
    }
}

/// Facts about the database the batch has read or made, so it need not ask again.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub(crate) next_position: Option<u64>,
    /// The `seq` the next command-log row gets (pipelined batches give it explicitly).
    pub(crate) next_log_seq: Option<u64>,
    /// branch -> stream -> version visible in that branch. Appending to a branch never changes
    /// what its forks see (they only see it up to their fork position).
    versions: HashMap<String, HashMap<String, u64>>,
    /// The `seq` the next command enqueued in a batch gets. Read from `sqlite_sequence` at the
    /// first enqueue; the batch holds the write lock, so nobody else takes one.
    pub(crate) next_seq: Option<u64>,
    /// The largest queue seq already recorded as used in `sqlite_sequence`.
    pub(crate) seqs_reserved: u64,
    /// Branches whose rows in `queue` are known, oldest first: none when the batch first
    /// looked, plus those a pipelined batch wrote since as it continued (`Store::continue_batch`
    /// keeps what it sends here), less those its steps took. A step per batch (`squall run`)
    /// then never waits for the writer to ask what a policy queued in the step before.
    queue_rows: Named<VecDeque<QueuedCommand>>,
    /// Per branch, whether it showed no event when these facts began: then every event it has
    /// since was appended here, and a stream missing from `versions` has none (a fresh store
    /// loaded in a pipelined batch never waits for the writer to ask about a new stream).
    started_empty: Named<bool>,
}

#[derive(Debug, Default)]
pub(crate) struct BatchState {
    pub(crate) derived: Derived,
    /// branch -> ids of the commands logged in this batch: a pipelined batch's duplicates are
    /// found here before anything is written.
    logged: HashMap<String, HashSet<String>>,
    pub(crate) deferred: Deferred,
}

impl BatchState {
    /// Whether finishing the batch has anything to write besides its steps.
    pub(crate) fn has_deferred(&self) -> bool {
        let derived = &self.derived;
        !self.deferred.is_empty() || derived.next_seq.is_some_and(|next| next - 1 > derived.seqs_reserved)
    }

    /// Drops what can be re-read from the database (after a savepoint rollback).
    pub(crate) fn forget_derived(&mut self) {
        self.derived.next_position = None;
        self.derived.next_log_seq = None;
        self.derived.versions.clear();
        self.derived.queue_rows.clear();
        self.derived.started_empty.clear();
    }

    /// Whether `branch` showed no event when the batch's facts began; `None` if not looked at.
    pub(crate) fn started_empty(&self, branch: &str) -> Option<bool> {
        find(&self.derived.started_empty, branch).copied()
    }

    pub(crate) fn set_started_empty(&mut self, branch: &str, empty: bool) {
        *slot(&mut self.derived.started_empty, branch) = empty;
    }

    /// Forgets the command ids logged so far: their batch has been sent to commit, and the
    /// unique index catches a repeat of one (memory stays flat over a long run of batches).
    pub(crate) fn forget_logged(&mut self) {
        self.logged.clear();
    }

    pub(crate) fn logged_here(&self, branch: &str, command_id: &str) -> bool {
        self.logged.get(branch).is_some_and(|ids| ids.contains(command_id))
    }

    pub(crate) fn log_here(&mut self, branch: &str, command_id: &str) {
        match self.logged.get_mut(branch) {
            Some(ids) => {
                ids.insert(command_id.to_owned());
            }
            None => {
                let mut ids = HashSet::new();
                ids.insert(command_id.to_owned());
                self.logged.insert(branch.to_owned(), ids);
            }
        }
    }

    pub(crate) fn version(&self, branch: &str, stream: &str) -> Option<u64> {
        self.derived.versions.get(branch)?.get(stream).copied()
    }

    pub(crate) fn set_version(&mut self, branch: &str, stream: &str, version: u64) {
        let versions = &mut self.derived.versions;
        if !versions.contains_key(branch) {
            versions.insert(branch.to_owned(), HashMap::new());
        }
        let Some(streams) = versions.get_mut(branch) else { return };
        match streams.get_mut(stream) {
            Some(known) => *known = version,
            None => {
                streams.insert(stream.to_owned(), version);
            }
        }
    }

    pub(crate) fn defer_document(&mut self, branch: &str, read_model: &str, key: String, doc: Option<Value>) {
        let keys = slot(slot(&mut self.deferred.documents, branch), read_model);
        keys.insert(key, doc);
    }

    /// `Some(None)`: deleted in this batch; `None`: not touched by this batch.
    pub(crate) fn deferred_document(
        &self,
        branch: &str,
        read_model: &str,
        key: &str,
    ) -> Option<Option<&Value>> {
        let keys = find(find(&self.deferred.documents, branch)?, read_model)?;
        keys.get(key).map(Option::as_ref)
    }

    pub(crate) fn defer_checkpoint(&mut self, branch: &str, projection: &str, position: u64) {
        *slot(slot(&mut self.deferred.checkpoints, branch), projection) = position;
    }

    pub(crate) fn deferred_checkpoint(&self, branch: &str, projection: &str) -> Option<u64> {
        find(find(&self.deferred.checkpoints, branch)?, projection).copied()
    }

    /// The commands of `branch` enqueued in this batch and still pending.
    pub(crate) fn queued(&self, branch: &str) -> Option<&VecDeque<QueuedCommand>> {
        find(&self.deferred.queued, branch)
    }

    pub(crate) fn is_queued_here(&self, branch: &str, command_id: &str) -> bool {
        self.queued(branch).is_some_and(|queue| queue.iter().any(|q| q.command.id == command_id))
    }

    pub(crate) fn push_queued(&mut self, queued: QueuedCommand) {
        let branch = queued.branch.clone();
        slot(&mut self.deferred.queued, &branch).push_back(queued);
    }

    /// Removes a command enqueued in this batch; false if it is not one of them.
    pub(crate) fn remove_queued(&mut self, branch: &str, command_id: &str) -> bool {
        let queue = slot(&mut self.deferred.queued, branch);
        // Commands are consumed oldest first, so this is nearly always the front.
        match queue.iter().position(|q| q.command.id == command_id) {
            Some(index) => queue.remove(index).is_some(),
            None => false,
        }
    }

    /// The rows of `branch` in `queue`, if known without asking the database.
    pub(crate) fn queue_rows(&self, branch: &str) -> Option<&VecDeque<QueuedCommand>> {
        find(&self.derived.queue_rows, branch)
    }

    /// `branch` has no rows in `queue`, as the database said.
    pub(crate) fn set_queue_rows_gone(&mut self, branch: &str) {
        slot(&mut self.derived.queue_rows, branch).clear();
    }

    /// A step took the row of `command_id`.
    pub(crate) fn remove_queue_row(&mut self, branch: &str, command_id: &str) {
        if let Some((_, rows)) = self.derived.queue_rows.iter_mut().find(|(name, _)| name == branch)
            && let Some(index) = rows.iter().position(|q| q.command.id == command_id)
        {
            rows.remove(index);
        }
    }

    /// The deferred queue is being written as rows: where a branch's rows were known, these
    /// join them; elsewhere the database still has to be asked.
    pub(crate) fn queue_rows_written(&mut self, queued: &[QueuedCommand]) {
        for entry in queued {
            if let Some((_, rows)) =
                self.derived.queue_rows.iter_mut().find(|(name, _)| *name == entry.branch)
            {
                rows.push_back(entry.clone());
            }
        }
    }

    /// Forgets every branch's known rows (after rows were written that are not kept here).
    pub(crate) fn forget_queue_rows(&mut self) {
        self.derived.queue_rows.clear();
    }

    pub(crate) fn drop_read_models(&mut self, branch: &str) {
        self.deferred.documents.retain(|(name, _)| name != branch);
        self.deferred.checkpoints.retain(|(name, _)| name != branch);
    }
}
