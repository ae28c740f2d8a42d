//! The open board: its file, its lint, its undo history and its autosave.
//! Every host (the desktop shell, `squall serve`) holds one and passes it
//! requests; none keeps board state of its own.

mod script;
mod starter;

use std::path::{Path, PathBuf};

use squall_model::grammar::{self, RULES};
use squall_model::lint::{self, Code, Report};
use squall_model::{Board, FieldType, GroupKind, Kind};

use crate::change::{Change, Touch};
use crate::history::{DEFAULT_UNDO_LIMIT, History, Step};
use crate::ops::{self, Planned};
use crate::presence::{Role, Who};
use crate::response::{CodeInfo, Grammar, RecoveryOffer, SearchHit, State, UndoState};
use crate::run::{BoardRef, RunAnswer, RunRequest, Runner};
use crate::{ElementPatch, Error, Op, Push, Request, Response, recovery};

/// How a host sets up its workspace.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many edits can be undone.
    pub undo_limit: usize,
    /// Where boards without a file are autosaved; without it they are not.
    pub recovery_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options { undo_limit: DEFAULT_UNDO_LIMIT, recovery_dir: None }
    }
}

#[derive(Debug)]
pub struct Workspace {
    board: Board,
    path: Option<PathBuf>,
    lint: Report,
    history: History,
    /// Identifies the board's content; see [`State::revision`].
    revision: u32,
    /// The last revision handed out, so none is handed out twice.
    minted: u32,
    /// The revision last loaded or saved.
    saved: u32,
    /// The file's text as last loaded or saved, to notice changes by others.
    on_disk: Option<String>,
    /// A recovery file from an earlier session, waiting for a decision, and
    /// its board's element count.
    offer: Option<(PathBuf, u32)>,
    /// The recovery file this workspace wrote, removed once it is not needed.
    written: Option<PathBuf>,
    options: Options,
    /// The board's run, opened on the first run request.
    runner: Runner,
    /// What hosts are to push to every client, taken after each request.
    pushes: Vec<Push>,
    /// Who sent the request being handled: whose history an edit joins.
    who: Who,
    /// Set by the facilitator: only facilitators change the board.
    locked: bool,
}

impl Workspace {
    /// An empty board without a file.
    pub fn new(name: &str, options: Options) -> Self {
        let mut workspace = Workspace {
            board: Board::new(name),
            path: None,
            lint: Report::default(),
            history: History::new(options.undo_limit),
            revision: 0,
            minted: 0,
            saved: 0,
            on_disk: None,
            offer: None,
            written: None,
            options,
            runner: Runner::default(),
            pushes: Vec::new(),
            who: Who::local(),
            locked: false,
        };
        workspace.reset(Board::new(name), None, None);
        workspace
    }

    /// A workspace on the model file at `path`.
    pub fn open(path: &Path, options: Options) -> Result<Self, Error> {
        let (board, text) = load(path)?;
        let mut workspace = Workspace::new("", options);
        workspace.reset(board, Some(path.to_owned()), Some(text));
        Ok(workspace)
    }

    /// Parse a JSON request and carry it out.
    pub fn handle_json(&mut self, json: &str) -> Result<Response, Error> {
        self.handle(Request::from_json(json)?)
    }

    /// Carry out a request of the one local user (the desktop app, a script).
    /// On error nothing has changed.
    pub fn handle(&mut self, request: Request) -> Result<Response, Error> {
        self.handle_as(&Who::local(), request)
    }

    /// Carry out a request of `who`: their own undo history, what their role
    /// allows. On error nothing has changed.
    pub fn handle_as(&mut self, who: &Who, request: Request) -> Result<Response, Error> {
        may(who, self.locked, &request)?;
        who.clone_into(&mut self.who);
        let handled = self.carry_out(request);
        self.who = Who::local();
        handled
    }

