//! Submitting commands: checked against the board, then queued; or queued
//! and run at once, the submission committed together with the first step.

use std::sync::Arc;

use serde_json::Value;
use squall_store::{Command, CommandMetadata};

use super::{RunEnd, Session, Source};
use crate::error::SimError;
use crate::trace::Trace;
use crate::value;

/// A command someone asks the session to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    /// An id of the caller's choosing: the command runs at most once per
    /// branch (see [`Session::submit_once`]). `None`: the session mints one.
    pub id: Option<String>,
    pub name: String,
    pub data: Value,
    pub source: Source,
}

impl Session {
    /// Check a command against the board and queue it. Nothing is written
    /// when the command is unknown or its payload does not match.
    pub fn submit(&mut self, name: &str, data: Value, source: Source) -> Result<String, SimError> {
        self.submit_as(None, name, data, source)
    }

    /// [`Session::submit`] under an id the caller chose (a line's `id` in `squall run`'s
    /// input), at most once: `Ok(None)`, and nothing written, when the current branch has
    /// already processed or queued a command with that id, so input fed again is not applied
    /// twice. Ids of the form `c<number>` are the session's own and refused.
    pub fn submit_once(
        &mut self,
        id: &str,
        name: &str,
        data: Value,
        source: Source,
    ) -> Result<Option<String>, SimError> {
        if !self.unseen(id)? {
            return Ok(None);
        }
        self.submit_as(Some(id.to_owned()), name, data, source).map(Some)
    }

