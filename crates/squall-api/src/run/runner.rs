//! The run of the open board: a `squall_sim::Session` over the board's
//! store, opened on the first run request and rebuilt whenever the board
//! changes in a way that matters to running it. The board is the truth: the
//! session always runs the board as the workspace holds it now.

use std::path::{Path, PathBuf};

use squall_model::Board;
use squall_sim::{Options, Session, Source, Trace};
use squall_store::Store;

use super::answer::{RunAnswer, RunStatus, ScriptConstant};
use super::request::RunRequest;
use super::status::Tally;
use super::{inspect, log, place, status};
use crate::{Error, Push};

/// What the run sees of the workspace for one request.
pub(crate) struct BoardRef<'a> {
    pub(crate) board: &'a Board,
    pub(crate) path: Option<&'a Path>,
}

impl BoardRef<'_> {
    /// Scripts are relative to the model's folder; a board without a file
    /// has none, and its scripts are looked for in the working folder.
    pub(crate) fn model_dir(&self) -> PathBuf {
        match self.path.and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        }
    }
}

/// What a run request gives back: the answer, and what to push to every client.
pub(crate) struct Handled {
    pub(crate) answer: RunAnswer,
    pub(crate) push: Option<Push>,
}

/// The run, once opened.
#[derive(Default)]
pub(crate) struct Runner {
    open: Option<Open>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.open.as_ref();
        f.debug_struct("Runner")
            .field("store", &open.map(|o| o.store().location().to_owned()))
            .field("branch", &open.map(|o| o.branch.clone()))
            .finish()
    }
}

/// A running session, or the store alone while the board cannot run.
pub(crate) enum Engine {
    Running(Box<Session>),
    Stopped(Box<Store>),
}

pub(crate) struct Open {
    /// The model file the store belongs to.
    path: Option<PathBuf>,
    /// The board as far as running it goes (see [`shape`]).
    shape: Board,
    pub(crate) engine: Engine,
    /// The current branch, kept across rebuilds of the session.
    pub(crate) branch: String,
    pub(crate) problem: Option<String>,
    pub(crate) constants: Vec<ScriptConstant>,
    pub(crate) tally: Tally,
    /// The traces of the last request that stepped: what the head's step
    /// changed, for marking changed fields of documents at the head.
    pub(crate) last: Vec<Trace>,
}

impl Open {
    pub(crate) fn store(&self) -> &Store {
        match &self.engine {
            Engine::Running(session) => session.store(),
            Engine::Stopped(store) => store,
        }
    }

    /// The session, or why the board cannot run.
    pub(crate) fn session(&self) -> Result<&Session, Error> {
        match &self.engine {
            Engine::Running(session) => Ok(session),
            Engine::Stopped(_) => Err(self.cannot_run()),
        }
    }

    fn session_mut(&mut self) -> Result<&mut Session, Error> {
        let problem = self.cannot_run();
        match &mut self.engine {
            Engine::Running(session) => Ok(session),
            Engine::Stopped(_) => Err(problem),
        }
    }

    /// A session that may take steps: none while a script does not compile.
    fn stepping(&mut self) -> Result<&mut Session, Error> {
        if let Some(problem) = &self.problem {
            return Err(Error::CannotRun(problem.clone()));
        }
        self.session_mut()
    }

    fn cannot_run(&self) -> Error {
        Error::CannotRun(self.problem.clone().unwrap_or_else(|| "the session is not open".to_owned()))
    }

    fn take_store(self) -> Store {
        match self.engine {
            Engine::Running(session) => session.into_store(),
            Engine::Stopped(store) => *store,
        }
    }
}