    fn carry_out(&mut self, request: Request) -> Result<Response, Error> {
        match request {
            Request::GetState => Ok(self.state_response()),
            Request::Open { path, discard } => {
                self.may_drop_changes(discard)?;
                let path = PathBuf::from(path);
                let (board, text) = load(&path)?;
                self.forget_own_recovery();
                self.reset(board, Some(path), Some(text));
                Ok(self.state_response())
            }
            Request::New { name, discard } => {
                self.may_drop_changes(discard)?;
                self.forget_own_recovery();
                self.reset(Board::new(name), None, None);
                Ok(self.state_response())
            }
            Request::Reload { discard } => {
                self.may_drop_changes(discard)?;
                let path = self.path.clone().ok_or(Error::NoFile)?;
                let (board, text) = load(&path)?;
                self.forget_own_recovery();
                self.reset(board, Some(path), Some(text));
                Ok(self.state_response())
            }
            Request::Save => {
                let path = self.path.clone().ok_or(Error::NoFile)?;
                self.save_to(path)?;
                Ok(self.state_response())
            }
            Request::SaveAs { path } => {
                self.save_to(PathBuf::from(path))?;
                Ok(self.state_response())
            }
            Request::Edit { op } => self.edit(*op),
            Request::Undo => {
                self.undo()?;
                Ok(self.state_response())
            }
            Request::Redo => {
                self.redo()?;
                Ok(self.state_response())
            }
            Request::Grammar => Ok(Response::Grammar { grammar: grammar_info() }),
            Request::JudgeConnection { from_kind, to_kind } => {
                Ok(Response::Verdict { verdict: grammar::judge(from_kind, to_kind) })
            }
            Request::Search { query } => Ok(Response::SearchResults { hits: self.search(&query) }),
            Request::CheckFile => Ok(Response::FileStatus { changed: self.file_changed() }),
            Request::WriteRecovery => {
                let written = self.write_recovery()?;
                Ok(Response::Recovery { written: written.map(|p| p.display().to_string()) })
            }
            Request::TakeRecovery => {
                let (path, _) = self.offer.clone().ok_or(Error::NoRecovery)?;
                let mut board = recovery::read(&path)?;
                board.canonicalize();
                self.commit(Change::ReplaceBoard(Box::new(board)))?;
                self.offer = None;
                // Until the board is saved, the file still holds the work.
                self.written = Some(path);
                Ok(self.state_response())
            }
            Request::DiscardRecovery => {
                let (path, _) = self.offer.clone().ok_or(Error::NoRecovery)?;
                recovery::remove(&path)?;
                self.offer = None;
                Ok(self.state_response())
            }
            Request::CreateScript { id } => self.create_script(id),
            Request::ReadScript { id } => self.read_script(&id, None),
            Request::CheckScript { id, text } => self.read_script(&id, Some(&text)),
            Request::WriteScript { id, text } => self.write_script(&id, &text),
            Request::Run { request } => self.run(request),
            Request::Picture { format, scale } => {
                Ok(Response::Picture { picture: Box::new(crate::picture::draw(&self.board, format, scale)?) })
            }
            Request::ExportCode { language, dir, force } => {
                let export =
                    crate::code::export(&self.board, self.path.as_deref(), language, dir.as_deref(), force)?;
                Ok(Response::CodeExported { export })
            }
            Request::Lock { locked } => {
                self.locked = locked;
                Ok(self.state_response())
            }
        }
    }

    /// What to push to every client after the requests handled since the
    /// last call: the run's moves (`Push::Run`, one per request however many
    /// steps it took). Board changes are pushed by hosts from the state as
    /// before. Hosts broadcast these after every request, adding nothing.
    pub fn take_pushes(&mut self) -> Vec<Push> {
        std::mem::take(&mut self.pushes)
    }

    /// Everything the UI shows.
    pub fn state(&self) -> State {
        let recovery = self
            .offer
            .as_ref()
            .map(|(path, elements)| RecoveryOffer { path: path.display().to_string(), elements: *elements });
        State {
            board: self.board.clone(),
            lint: self.lint.clone(),
            path: self.path.as_ref().map(|p| p.display().to_string()),
            dirty: self.is_dirty(),
            can_undo: self.history.can_undo(&self.who.id),
            can_redo: self.history.can_redo(&self.who.id),
            histories: {
                let mut all: Vec<UndoState> = self
                    .history
                    .participants()
                    .map(|(participant, can_undo, can_redo)| UndoState {
                        participant: participant.to_owned(),
                        can_undo,
                        can_redo,
                    })
                    .collect();
                all.sort_by(|a, b| a.participant.cmp(&b.participant));
                all
            },
            locked: self.locked,
            revision: self.revision,
            recovery,
        }
    }

