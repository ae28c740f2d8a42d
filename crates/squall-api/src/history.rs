//! Undo and redo, one history per participant: each person undoes their own
//! edits, as in Figma or Miro. An edit someone else has built upon since (a
//! sticky they moved after you renamed it) is not undone under their feet:
//! the undo is refused with a message and that step dropped, so the next
//! undo goes on with the person's earlier edits.

use std::collections::{HashMap, VecDeque};

use crate::change::{Change, Touch};

/// How many steps can be undone unless the host asks for another number.
pub const DEFAULT_UNDO_LIMIT: usize = 500;

/// Edits remembered to tell whether a step was built upon; older steps are
/// treated as built upon.
const LOG_LIMIT: usize = 50_000;

#[derive(Debug)]
pub(crate) struct Step {
    pub change: Change,
    /// The revision the board returns to when this step is applied.
    pub revision: u32,
    /// The revision right after the edit this step reverses: when the board
    /// is still there, applying the step returns it exactly to `revision`.
    pub after: u32,
    /// When the edit was made, in the order of all participants' edits.
    pub seq: u64,
}

#[derive(Debug, Default)]
struct Stacks {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
}

#[derive(Debug)]
pub(crate) struct History {
    stacks: HashMap<String, Stacks>,
    /// Every change applied (edits, undos, redos): who, and what it touched.
    log: VecDeque<(u64, String, Vec<Touch>)>,
    seq: u64,
    limit: usize,
}

/// Why a step cannot be applied: someone else changed what it touches.
#[derive(Debug)]
pub(crate) struct BuiltUpon {
    pub by: String,
    pub touch: Touch,
}

impl History {
    pub fn new(limit: usize) -> Self {
        History { stacks: HashMap::new(), log: VecDeque::new(), seq: 0, limit: limit.max(1) }
    }

    /// A change `who` applied: remembered, and given its place in the order.
    pub fn note(&mut self, who: &str, change: &Change) -> u64 {
        self.seq += 1;
        self.log.push_back((self.seq, who.to_owned(), change.touches()));
        if self.log.len() > LOG_LIMIT {
            self.log.pop_front();
        }
        self.seq
    }

    /// A new edit by `who`: it can be undone, and what they undid before it
    /// can no longer be redone. Their oldest step goes when the limit is reached.
    pub fn record(&mut self, who: &str, step: Step) {
        let stacks = self.stacks.entry(who.to_owned()).or_default();
        stacks.redo.clear();
        stacks.undo.push_back(step);
        if stacks.undo.len() > self.limit {
            stacks.undo.pop_front();
        }
    }

    pub fn take_undo(&mut self, who: &str) -> Option<Step> {
        self.stacks.get_mut(who)?.undo.pop_back()
    }

    pub fn take_redo(&mut self, who: &str) -> Option<Step> {
        self.stacks.get_mut(who)?.redo.pop()
    }

    /// After an undo: the step that redoes it.
    pub fn push_redo(&mut self, who: &str, step: Step) {
        self.stacks.entry(who.to_owned()).or_default().redo.push(step);
    }

    /// After a redo: the step that undoes it again, keeping the redo stack.
    pub fn push_undo(&mut self, who: &str, step: Step) {
        let stacks = self.stacks.entry(who.to_owned()).or_default();
        stacks.undo.push_back(step);
        if stacks.undo.len() > self.limit {
            stacks.undo.pop_front();
        }
    }

    /// Whether someone other than `who` changed what `step` touches since it was made.
    pub fn built_upon(&self, who: &str, step: &Step) -> Option<BuiltUpon> {
        let touches = step.change.touches();
        if self.log.front().is_some_and(|(oldest, ..)| *oldest > step.seq + 1) {
            // Older than what is remembered: nobody can say it is safe.
            return Some(BuiltUpon { by: String::new(), touch: Touch::Board });
        }
        self.log.iter().rev().take_while(|(seq, ..)| *seq > step.seq).find_map(|(_, by, theirs)| {
            if by == who {
                return None;
            }
            let touch = touches.iter().find(|mine| theirs.iter().any(|t| t.overlaps(mine)))?;
            Some(BuiltUpon { by: by.clone(), touch: touch.clone() })
        })
    }

    pub fn can_undo(&self, who: &str) -> bool {
        self.stacks.get(who).is_some_and(|s| !s.undo.is_empty())
    }

    pub fn can_redo(&self, who: &str) -> bool {
        self.stacks.get(who).is_some_and(|s| !s.redo.is_empty())
    }

    /// Everyone with something to undo or redo, by id.
    pub fn participants(&self) -> impl Iterator<Item = (&str, bool, bool)> {
        self.stacks
            .iter()
            .filter(|(_, s)| !s.undo.is_empty() || !s.redo.is_empty())
            .map(|(who, s)| (who.as_str(), !s.undo.is_empty(), !s.redo.is_empty()))
    }

    /// `who`'s history only, after a step of theirs could not be applied.
    pub fn clear_for(&mut self, who: &str) {
        self.stacks.remove(who);
    }

    pub fn clear(&mut self) {
        self.stacks.clear();
        self.log.clear();
    }
}