impl Runner {
    /// Carry out a run request on the board as it is now.
    pub(crate) fn handle(&mut self, at: &BoardRef<'_>, request: RunRequest) -> Result<Handled, Error> {
        let open = self.ensure(at)?;
        let quiet = |answer| Ok(Handled { answer, push: None });
        match request {
            RunRequest::Status => quiet(RunAnswer::Status { status: status::of(open, at)? }),
            RunRequest::Submit { command, data } => {
                let command_id = open.stepping()?.submit_sticky(command.as_str(), data, Source::User)?;
                let status = status::of(open, at)?;
                Ok(pushed(RunAnswer::Submitted { status: status.clone(), command_id }, status, Vec::new()))
            }
            RunRequest::Step => {
                let trace = open.stepping()?.step();
                let traces: Vec<Trace> = trace.inspect_err(|_| open.tally.forget())?.into_iter().collect();
                open.last.clone_from(&traces);
                let status = status::of(open, at)?;
                let answer = RunAnswer::Stepped { status: status.clone(), traces: traces.clone(), end: None };
                Ok(pushed(answer, status, traces))
            }
            RunRequest::RunUntilQuiet { max_steps } => {
                let max = max_steps.map_or(1_000, |n| n as usize);
                let mut traces = Vec::new();
                let end = open.stepping()?.run_until_quiet(max, |trace| traces.push(trace.clone()));
                let end = end.inspect_err(|_| open.tally.forget())?;
                open.last.clone_from(&traces);
                let status = status::of(open, at)?;
                let answer =
                    RunAnswer::Stepped { status: status.clone(), traces: traces.clone(), end: Some(end) };
                Ok(pushed(answer, status, traces))
            }
            RunRequest::Events { filter, offset, limit } => {
                quiet(RunAnswer::Events { page: log::page(open, at.board, &filter, offset, limit)? })
            }
            RunRequest::Cascade { correlation_id } => {
                quiet(RunAnswer::Cascade { steps: log::cascade(open, at.board, &correlation_id)? })
            }
            RunRequest::Instances { aggregate, at: position } => quiet(RunAnswer::Instances {
                instances: inspect::instances(open, at.board, &aggregate, position)?,
            }),
            RunRequest::AggregateState { aggregate, instance, at: position } => quiet(RunAnswer::Aggregate {
                aggregate: inspect::aggregate(open, &aggregate, &instance, position)?,
            }),
            RunRequest::Documents { read_model, at: position, search, offset, limit } => {
                let page = inspect::documents(
                    open,
                    at.board,
                    &read_model,
                    position,
                    search.as_deref(),
                    offset,
                    limit,
                )?;
                quiet(RunAnswer::Documents { page })
            }
            RunRequest::Query { sql, limit } => {
                quiet(RunAnswer::Rows { rows: inspect::query(open, &sql, limit)? })
            }
            RunRequest::Fork { name, at: position } => {
                let session = open.session_mut()?;
                let branch = match name {
                    Some(name) => {
                        session.fork(&name, position.map(u64::from))?;
                        name
                    }
                    None => {
                        let position = match position {
                            Some(position) => u64::from(position),
                            None => session.store().head(session.branch())?,
                        };
                        session.rewind(position)?
                    }
                };
                open.branch = branch;
                open.tally.forget();
                open.last.clear();
                changed_status(open, at)
            }
            RunRequest::Switch { branch } => {
                open.session_mut()?.switch(&branch)?;
                open.branch = branch;
                open.tally.forget();
                open.last.clear();
                changed_status(open, at)
            }
            RunRequest::Diff { left, right } => {
                quiet(RunAnswer::Diff { diff: open.session()?.diff(&left, &right)? })
            }
            RunRequest::AdvanceClock { by } => {
                open.session_mut()?.advance(&by)?;
                changed_status(open, at)
            }
            RunRequest::RunScenarios { name } => {
                let dir = at.model_dir();
                let options = Options::default();
                let results = match name {
                    None => squall_sim::scenario::run_all(at.board, &dir, &options)?,
                    Some(name) => {
                        let scenario =
                            at.board.scenarios.iter().find(|s| s.name == name).ok_or_else(|| {
                                Error::Refused(format!("the board has no scenario named \"{name}\""))
                            })?;
                        vec![squall_sim::scenario::run(at.board, &dir, &options, scenario)?]
                    }
                };
                quiet(RunAnswer::Scenarios { results })
            }
            RunRequest::SaveScenario { .. } => Err(Error::Refused(
                "save_scenario goes through the workspace, as an edit of the board".into(),
            )),
            RunRequest::Replay => {
                let report = open.stepping()?.replay()?;
                open.last.clear();
                let status = status::of(open, at)?;
                Ok(pushed(RunAnswer::Replayed { status: status.clone(), report }, status, Vec::new()))
            }
            RunRequest::NewRun => {
                self.new_run(at)?;
                let open = self.ensure(at)?;
                changed_status(open, at)
            }
            RunRequest::Suggestions { command } => {
                quiet(RunAnswer::Suggestions { fields: inspect::suggestions(open, at.board, &command)? })
            }
        }
    }

    /// After files changed on disk: when the run is open and its scripts now
    /// compile, or no longer do, where it stands, for every client to hear.
    pub(crate) fn rescan(&mut self, at: &BoardRef<'_>) -> Result<Option<Push>, Error> {
        let Some(before) = self.open.as_ref().map(|open| open.problem.clone()) else { return Ok(None) };
        let open = self.ensure(at)?;
        if open.problem == before {
            return Ok(None);
        }
        let status = status::of(open, at)?;
        Ok(Some(Push::Run { status: Box::new(status), traces: Vec::new() }))
    }