    pub fn board(&self) -> &Board {
        &self.board
    }

    pub fn lint(&self) -> &Report {
        &self.lint
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn revision(&self) -> u32 {
        self.revision
    }

    /// Locked by the facilitator: only facilitators change the board.
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Changed since last loaded or saved.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved
    }

    /// Whether the file on disk differs from what was last loaded or saved:
    /// someone else wrote it, or it is gone. A board without a file has
    /// nothing to differ from.
    pub fn file_changed(&self) -> bool {
        match (&self.path, &self.on_disk) {
            (Some(path), Some(known)) => match std::fs::read(path) {
                Ok(bytes) => bytes != known.as_bytes(),
                Err(_) => true,
            },
            _ => false,
        }
    }

    /// Lint the board again, for when files it refers to (scripts) may have
    /// changed. Returns whether the report changed.
    pub fn relint(&mut self) -> bool {
        let report = lint::lint(&self.board, &lint::Options { model_dir: self.model_dir() });
        let changed = report != self.lint;
        self.lint = report;
        changed
    }

    /// Where this board's recovery file goes, if it has one.
    pub fn recovery_path(&self) -> Option<PathBuf> {
        recovery::path_for(self.path.as_deref(), self.options.recovery_dir.as_deref())
    }

    /// Autosave: write the unsaved board to its recovery file, atomically.
    /// A clean board needs none, and an earlier session's file waiting to
    /// be taken is not overwritten. Returns the file written.
    pub fn write_recovery(&mut self) -> Result<Option<PathBuf>, Error> {
        if self.offer.is_some() {
            return Ok(None);
        }
        if !self.is_dirty() {
            self.forget_own_recovery();
            return Ok(None);
        }
        let Some(path) = self.recovery_path() else { return Ok(None) };
        let text = squall_model::to_ron(&self.board)?;
        squall_model::write_atomically(&path, text.as_bytes())?;
        self.written = Some(path.clone());
        Ok(Some(path))
    }

    /// A request about the board's run. Saving a scenario is an edit of the
    /// board, so it goes through the history like any other.
    fn run(&mut self, request: RunRequest) -> Result<Response, Error> {
        let at = BoardRef { board: &self.board, path: self.path.as_deref() };
        if let RunRequest::SaveScenario { name, command_id } = request {
            let mut scenario = self.runner.record_scenario(&at, &name, &command_id)?;
            scenario.name = name.trim().to_owned();
            let name = scenario.name.clone();
            let Planned { change, .. } =
                ops::plan(&self.board, Op::AddScenario { scenario: Box::new(scenario) })?;
            self.commit(change)?;
            return Ok(Response::Run { answer: RunAnswer::ScenarioSaved { name } });
        }
        let handled = self.runner.handle(&at, request)?;
        self.pushes.extend(handled.push);
        Ok(Response::Run { answer: handled.answer })
    }

    /// The run's push after files changed on disk, if any; a run that
    /// cannot be looked at now is looked at on the next request.
    pub(crate) fn run_rescan(&mut self) -> Option<Push> {
        let at = BoardRef { board: &self.board, path: self.path.as_deref() };
        self.runner.rescan(&at).ok().flatten()
    }

