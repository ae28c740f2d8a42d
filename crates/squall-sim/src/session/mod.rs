//! A simulation session: a board, its scripts and a store, processing one
//! queued command per step.

mod cascade;
mod inspect;
mod process;
mod reading;
mod replay;
mod submit;
mod travel;
mod views;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rhai::Dynamic;
use serde::Serialize;
use serde_json::Value;
use squall_store::{Command, Store};

use crate::clock::Clock;
use crate::error::SimError;
use crate::model::{RunModel, Sticky};
use crate::script::{Limits, ScriptEngine};
use crate::scripts::Scripts;
use crate::trace::Trace;

pub use inspect::{DocumentsAt, InstanceAt};
pub use submit::Submission;
pub use travel::{BranchDiff, DocumentDiff, EventSummary, ReplayReport};

/// How a session runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seed of `random()` in scripts.
    pub seed: u64,
    /// Virtual time at the start.
    pub start: String,
    /// How far the clock moves with each step.
    pub tick: String,
    /// How many steps one cascade (everything caused by one command) may
    /// take before `run_until_quiet` stops it as a runaway policy loop.
    pub cascade_limit: usize,
    pub limits: Limits,
    /// Put aggregate states before and after each step into its trace.
    /// Batch runs that read no traces turn this off to save the copies.
    pub detailed_traces: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 42,
            start: Clock::START.to_owned(),
            tick: "1s".to_owned(),
            cascade_limit: 100,
            limits: Limits::default(),
            detailed_traces: true,
        }
    }
}

/// Where a command comes from, as the caller says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    User,
    Scenario(String),
}

/// An aggregate instance's state as last seen, and its stream version.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    state: Dynamic,
    version: u64,
}

/// What the session remembers of the current branch so that a step does
/// not ask the store again: aggregate instances, read-model documents and
/// stream versions. Updated only after the store commits; cleared whenever
/// the branch's history changes under it (switch, rewind, replay, reload).
/// Documents are kept as scripts see them, exactly as they would read them
/// back from the store (see `value::to_stored`).
#[derive(Debug, Default)]
pub(crate) struct Cache {
    instances: foldhash::HashMap<String, Instance>,
    documents: foldhash::HashMap<(Sticky, String), Option<Dynamic>>,
    versions: foldhash::HashMap<String, u64>,
    /// Commands queued by this session's steps -> the position of the event that caused each.
    causes: foldhash::HashMap<String, u64>,
    /// Whether the cache holds all the branch has (instances, documents, stream versions), so
    /// that a miss means "none" without asking the store: true when the branch had no event
    /// when the cache was last cleared, and it stays so while every step goes through the
    /// cache. A fresh store loaded in a batch then never waits for the writer thread to ask
    /// about the new accounts it opens. `None` until looked at.
    complete: Option<bool>,
}

impl Cache {
    pub(crate) fn clear(&mut self) {
        self.instances.clear();
        self.documents.clear();
        self.versions.clear();
        self.causes.clear();
        self.complete = None;
    }

    /// Forget the documents only (a replay rewrote them).
    pub(crate) fn clear_documents(&mut self) {
        self.documents.clear();
        self.complete = None;
    }
}

/// How `run_until_quiet` ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunEnd {
    pub steps: usize,
    /// The queue is empty.
    pub quiet: bool,
    /// Why the run was stopped early, naming the policy cycle.
    pub stopped: Option<String>,
}

pub struct Session {
    /// Shared so a step can read it while it changes the session.
    model: Arc<RunModel>,
    scripts: Scripts,
    engine: ScriptEngine,
    store: Store,
    branch: String,
    clock: Clock,
    options: Options,
    cache: Cache,
    policy_states: HashMap<Sticky, Dynamic>,
    /// Steps taken per cascade (correlation id) since the queue was last empty.
    cascades: HashMap<String, usize>,
    next_command: u64,
    /// Each step commits its own batch (see [`Session::begin_pipelined_steps`]).
    commit_each_step: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("branch", &self.branch)
            .field("store", &self.store.location())
            .finish()
    }
}

