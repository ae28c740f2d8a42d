//! A simulation step: everything one processed command changes, committed atomically.

use crate::command::{Command, Outcome};
use crate::error::{Error, Result};
use crate::event::NewEvent;
use crate::read_model::DocumentChange;
use crate::sql::{from_sql, to_sql};
use crate::store::Store;
use crate::writer::WriteOp;

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
        self.commit_owned_step(branch, step.clone())
    }

    /// [`Store::commit_step`] for a step the caller no longer needs: nothing is copied, and in
    /// a pipelined batch its JSON is serialized on the writer's thread.
    ///
    /// # Errors
    /// As [`Store::commit_step`].
    pub fn commit_owned_step(&mut self, branch: &str, step: Step) -> Result<StepReceipt> {
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
    /// duplicate command, is the first write. In a pipelined batch the rows go to the writer
    /// after the checks, so a duplicate within the batch is caught by remembering its ids.
    fn apply_step(&self, branch: &str, step: Step) -> Result<StepReceipt> {
        let pipelined = self.is_pipelined();
        if pipelined {
            self.check_writer()?;
        }
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
        if pipelined && self.batch_state().is_some_and(|state| state.logged_here(branch, &step.command.id)) {
            return Err(Error::DuplicateCommand {
                location: self.location.clone(),
                branch: branch.to_owned(),
                command_id: step.command.id.clone(),
            });
        }

        // The rows: the command-log row first, then the queue and the events.
        let count = step.events.len() as u64;
        let first = if count > 0 { self.next_position()? } else { 0 };
        let range = (count > 0).then(|| (first, first + count - 1));
        let seq = if pipelined { Some(self.next_log_seq()?) } else { None };
        let stream_versions: Vec<(String, u64)> =
            versions.into_iter().map(|(stream, version)| (stream.to_owned(), version)).collect();
        let Step { command, outcome, recorded_at, from_queue, events, documents, checkpoints, enqueue } =
            step;
        let command_id = command.id.clone();
        let (outcome, reason) = match outcome {
            Outcome::Accepted => ("accepted", None),
            Outcome::Rejected { reason } => ("rejected", Some(reason)),
        };
        // Commands enqueued in this batch wait in memory; older ones are rows.
        let queued_in_memory =
            from_queue && self.batch_state().is_some_and(|state| state.is_queued_here(branch, &command_id));
        let mut rows = Vec::with_capacity(2 + events.len());
        rows.push(WriteOp::LogCommand {
            seq: seq.map(to_sql),
            branch: branch.to_owned(),
            command,
            outcome,
            reason,
            first_position: range.map(|(first, _)| to_sql(first)),
            last_position: range.map(|(_, last)| to_sql(last)),
            recorded_at: recorded_at.clone(),
        });
        if from_queue && !queued_in_memory {
            rows.push(WriteOp::PopQueue { branch: branch.to_owned(), command_id: command_id.clone() });
            if let Some(mut state) = self.batch_state() {
                state.remove_queue_row(branch, &command_id);
            }
        }
        let mut positions = Vec::with_capacity(events.len());
        for ((event, (_, version)), position) in events.into_iter().zip(&stream_versions).zip(first..) {
            rows.push(WriteOp::Event {
                position: to_sql(position),
                branch: branch.to_owned(),
                stream_version: to_sql(*version),
                event,
                recorded_at: recorded_at.clone(),
            });
            positions.push(position);
        }

        // Writes.
        let log_seq = match seq {
            Some(seq) => {
                self.send_rows(rows)?;
                seq
            }
            None => {
                let conn = self.conn()?;
                let mut log_seq = 0;
                for (i, row) in rows.iter().enumerate() {
                    row.execute(&conn, &self.location)?;
                    if i == 0 {
                        log_seq = from_sql(conn.last_insert_rowid());
                    }
                }
                log_seq
            }
        };
        if queued_in_memory && let Some(mut state) = self.batch_state() {
            state.remove_queued(branch, &command_id);
        }
        self.store_documents(branch, documents)?;
        if let Some((_, last)) = range {
            for projection in &checkpoints {
                self.store_checkpoint(branch, projection, last)?;
            }
        }
        for command in enqueue {
            if self.in_batch() {
                self.defer_enqueue(branch, command, &recorded_at)?;
            } else {
                self.push_queue(branch, &command, &recorded_at)?;
            }
        }
        if let Some(mut state) = self.batch_state() {
            if count > 0 {
                state.derived.next_position = Some(first + count);
            }
            state.derived.next_log_seq = Some(log_seq + 1);
            for (stream, version) in &stream_versions {
                state.set_version(branch, stream, *version);
            }
            if pipelined {
                state.log_here(branch, &command_id);
            }
        }
        Ok(StepReceipt { log_seq, positions })
    }
}