    /// After a script was written through the workspace: the open run takes
    /// it up now, and where it stands is pushed to every client whether its
    /// problem changed or not, so each sees the rules it now runs with.
    pub(crate) fn script_written(&mut self, at: &BoardRef<'_>) -> Result<Option<Push>, Error> {
        if self.open.is_none() {
            return Ok(None);
        }
        let open = self.ensure(at)?;
        let status = status::of(open, at)?;
        Ok(Some(Push::Run { status: Box::new(status), traces: Vec::new() }))
    }

    /// Turn a processed command and its cascade into a scenario, for the
    /// workspace to add to the board.
    pub(crate) fn record_scenario(
        &mut self,
        at: &BoardRef<'_>,
        name: &str,
        command_id: &str,
    ) -> Result<squall_model::Scenario, Error> {
        let open = self.ensure(at)?;
        Ok(open.session()?.record_scenario(name, command_id)?)
    }

    /// Open the run, or bring it in line with the board and its scripts.
    fn ensure(&mut self, at: &BoardRef<'_>) -> Result<&mut Open, Error> {
        let path = at.path.map(Path::to_owned);
        if self.open.as_ref().is_some_and(|open| open.path != path) {
            // Another file: its own run. Closing this one first lets SQLite tidy its WAL.
            self.open = None;
        }
        let shape = shape(at.board);
        let rebuild = match &mut self.open {
            None => Some((place::open(at.path)?, squall_store::MAIN.to_owned())),
            Some(open) if open.shape != shape || matches!(open.engine, Engine::Stopped(_)) => {
                self.open.take().map(|open| {
                    let branch = open.branch.clone();
                    (open.take_store(), branch)
                })
            }
            Some(open) => {
                if let Engine::Running(session) = &mut open.engine {
                    // Scripts edited on disk run from the next step on; one that
                    // does not compile keeps its last version, and stops the steps.
                    open.problem = session.reload_scripts().err().map(|e| e.to_string());
                }
                None
            }
        };
        if let Some((store, branch)) = rebuild {
            self.open = Some(build(store, at, path, shape, branch));
        }
        // Set just above when it was missing.
        self.open.as_mut().ok_or_else(|| Error::CannotRun("the run could not be opened".into()))
    }

    /// Close the run and set its store file aside; the next request opens a fresh one.
    fn new_run(&mut self, at: &BoardRef<'_>) -> Result<(), Error> {
        self.open = None;
        if let Some(model) = at.path {
            place::set_aside(model)?;
        }
        Ok(())
    }
}

fn build(store: Store, at: &BoardRef<'_>, path: Option<PathBuf>, shape: Board, branch: String) -> Open {
    let dir = at.model_dir();
    let constants = squall_sim::constants::of_board(at.board, &dir)
        .into_iter()
        .map(|c| ScriptConstant { sticky: c.sticky.as_str().into(), name: c.name, value: c.value })
        .collect();
    let (engine, problem, branch) =
        match Session::open_or_return(at.board.clone(), &dir, store, Options::default()) {
            Ok(mut session) => {
                // Stay on the branch people were looking at, if it is still there.
                let branch = if branch != session.branch() && session.switch(&branch).is_err() {
                    session.branch().to_owned()
                } else {
                    branch
                };
                (Engine::Running(Box::new(session)), None, branch)
            }
            Err(failed) => {
                let (error, store) = *failed;
                (Engine::Stopped(Box::new(store)), Some(error.to_string()), branch)
            }
        };
    Open { path, shape, engine, branch, problem, constants, tally: Tally::default(), last: Vec::new() }
}

/// The board as far as running it goes: moving, resizing, recolouring or
/// describing stickies, or adding a scenario, does not rebuild the session.
fn shape(board: &Board) -> Board {
    let mut shape = board.clone();
    shape.scenarios.clear();
    shape.groups.clear();
    shape.description = None;
    for element in &mut shape.elements {
        element.position = squall_model::Point::default();
        element.size = squall_model::Size::default();
        element.description = None;
        element.colour = None;
        element.tags.clear();
    }
    shape
}

fn pushed(answer: RunAnswer, status: RunStatus, traces: Vec<Trace>) -> Handled {
    Handled { answer, push: Some(Push::Run { status: Box::new(status), traces }) }
}

fn changed_status(open: &mut Open, at: &BoardRef<'_>) -> Result<Handled, Error> {
    let status = status::of(open, at)?;
    Ok(pushed(RunAnswer::Status { status: status.clone() }, status, Vec::new()))
}
