//! How far a store's batches have got. A pipelined batch commits on the writer thread while the
//! caller goes on with the next steps, so the caller learns here which of its steps are on disk
//! (`squall run` prints a step only then).
//!
//! Batches are numbered from 0 in the order their commits are asked for; an aborted or failed
//! batch takes its number too. Every batch ends committed or rolled back, in that order.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A handle on a store's batches, readable from anywhere (from a step's callback while a
/// session borrows the store, say).
#[derive(Clone, Debug, Default)]
pub struct Commits(Arc<Tally>);

#[derive(Debug, Default)]
struct Tally {
    /// Batches whose commit has been asked for or that were rolled back: the open batch's
    /// number.
    numbered: AtomicU64,
    /// Batches committed, by the calling thread or the writer's.
    committed: Arc<AtomicU64>,
    /// Batches rolled back: how many, and which.
    lost: Mutex<Lost>,
}

#[derive(Debug, Default)]
struct Lost {
    count: u64,
    ranges: Vec<Range<u64>>,
}

impl Commits {
    /// The number of the batch a step written now belongs to.
    pub fn current(&self) -> u64 {
        self.0.numbered.load(Ordering::Acquire)
    }

    /// Whether batch `batch` has committed; false while it may still, and for ever once it was
    /// rolled back.
    pub fn is_committed(&self, batch: u64) -> bool {
        let committed = self.0.committed.load(Ordering::Acquire);
        let Ok(lost) = self.0.lost.lock() else { return false };
        batch < committed + lost.count && !lost.ranges.iter().any(|range| range.contains(&batch))
    }

    /// The counter the writer thread adds its commits to.
    pub(crate) fn committed_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.0.committed)
    }

    pub(crate) fn committed(&self) -> u64 {
        self.0.committed.load(Ordering::Acquire)
    }

    pub(crate) fn count_commit(&self) {
        self.0.committed.fetch_add(1, Ordering::AcqRel);
    }

    /// The open batch's commit is asked for: the next steps belong to the next batch.
    pub(crate) fn close_numbered(&self) {
        self.0.numbered.fetch_add(1, Ordering::AcqRel);
    }

    /// Every batch not committed yet was rolled back: the open one too when `open` (its number
    /// is then used up), and those whose commits were asked for.
    pub(crate) fn roll_back(&self, open: bool) {
        let Ok(mut lost) = self.0.lost.lock() else { return };
        let ended = self.0.committed.load(Ordering::Acquire) + lost.count;
        if open {
            self.close_numbered();
        }
        let end = self.current();
        if end > ended {
            lost.count += end - ended;
            match lost.ranges.last_mut() {
                Some(last) if last.end == ended => last.end = end,
                _ => lost.ranges.push(ended..end),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_counts_as_committed_only_once_its_commit_is_counted() {
        let commits = Commits::default();
        let first = commits.current();
        commits.close_numbered();
        let second = commits.current();
        commits.close_numbered();

        assert!(!commits.is_committed(first));
        commits.count_commit();
        assert!(commits.is_committed(first));
        assert!(!commits.is_committed(second));
    }

    #[test]
    fn batches_rolled_back_never_count_and_later_ones_still_do() {
        let commits = Commits::default();
        commits.close_numbered(); // 0, committed
        commits.count_commit();
        commits.close_numbered(); // 1, sent, then lost with the open 2
        commits.roll_back(true);
        let after = commits.current(); // 3
        commits.close_numbered();
        commits.count_commit();

        assert!(commits.is_committed(0));
        assert!(!commits.is_committed(1));
        assert!(!commits.is_committed(2));
        assert_eq!(after, 3);
        assert!(commits.is_committed(3));
        assert!(!commits.is_committed(4));
    }
}