impl Session {
    /// Open a session on a board (loaded from the file in `model_dir`) and a
    /// store. Scripts are compiled now; policies catch up on the events
    /// already in the store.
    pub fn open(
        board: squall_model::Board,
        model_dir: &Path,
        store: Store,
        options: Options,
    ) -> Result<Session, SimError> {
        Session::open_or_return(board, model_dir, store, options).map_err(|failed| failed.0)
    }

    /// [`Session::open`], handing the store back when the board cannot run
    /// (a script that does not compile, a board with errors), so its run
    /// stays readable — an in-memory store would otherwise be lost.
    pub fn open_or_return(
        board: squall_model::Board,
        model_dir: &Path,
        store: Store,
        options: Options,
    ) -> Result<Session, Box<(SimError, Store)>> {
        let prepared = (|| {
            let model = RunModel::new(board, model_dir)?;
            let engine = ScriptEngine::new(&options.limits, options.seed);
            let scripts = Scripts::load(&model, &engine)?;
            let clock = Clock::new(&options.start, &options.tick)?;
            // The largest number issued so far: a fork queues copies of its parent's pending
            // commands under their ids, and a step that failed took its ids with it, so a count
            // of rows could hand out an id that is still waiting.
            let issued = store.query(
                "SELECT max(n) FROM (\
                 SELECT max(CAST(substr(command_id, 2) AS INTEGER)) AS n FROM commands \
                 WHERE command_id GLOB 'c[0-9]*' UNION ALL \
                 SELECT max(CAST(substr(command_id, 2) AS INTEGER)) FROM queue \
                 WHERE command_id GLOB 'c[0-9]*')",
            )?;
            let next_command =
                issued.rows.first().and_then(|row| row.first()).and_then(Value::as_u64).unwrap_or(0) + 1;
            Ok::<_, SimError>((model, engine, scripts, clock, next_command))
        })();
        let (model, engine, scripts, clock, next_command) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => return Err(Box::new((error, store))),
        };
        let mut session = Session {
            model: Arc::new(model),
            scripts,
            engine,
            store,
            branch: squall_store::MAIN.to_owned(),
            clock,
            options,
            cache: Cache::default(),
            policy_states: HashMap::new(),
            cascades: HashMap::new(),
            commit_each_step: false,
            next_command,
        };
        match session.resume_clock().and_then(|()| session.rebuild_policies()) {
            Ok(()) => Ok(session),
            Err(error) => Err(Box::new((error, session.into_store()))),
        }
    }

    /// Close the session and keep its store.
    pub fn into_store(self) -> Store {
        self.store
    }

    pub fn branch(&self) -> &str {
        &self.branch
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Script calls made so far by this session (replays included), and the time inside them.
    pub fn script_calls(&self) -> crate::script::CallStats {
        self.engine.call_stats()
    }

    /// The key (see `squall_model::naming`) of the command or event `name`
    /// means; `name` itself when it means none, so a comparison fails visibly.
    pub fn message_key(&self, kind: squall_model::Kind, name: &str) -> String {
        let sticky = match kind {
            squall_model::Kind::Command => self.model.command(name).ok().map(|spec| spec.element),
            _ => self.model.event(name).map(|spec| spec.element),
        };
        sticky.map_or_else(|| name.to_owned(), |s| self.model.key(s).to_owned())
    }

    pub fn board(&self) -> &squall_model::Board {
        &self.model.board
    }

    pub fn now(&self) -> String {
        self.clock.now()
    }

    /// Move the virtual clock on, e.g. by `1h`.
    pub fn advance(&mut self, by: &str) -> Result<(), SimError> {
        self.clock.advance(by)
    }

    /// Process queued commands until the queue is empty or `max_steps` were
    /// taken. A cascade that exceeds the cascade limit is stopped, its
    /// remaining commands rejected, and the policy cycle named.
    pub fn run_until_quiet(
        &mut self,
        max_steps: usize,
        mut on_step: impl FnMut(&Trace),
    ) -> Result<RunEnd, SimError> {
        self.run(None, max_steps, true, &mut on_step)
    }

    /// [`Session::run_until_quiet`] without traces, for runs nobody watches
    /// (benchmarks, bulk loads): the same steps and store contents, without
    /// the copies a trace takes.
    pub fn run_untraced(&mut self, max_steps: usize) -> Result<RunEnd, SimError> {
        self.run(None, max_steps, false, &mut |_| {})
    }

    /// Process queued commands, `first` before them if given (a command
    /// never queued: see `Session::submit_and_run`).
    fn run(
        &mut self,
        mut first: Option<Command>,
        max_steps: usize,
        traced: bool,
        on_step: &mut dyn FnMut(&Trace),
    ) -> Result<RunEnd, SimError> {
        let mut steps = 0;
        // Set when the queue is known to be empty without asking the store: a command handed
        // over directly is only so when nothing waited, and its step may queue nothing either.
        let mut nothing_waits = false;
        while steps < max_steps {
            let processed = match first.take() {
                Some(command) => {
                    let processed = self.process_command(command, false, traced)?;
                    nothing_waits = !processed.queued;
                    Some(processed)
                }
                None if nothing_waits => None,
                None => self.process(traced)?,
            };
            let Some(processed) = processed else {
                self.cascades.clear();
                return Ok(RunEnd { steps, quiet: true, stopped: None });
            };
            steps += 1;
            if let Some(trace) = &processed.trace {
                on_step(trace);
            }
            if self.commit_each_step && self.store.in_batch() {
                self.continue_batch()?;
            }
            // Counted across calls, so a loop driven a few steps at a time
            // is stopped too; forgotten once the queue is empty.
            let count = match self.cascades.get_mut(&processed.correlation_id) {
                Some(count) => count,
                None => self.cascades.entry(processed.correlation_id.clone()).or_default(),
            };
            *count += 1;
            let count = *count;
            if count >= self.options.cascade_limit {
                let message = self.runaway_message(count, &processed.correlation_id, &processed.id);
                self.discard_cascade(&processed.correlation_id, &message)?;
                if self.commit_each_step && self.store.in_batch() {
                    self.continue_batch()?;
                }
                self.cascades.remove(&processed.correlation_id);
                return Ok(RunEnd { steps, quiet: self.pending()? == 0, stopped: Some(message) });
            }
        }
        Ok(RunEnd { steps, quiet: self.pending()? == 0, stopped: None })
    }

    /// Group the next steps into one store transaction, for speed, their
    /// rows written by a second thread while the next steps run (see
    /// `Store::begin_pipelined_batch`); [`Session::finish_batch`] commits
    /// them. A step whose rows fail to be written rolls back the whole batch,
    /// reported by a later step or by `finish_batch`; the caches go with it.
    pub fn begin_batch(&mut self) -> Result<(), SimError> {
        Ok(self.store.begin_pipelined_batch()?)
    }

    /// Commit every step in a transaction of its own, as outside a batch,
    /// but have the store's writer thread write and commit each one while
    /// the next step runs (a pipelined batch continued after every step). A
    /// step is on disk once its batch has committed: `store().commits()`
    /// tells which have, the number of a step's batch being
    /// `commits().current()` when its trace is handed over. A write that
    /// fails rolls back the steps not committed yet, reported by a later
    /// step or by [`Session::finish_batch`], which ends this mode and waits
    /// for the last commit.
    pub fn begin_pipelined_steps(&mut self) -> Result<(), SimError> {
        self.begin_batch()?;
        self.commit_each_step = true;
        Ok(())
    }

    /// Commit the steps since [`Session::begin_batch`]. When the commit
    /// fails, they are all rolled back, and so are the caches that ran ahead.
    pub fn finish_batch(&mut self) -> Result<(), SimError> {
        self.commit_each_step = false;
        let finished = self.store.finish_batch();
        if finished.is_err() {
            self.cache.clear();
            self.rebuild_policies()?;
        }
        Ok(finished?)
    }

    /// Commit the steps since [`Session::begin_batch`] and go on in a new
    /// batch. The store's writer thread commits while the next steps run
    /// (see `Store::continue_batch`); should that fail, a later step or
    /// [`Session::finish_batch`] says so, every step since the last batch
    /// that committed is rolled back, and the caches with them.
    pub fn continue_batch(&mut self) -> Result<(), SimError> {
        let continued = self.store.continue_batch();
        if continued.is_err() {
            self.cache.clear();
            self.rebuild_policies()?;
        }
        Ok(continued?)
    }

    /// Commands waiting in the current branch's queue.
    pub fn pending(&self) -> Result<u64, SimError> {
        Ok(self.store.pending_count(&self.branch)?)
    }

    /// Recompile scripts whose files changed since they were loaded.
    pub fn reload_scripts(&mut self) -> Result<Vec<String>, SimError> {
        let reloaded = self.scripts.reload_changed(&self.model, &self.engine);
        // Aggregate and policy states were folded by the old scripts. A
        // failed reload may have replaced some scripts before it stopped.
        if reloaded.as_ref().map_or(true, |changed| !changed.is_empty()) {
            self.cache.clear();
            self.rebuild_policies()?;
        }
        reloaded
    }

    /// Bring caches, policies and read models up to date after events were
    /// written to the store directly (scenario history).
    pub(crate) fn catch_up(&mut self) -> Result<(), SimError> {
        self.cache.clear();
        self.rebuild_policies()?;
        self.rebuild_read_models()?;
        Ok(())
    }

    /// A new instance's state (aggregate) or a policy's starting state: what
    /// the script's `initial()` returns, or an empty map without one.
    pub(crate) fn initial_state(&self, script: &crate::script::Script) -> Result<Dynamic, SimError> {
        if !script.has(squall_model::contract::INITIAL) {
            return Ok(Dynamic::from_map(rhai::Map::new()));
        }
        match script.call(&self.engine, squall_model::contract::INITIAL, (), None)? {
            crate::script::Call::Returned(state) => Ok(state),
            crate::script::Call::Thrown(reason) => {
                Err(SimError::Rebuild(format!("{}: `initial` threw: {reason}", script.path)))
            }
        }
    }

    /// Whether a cache miss means the store has nothing either (see `Cache::complete`).
    pub(crate) fn cache_is_complete(&mut self) -> Result<bool, SimError> {
        if let Some(complete) = self.cache.complete {
            return Ok(complete);
        }
        let complete = self.store.head(&self.branch)? == 0;
        self.cache.complete = Some(complete);
        Ok(complete)
    }

    fn fresh_command_id(&mut self) -> String {
        let id = format!("c{}", self.next_command);
        self.next_command += 1;
        id
    }

    /// Reject every queued command of a runaway cascade, so the session can
    /// go on without it.
    fn discard_cascade(&mut self, correlation: &str, reason: &str) -> Result<(), SimError> {
        let pending = self.store.pending_commands(&self.branch, usize::MAX)?;
        for queued in pending.into_iter().filter(|q| q.command.metadata.correlation_id == correlation) {
            self.cache.causes.remove(&queued.command.id);
            let mut step = squall_store::Step::rejected(queued.command, reason, self.clock.now());
            step.from_queue = true;
            self.store.commit_step(&self.branch, &step)?;
        }
        Ok(())
    }

    /// Continue the virtual clock from the last recorded step, so a reopened
    /// store does not go back in time.
    fn resume_clock(&mut self) -> Result<(), SimError> {
        let last = self.store.query("SELECT max(recorded_at) FROM commands")?;
        if let Some(Value::String(at)) = last.rows.first().and_then(|row| row.first())
            && at.as_str() > self.clock.now().as_str()
        {
            self.clock.set(at)?;
        }
        Ok(())
    }
}
