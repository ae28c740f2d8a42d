//! What the workspace answers, and what a host pushes to every client.

use serde::Serialize;
use squall_model::grammar::{Rule, Verdict};
use squall_model::lint::{Code, Report, Severity};
use squall_model::{Board, GroupKind, Id, Kind, KindInfo};
use squall_sim::Trace;
use ts_rs::TS;

use crate::presence::Participant;

use crate::code::CodeExport;
use crate::picture::Picture;
use crate::run::{RunAnswer, RunStatus};
use crate::script::ScriptInfo;

/// The answer to a [`Request`](crate::Request).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The workspace after the request: get_state, open, new, reload, save,
    /// save_as, undo, redo, take_recovery, discard_recovery.
    State {
        state: State,
    },
    /// The workspace after an edit, with the ids the edit minted (added
    /// elements and groups, pasted elements in the order given).
    Edited {
        state: State,
        created: Vec<Id>,
    },
    Grammar {
        grammar: Grammar,
    },
    Verdict {
        verdict: Verdict,
    },
    SearchResults {
        hits: Vec<SearchHit>,
    },
    /// Whether the file on disk differs from what was last loaded or saved
    /// (a deleted file differs).
    FileStatus {
        changed: bool,
    },
    /// Where the recovery file was written; nothing is written while the
    /// board has no unsaved changes, or while an earlier recovery file
    /// waits to be taken or discarded.
    Recovery {
        written: Option<String>,
    },
    /// The answer to read_script and check_script.
    Script {
        script: Box<ScriptInfo>,
    },
    /// The answer to write_script: the script as written and the workspace
    /// after it (changed when the sticky got its script path).
    ScriptWritten {
        state: State,
        script: Box<ScriptInfo>,
    },
    /// The answer to a run request.
    Run {
        answer: RunAnswer,
    },
    /// The answer to picture.
    Picture {
        picture: Box<Picture>,
    },
    /// What `export_code` wrote, and where.
    CodeExported {
        export: CodeExport,
    },
}

/// Everything the UI shows about the open board.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct State {
    pub board: Board,
    /// The lint, with script paths resolved against the file's folder.
    pub lint: Report,
    /// The board's file; none for a new board not yet saved.
    pub path: Option<String>,
    /// Changed since last loaded or saved.
    pub dirty: bool,
    /// Whether the requester (the desktop app's user) can undo or redo;
    /// each participant finds their own in `histories`.
    pub can_undo: bool,
    pub can_redo: bool,
    /// Every participant with something to undo or redo.
    pub histories: Vec<UndoState>,
    /// Locked by the facilitator: only facilitators change the board.
    pub locked: bool,
    /// Identifies the board's content: it changes with every edit and
    /// returns to an earlier value on undo. Clients compare it to skip
    /// pushes of a state they already show.
    pub revision: u32,
    /// A recovery file newer than the model, left by a session that ended
    /// with unsaved changes.
    pub recovery: Option<RecoveryOffer>,
}

/// What one participant can undo and redo.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct UndoState {
    pub participant: String,
    pub can_undo: bool,
    pub can_redo: bool,
}

/// An autosaved board waiting to be taken or discarded.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct RecoveryOffer {
    pub path: String,
    /// The recovered board's element count, to help the user decide.
    pub elements: u32,
}

/// The grammar and the vocabulary of the board, from the core.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Grammar {
    /// Every arrow between flow stickies that the grammar allows.
    pub rules: Vec<Rule>,
    /// Every kind of sticky, in palette order.
    pub kinds: Vec<KindInfo>,
    pub group_kinds: Vec<GroupKind>,
    /// Every lint code, for the allow-list editor.
    pub codes: Vec<CodeInfo>,
    /// Field type names as people write them: `decimal`, `list<T>`, `optional<T>`.
    pub field_types: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub summary: String,
}

/// An element found by a search.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SearchHit {
    pub id: Id,
    pub kind: Kind,
    pub name: String,
    /// Whether the name contains the query.
    pub in_name: bool,
    /// The element's tags that contain the query.
    pub tags: Vec<String>,
}

/// What a host pushes to every client of a board (a WebSocket, a Tauri event).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Push {
    /// The board, its lint or its undo state changed, through any client.
    Changed { state: Box<State> },
    /// The model file was changed on disk by something else.
    FileChanged { path: String },
    /// The lint changed without an edit (a script appeared or vanished).
    LintUpdated { lint: Report },
    /// The run moved on, through any client: where it stands now and the
    /// steps taken (empty for a fork, a switch, a clock change).
    Run { status: Box<RunStatus>, traces: Vec<Trace> },
    /// Who is on the board now, where they point and look (hosts with
    /// several participants send it a few times a second at most).
    Presence { participants: Vec<Participant> },
    /// To one client only: it has joined as this participant.
    Joined { participant: Participant },
}

/// The body of a failed HTTP request; over IPC the error is the message alone.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ErrorBody {
    pub error: String,
}
