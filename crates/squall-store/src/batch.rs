//! What a batch keeps in memory while its transaction holds SQLite's write lock: no other
//! connection can write meanwhile, so the batch can trust what it remembers.
//!
//! - Derived facts (next position, stream versions) save a lookup per event; they can be
//!   dropped at any time and are re-read from the database.
//! - Deferred read-model writes: a batch replaying thousands of steps rewrites the same
//!   documents and checkpoints over and over, so only their last value is written, when the
//!   batch finishes (or before anything reads them through SQL). They are part of the batch's
//!   transaction: committed with it, rolled back with it.

use std::collections::HashMap;

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

/// Read-model writes not yet in the database. A `None` document is a deletion.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    /// branch -> read model -> key -> serialized document
    pub(crate) documents: Named<Named<HashMap<String, Option<String>>>>,
    /// branch -> projection -> position
    pub(crate) checkpoints: Named<Named<u64>>,
}

impl Deferred {
    pub(crate) fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.checkpoints.is_empty()
    }
}

#[derive(Debug, Default)]
pub(crate) struct BatchState {
    pub(crate) next_position: Option<u64>,
    /// branch -> stream -> version visible in that branch. Appending to a branch never changes
    /// what its forks see (they only see it up to their fork position).
    versions: HashMap<String, HashMap<String, u64>>,
    pub(crate) deferred: Deferred,
}

impl BatchState {
    /// Drops what can be re-read from the database (after a savepoint rollback).
    pub(crate) fn forget_derived(&mut self) {
        self.next_position = None;
        self.versions.clear();
    }

    pub(crate) fn version(&self, branch: &str, stream: &str) -> Option<u64> {
        self.versions.get(branch)?.get(stream).copied()
    }

    pub(crate) fn set_version(&mut self, branch: &str, stream: &str, version: u64) {
        if !self.versions.contains_key(branch) {
            self.versions.insert(branch.to_owned(), HashMap::new());
        }
        let Some(streams) = self.versions.get_mut(branch) else { return };
        match streams.get_mut(stream) {
            Some(known) => *known = version,
            None => {
                streams.insert(stream.to_owned(), version);
            }
        }
    }

    pub(crate) fn defer_document(&mut self, branch: &str, read_model: &str, key: &str, doc: Option<String>) {
        let keys = slot(slot(&mut self.deferred.documents, branch), read_model);
        match keys.get_mut(key) {
            Some(known) => *known = doc,
            None => {
                keys.insert(key.to_owned(), doc);
            }
        }
    }

    /// `Some(None)`: deleted in this batch; `None`: not touched by this batch.
    pub(crate) fn deferred_document(
        &self,
        branch: &str,
        read_model: &str,
        key: &str,
    ) -> Option<Option<&str>> {
        let keys = find(find(&self.deferred.documents, branch)?, read_model)?;
        keys.get(key).map(Option::as_deref)
    }

    pub(crate) fn defer_checkpoint(&mut self, branch: &str, projection: &str, position: u64) {
        *slot(slot(&mut self.deferred.checkpoints, branch), projection) = position;
    }

    pub(crate) fn deferred_checkpoint(&self, branch: &str, projection: &str) -> Option<u64> {
        find(find(&self.deferred.checkpoints, branch)?, projection).copied()
    }

    pub(crate) fn drop_read_models(&mut self, branch: &str) {
        self.deferred.documents.retain(|(name, _)| name != branch);
        self.deferred.checkpoints.retain(|(name, _)| name != branch);
    }
}
