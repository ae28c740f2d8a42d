//! A simulation step: everything one processed command changes, committed atomically.

use crate::command::{Command, Outcome};
use crate::error::{Error, Result};
use crate::event::NewEvent;
use crate::read_model::DocumentChange;
use crate::store::Store;

/// Everything one processed command writes. [`Store::commit_step`] writes all of it or nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The processed command, recorded in the command log.
    pub command: Command,
    pub outcome: Outcome,
    /// The caller's (virtual) clock: stored as the events' and the log row's `recorded_at`,
    /// and as the `enqueued_at` of enqueued commands. The store never reads the wall clock.
    pub recorded_at: String,
    /// The command was taken from the branch's queue: remove it there.
    pub from_queue: bool,
    /// Events to append, in order. Must be empty for a rejected command.
    pub events: Vec<NewEvent>,
    /// Read-model changes made by projections of this step's events.
    pub documents: Vec<DocumentChange>,
    /// Projections whose checkpoint moves to the step's last position (ignored if the step
    /// appends no event).
    pub checkpoints: Vec<String>,
    /// Commands to enqueue on the same branch (e.g. issued by policies).
    pub enqueue: Vec<Command>,
}

impl Step {
    /// An accepted command with nothing attached yet.
    pub fn accepted(command: Command, recorded_at: impl Into<String>) -> Self {
        Self::new(command, Outcome::Accepted, recorded_at.into())
    }

    /// A rejected command: logged with its reason, appends no events.
    pub fn rejected(command: Command, reason: impl Into<String>, recorded_at: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::new(command, Outcome::Rejected { reason }, recorded_at.into())
    }

    fn new(command: Command, outcome: Outcome, recorded_at: String) -> Self {
        Self {
            command,
            outcome,
            recorded_at,
            from_queue: false,
            events: Vec::new(),
            documents: Vec::new(),
            checkpoints: Vec::new(),
            enqueue: Vec::new(),
        }
    }
}

/// What [`Store::commit_step`] assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReceipt {
    /// The command-log row's `seq`.
    pub log_seq: u64,
    /// The positions of the step's events, in order (consecutive).
    pub positions: Vec<u64>,
}

impl StepReceipt {
    pub fn last_position(&self) -> Option<u64> {
        self.positions.last().copied()
    }
}

impl Store {
    /// Commits one step on `branch` atomically: removes the command from the queue (if
    /// `from_queue`), appends its events (checking each stream's expected version), records
    /// the command-log row with the events' position range, applies document changes, moves
    /// the named checkpoints to the last position, and enqueues follow-up commands. On any
    /// error nothing of the step remains (inside a batch, the batch's earlier steps stay).
    ///
    /// # Errors
    /// [`Error::Conflict`], [`Error::RejectedWithEvents`], [`Error::UnknownBranch`],
    /// [`Error::DuplicateCommand`], [`Error::NotQueued`], [`Error::AlreadyQueued`],
    /// [`Error::ReadOnly`], [`Error::Sqlite`].
    pub fn commit_step(&mut self, branch: &str, step: &Step) -> Result<StepReceipt> {
        if matches!(step.outcome, Outcome::Rejected { .. }) && !step.events.is_empty() {
            return Err(Error::RejectedWithEvents {
                branch: branch.to_owned(),
                command_id: step.command.id.clone(),
                events: step.events.len(),
            });
        }
        self.write_checked_first("commit_step", |store| store.apply_step(branch, step))
    }

    /// Every check that can fail by design runs before the first write (see
    /// [`Store::write_checked_first`]); the command-log insert, whose unique index catches a
    /// duplicate command, is the first write.
    fn apply_step(&self, branch: &str, step: &Step) -> Result<StepReceipt> {
        let ancestry = self.ancestry(branch)?;

        // Checks: stream versions (several events of one stream continue from each other),
        // the consumed command, the enqueued ones.
        let mut versions: Vec<(&str, u64)> = Vec::with_capacity(step.events.len());
        for event in &step.events {
            let stream = event.stream_id.as_str();
            let actual = match versions.iter().rev().find(|(s, _)| *s == stream) {
                Some(&(_, version)) => version,
                None => self.current_version(branch, &ancestry, stream)?,
            };
            if actual != event.expected_version {
                return Err(Error::Conflict {
                    location: self.location.clone(),
                    branch: branch.to_owned(),
                    stream: event.stream_id.clone(),
                    expected: event.expected_version,
                    actual,
                });
            }
            versions.push((stream, actual + 1));
        }
        if step.from_queue && !self.is_queued(branch, &step.command.id)? {
            return Err(self.not_queued(branch, &step.command.id));
        }
        for (i, command) in step.enqueue.iter().enumerate() {
            let repeated = step.enqueue[..i].iter().any(|c| c.id == command.id);
            if repeated || self.is_queued(branch, &command.id)? {
                return Err(self.already_queued(branch, &command.id));
            }
        }

        // Encoding cannot fail for JSON values, but it too happens before the first write.
        let events = step.events.iter().map(|event| self.encode_event(event)).collect::<Result<Vec<_>>>()?;
        let documents = self.encode_documents(&step.documents)?;

        // Writes.
        let count = step.events.len() as u64;
        let first = if count > 0 { self.next_position()? } else { 0 };
        let range = (count > 0).then(|| (first, first + count - 1));
        let log_seq = self.log_command(branch, &step.command, &step.outcome, range, &step.recorded_at)?;
        if step.from_queue {
            self.pop_queue(branch, &step.command.id)?;
        }
        let mut positions = Vec::with_capacity(step.events.len());
        for (((event, encoded), &(_, version)), position) in
            step.events.iter().zip(&events).zip(&versions).zip(first..)
        {
            self.insert_event(branch, position, version, event, encoded, &step.recorded_at)?;
            positions.push(position);
        }
        self.store_documents(branch, documents)?;
        if let Some((_, last)) = range {
            for projection in &step.checkpoints {
                self.store_checkpoint(branch, projection, last)?;
            }
        }
        for command in &step.enqueue {
            if self.in_batch() {
                self.defer_enqueue(branch, command.clone(), &step.recorded_at)?;
            } else {
                self.push_queue(branch, command, &step.recorded_at)?;
            }
        }
        if let Some(mut state) = self.batch_state() {
            if count > 0 {
                state.next_position = Some(first + count);
            }
            for (stream, version) in versions {
                state.set_version(branch, stream, version);
            }
        }
        Ok(StepReceipt { log_seq, positions })
    }
}