    /// Write a starting script for an element and make it the element's.
    fn create_script(&mut self, id: squall_model::Id) -> Result<Response, Error> {
        let model = self.path.clone().ok_or(Error::NoFile)?;
        let element = self
            .board
            .elements
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| Error::UnknownElement(id.clone()))?;
        if !element.kind.has_script() {
            return Err(Error::Refused(format!(
                "{} has no script: aggregates, policies, read models and external systems do",
                element.describe()
            )));
        }
        if let (Some(script), Some(dir)) = (&element.script, self.model_dir())
            && dir.join(script).is_file()
        {
            return Err(Error::Refused(format!("{} already has its script `{script}`", element.describe())));
        }
        let starter = starter::Starter::plan(&self.board, &model, element);
        starter.write()?;
        let patch = ElementPatch { script: Some(starter.relative), ..ElementPatch::default() };
        self.edit(Op::UpdateElement { id, patch })
    }

    fn edit(&mut self, op: Op) -> Result<Response, Error> {
        let Planned { change, created } = ops::plan(&self.board, op)?;
        if !change.is_empty() {
            self.commit(change)?;
        }
        Ok(Response::Edited { state: self.state(), created })
    }

    /// Apply a change as one undo step.
    fn commit(&mut self, change: Change) -> Result<(), Error> {
        let inverse = change.apply(&mut self.board)?;
        let seq = self.history.note(&self.who.id, &inverse);
        let before = self.revision;
        self.revision = self.mint();
        let step = Step { change: inverse, revision: before, after: self.revision, seq };
        self.history.record(&self.who.id, step);
        self.relint();
        Ok(())
    }

    fn undo(&mut self) -> Result<(), Error> {
        let who = self.who.id.clone();
        let step = self.history.take_undo(&who).ok_or(Error::NothingToUndo)?;
        self.refuse_if_built_upon(&who, &step, "undo")?;
        let redo = step.change.apply(&mut self.board).inspect_err(|_| self.history.clear_for(&who))?;
        let seq = self.history.note(&who, &redo);
        let before = self.revision;
        self.revision = self.back_to(step.revision, step.after);
        self.history.push_redo(&who, Step { change: redo, revision: before, after: self.revision, seq });
        self.relint();
        Ok(())
    }

    fn redo(&mut self) -> Result<(), Error> {
        let who = self.who.id.clone();
        let step = self.history.take_redo(&who).ok_or(Error::NothingToRedo)?;
        self.refuse_if_built_upon(&who, &step, "redo")?;
        let undo = step.change.apply(&mut self.board).inspect_err(|_| self.history.clear_for(&who))?;
        let seq = self.history.note(&who, &undo);
        let before = self.revision;
        self.revision = self.back_to(step.revision, step.after);
        self.history.push_undo(&who, Step { change: undo, revision: before, after: self.revision, seq });
        self.relint();
        Ok(())
    }

    /// The revision after applying a step: exactly the one it returns to when
    /// nobody changed the board since (so undoing back to the saved board is
    /// clean again), a new one otherwise.
    fn back_to(&mut self, revision: u32, after: u32) -> u32 {
        if self.revision == after { revision } else { self.mint() }
    }

    /// A step someone else has built upon is dropped, not applied: undoing it
    /// would pull the ground from under their change.
    fn refuse_if_built_upon(&self, who: &str, step: &Step, what: &str) -> Result<(), Error> {
        let Some(built) = self.history.built_upon(who, step) else { return Ok(()) };
        let thing = match &built.touch {
            Touch::Element(id) => {
                self.board.element(id).map_or_else(|| format!("sticky {id}"), |e| e.describe())
            }
            Touch::Connection(from, to) => format!("the arrow {from} → {to}"),
            Touch::Group(id) => format!("frame {id}"),
            Touch::Scenario(name) => format!("scenario `{name}`"),
            Touch::Name => "the board's name".to_owned(),
            Touch::Board => "the board".to_owned(),
        };
        let by =
            if built.by.is_empty() { "someone else".to_owned() } else { format!("participant {}", built.by) };
        Err(Error::Refused(format!(
            "cannot {what} your change of {thing}: {by} has changed it since, so it stays as they left it; \
             {what} again to go on with your earlier changes"
        )))
    }

    /// Write the canonical text atomically (what `squall_model::save` does,
    /// keeping the text to notice later changes on disk).
    fn save_to(&mut self, path: PathBuf) -> Result<(), Error> {
        let text = squall_model::to_ron(&self.board)?;
        squall_model::write_atomically(&path, text.as_bytes())?;
        let moved = self.path.as_ref() != Some(&path);
        self.path = Some(path);
        self.on_disk = Some(text);
        self.saved = self.revision;
        if moved {
            // Script paths are relative to the file, and an offer was for the old one.
            self.offer = None;
            self.relint();
        }
        self.forget_own_recovery();
        Ok(())
    }

    fn may_drop_changes(&self, discard: bool) -> Result<(), Error> {
        if self.is_dirty() && !discard { Err(Error::Unsaved) } else { Ok(()) }
    }

    /// A new document: no history, clean, and any recovery file offered.
    fn reset(&mut self, mut board: Board, path: Option<PathBuf>, on_disk: Option<String>) {
        board.canonicalize();
        self.board = board;
        self.path = path;
        self.on_disk = on_disk;
        self.history.clear();
        self.revision = self.mint();
        self.saved = self.revision;
        self.written = None;
        self.offer = self.recovery_path().and_then(|recovery| {
            let board = recovery::offered(&recovery, self.path.as_deref())?;
            Some((recovery, u32::try_from(board.elements.len()).unwrap_or(u32::MAX)))
        });
        self.relint();
    }

    /// Remove the recovery file this workspace wrote; failing to is harmless
    /// (an offer next time), so it is only logged by the caller's absence.
    fn forget_own_recovery(&mut self) {
        if let Some(path) = self.written.take() {
            let _gone = recovery::remove(&path);
        }
    }

    fn mint(&mut self) -> u32 {
        self.minted = self.minted.wrapping_add(1);
        self.minted
    }

    fn model_dir(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        Some(match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        })
    }

    fn state_response(&self) -> Response {
        Response::State { state: self.state() }
    }

    fn search(&self, query: &str) -> Vec<SearchHit> {
        let query = query.trim().trim_start_matches('#').to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<SearchHit> = self
            .board
            .elements
            .iter()
            .filter_map(|element| {
                let in_name = element.name.to_lowercase().contains(&query);
                let tags: Vec<String> =
                    element.tags.iter().filter(|t| t.to_lowercase().contains(&query)).cloned().collect();
                (in_name || !tags.is_empty()).then(|| SearchHit {
                    id: element.id.clone(),
                    kind: element.kind,
                    name: element.name.clone(),
                    in_name,
                    tags,
                })
            })
            .collect();
        // Name matches first, then alphabetically.
        hits.sort_by(|a, b| (!a.in_name, &a.name, &a.id).cmp(&(!b.in_name, &b.name, &b.id)));
        hits
    }
}