    /// Whether a caller's command id is new on this branch; an error when it
    /// is not an id a caller may choose.
    fn unseen(&self, id: &str) -> Result<bool, SimError> {
        let invalid = |reason| SimError::InvalidCommandId { id: id.to_owned(), reason };
        if id.is_empty() || id.len() > 200 {
            return Err(invalid("it must have 1 to 200 characters"));
        }
        if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("it contains whitespace or control characters"));
        }
        if id.strip_prefix('c').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
            return Err(invalid("ids like c12 are the ones squall gives commands; choose another"));
        }
        Ok(self.store.find_command(&self.branch, id)?.is_none() && !self.store.is_queued(&self.branch, id)?)
    }

    fn submit_as(
        &mut self,
        id: Option<String>,
        name: &str,
        data: Value,
        source: Source,
    ) -> Result<String, SimError> {
        let command = self.user_command(id, name, data, source)?;
        self.store.enqueue(&self.branch, &command, &self.clock.now())?;
        Ok(command.id)
    }

    /// A command checked against the board, with its id (minted when the
    /// caller chose none) and metadata; nothing is written.
    fn user_command(
        &mut self,
        id: Option<String>,
        name: &str,
        data: Value,
        source: Source,
    ) -> Result<Command, SimError> {
        let model = Arc::clone(&self.model);
        let spec = model.command(name)?;
        let element = &model.elements[spec.element];
        value::check_json(&element.fields, &data).map_err(|errors| SimError::InvalidPayload {
            kind: "command",
            name: name.to_owned(),
            sticky: element.id.to_string(),
            errors,
        })?;
        let id = id.unwrap_or_else(|| self.fresh_command_id());
        let actor = match source {
            Source::User => "user".to_owned(),
            Source::Scenario(name) => format!("scenario:{name}"),
        };
        Ok(Command {
            id: id.clone(),
            command_type: name.to_owned(),
            payload: data,
            metadata: CommandMetadata {
                correlation_id: id,
                causation_id: None,
                sticky_id: Some(element.id.to_string()),
                actor: Some(actor),
                ..CommandMetadata::default()
            },
        })
    }

    /// [`Session::submit`] naming the command by its sticky's id.
    pub fn submit_sticky(&mut self, sticky: &str, data: Value, source: Source) -> Result<String, SimError> {
        let index = self.model.sticky(sticky, squall_model::Kind::Command)?;
        let name = self.model.key(index).to_owned();
        self.submit(&name, data, source)
    }

    /// Submit a command and run until the queue is quiet (as
    /// [`Session::run_until_quiet`]), committing the submission together
    /// with the first step in one store transaction. `submit` followed by
    /// `run_until_quiet` commits twice, and on a durable store each commit
    /// waits for the disk; here a crash leaves either the command and its
    /// first step, or neither.
    ///
    /// When nothing else is queued, the command is its own first step and
    /// never becomes a queue row. Otherwise the oldest queued command goes
    /// first, as always, in the transaction that queues this one. Inside an
    /// open batch ([`Session::begin_batch`]) everything joins the batch.
    ///
    /// Returns the command's id and how the run ended; `None`, with nothing
    /// written, when the submission's id was already processed or queued on
    /// this branch.
    ///
    /// # Errors
    /// As [`Session::submit`] (nothing is written) and
    /// [`Session::run_until_quiet`]; when the first transaction fails, nothing
    /// of it is written and the caches are rebuilt.
    pub fn submit_and_run(
        &mut self,
        submission: Submission,
        max_steps: usize,
        mut on_step: impl FnMut(&Trace),
    ) -> Result<Option<(String, RunEnd)>, SimError> {
        self.submit_and_run_as(submission, max_steps, true, &mut on_step)
    }

    /// [`Session::submit_and_run`] without traces, for runs nobody watches
    /// (benchmarks, bulk loads): the same steps and store contents.
    pub fn submit_and_run_untraced(
        &mut self,
        submission: Submission,
        max_steps: usize,
    ) -> Result<Option<(String, RunEnd)>, SimError> {
        self.submit_and_run_as(submission, max_steps, false, &mut |_| {})
    }

    fn submit_and_run_as(
        &mut self,
        submission: Submission,
        max_steps: usize,
        traced: bool,
        on_step: &mut dyn FnMut(&Trace),
    ) -> Result<Option<(String, RunEnd)>, SimError> {
        let Submission { id, name, data, source } = submission;
        if let Some(id) = &id
            && !self.unseen(id)?
        {
            return Ok(None);
        }
        let mut command = self.user_command(id, &name, data, source)?;
        let id = command.id.clone();
        if !self.store.has_pending(&self.branch)? {
            // What `Store::enqueue` would have recorded, so the log reads the same.
            command.metadata.queued_after = Some(self.store.last_position()?);
            return Ok(Some((id, self.run(Some(command), max_steps, traced, on_step)?)));
        }
        if self.store.in_batch() {
            self.store.enqueue(&self.branch, &command, &self.clock.now())?;
            return Ok(Some((id, self.run(None, max_steps, traced, on_step)?)));
        }
        // A batch of one step: its commit is the only one, and the queue row of
        // the command it consumes (if it is this one) is never written.
        self.store.begin_batch()?;
        let first = self
            .store
            .enqueue(&self.branch, &command, &self.clock.now())
            .map_err(SimError::from)
            .and_then(|_| self.run(None, max_steps.min(1), traced, on_step));
        let first = match first {
            Ok(first) => first,
            Err(error) => {
                self.roll_back_batch()?;
                return Err(error);
            }
        };
        self.finish_batch()?;
        if first.quiet || first.stopped.is_some() || max_steps <= 1 {
            return Ok(Some((id, first)));
        }
        let rest = self.run(None, max_steps - 1, traced, on_step)?;
        Ok(Some((id, RunEnd { steps: first.steps + rest.steps, ..rest })))
    }

    /// Roll back the open batch, if it is still open (a step failing half-way
    /// has rolled it back already), and forget what the caches learnt in it.
    fn roll_back_batch(&mut self) -> Result<(), SimError> {
        if self.store.in_batch() {
            // The caller's error is the one to report; the rollback of a connection
            // that cannot roll back happens when it closes.
            let _ = self.store.abort_batch();
        }
        self.cache.clear();
        self.rebuild_policies()
    }
}
