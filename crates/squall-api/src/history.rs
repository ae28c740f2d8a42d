//! Undo and redo: two stacks of changes, each tagged with the revision the
//! board returns to when it is applied.

use std::collections::VecDeque;

use crate::change::Change;

/// How many steps can be undone unless the host asks for another number.
pub const DEFAULT_UNDO_LIMIT: usize = 500;

#[derive(Debug)]
pub(crate) struct Step {
    pub change: Change,
    pub revision: u32,
}

#[derive(Debug)]
pub(crate) struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
    limit: usize,
}

impl History {
    pub fn new(limit: usize) -> Self {
        History { undo: VecDeque::new(), redo: Vec::new(), limit: limit.max(1) }
    }

    /// A new edit: it can be undone, and what was undone before it can no
    /// longer be redone. The oldest step goes when the limit is reached.
    pub fn record(&mut self, step: Step) {
        self.redo.clear();
        self.undo.push_back(step);
        if self.undo.len() > self.limit {
            self.undo.pop_front();
        }
    }

    pub fn take_undo(&mut self) -> Option<Step> {
        self.undo.pop_back()
    }

    pub fn take_redo(&mut self) -> Option<Step> {
        self.redo.pop()
    }

    /// After an undo: the step that redoes it.
    pub fn push_redo(&mut self, step: Step) {
        self.redo.push(step);
    }

    /// After a redo: the step that undoes it again, keeping the redo stack.
    pub fn push_undo(&mut self, step: Step) {
        self.undo.push_back(step);
        if self.undo.len() > self.limit {
            self.undo.pop_front();
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