/// The model and the text it was read from, with the library's errors
/// (line and column, or where the first bad byte is).
fn load(path: &Path) -> Result<(Board, String), Error> {
    let bytes = std::fs::read(path).map_err(|source| {
        Error::Load(squall_model::LoadError::Read { origin: path.display().to_string(), source })
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((squall_model::parse(&text, &path.display().to_string())?, text)),
        Err(_) => Err(match squall_model::load(path) {
            Err(err) => err.into(),
            Ok(_) => Error::Refused(format!("{}: the file changed while it was being read", path.display())),
        }),
    }
}

fn grammar_info() -> Grammar {
    let leaf = [
        FieldType::String,
        FieldType::Int,
        FieldType::Decimal,
        FieldType::Bool,
        FieldType::Timestamp,
        FieldType::Id,
        FieldType::Map,
    ];
    let mut field_types: Vec<String> = leaf.iter().map(ToString::to_string).collect();
    field_types.extend(["list<T>".to_owned(), "optional<T>".to_owned()]);
    Grammar {
        rules: RULES.to_vec(),
        kinds: Kind::ALL.iter().map(|k| k.info()).collect(),
        group_kinds: vec![GroupKind::BoundedContext, GroupKind::Swimlane],
        codes: Code::ALL
            .iter()
            .map(|&code| CodeInfo { code, severity: code.severity(), summary: code.summary().to_owned() })
            .collect(),
        field_types,
    }
}

/// Whether `who` may make `request`: viewers and, while the board is
/// locked, participants may look but not change anything.
fn may(who: &Who, locked: bool, request: &Request) -> Result<(), Error> {
    let looks = match request {
        Request::GetState
        | Request::Grammar
        | Request::JudgeConnection { .. }
        | Request::Search { .. }
        | Request::CheckFile
        | Request::ReadScript { .. }
        | Request::CheckScript { .. }
        | Request::Picture { .. } => true,
        Request::Run { request } => !request.moves(),
        _ => false,
    };
    if looks {
        return Ok(());
    }
    match who.role {
        Role::Viewer => Err(Error::Refused("viewers watch the board; they cannot change it".into())),
        Role::Participant if matches!(request, Request::Lock { .. }) => {
            Err(Error::Refused("only the facilitator locks and unlocks the board".into()))
        }
        Role::Participant if locked => Err(Error::Refused(
            "the facilitator has locked the board; changes wait until it is unlocked".into(),
        )),
        _ => Ok(()),
    }
}
