//! What the UI asks of the workspace. Every edit of the board is an [`Op`];
//! each one applied becomes one undo step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use squall_model::{Connection, Element, Field, GroupKind, Id, Kind, Point, Scenario, Size};
use ts_rs::TS;

use crate::Error;
use crate::code::CodeLanguage;
use crate::picture::PictureFormat;
use crate::run::RunRequest;

/// One request to the workspace, as JSON: `{"type": "get_state"}`,
/// `{"type": "edit", "op": {"type": "connect", "from": "…", "to": "…"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// The board, its lint, its file and its undo state.
    GetState,
    /// Open a model file. Refused while the board has unsaved changes,
    /// unless `discard` is set.
    Open {
        path: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        discard: bool,
    },
    /// Start an empty board that has no file yet.
    New {
        name: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        discard: bool,
    },
    /// Read the board's file again, dropping the undo history.
    Reload {
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        discard: bool,
    },
    /// Write the board to its file: canonical, atomic, as `squall fmt` would.
    Save,
    /// Write the board to another file, which becomes its file.
    SaveAs {
        path: String,
    },
    /// Change the board.
    Edit {
        op: Box<Op>,
    },
    /// Undo the sender's own last edit (each participant has a history).
    Undo,
    Redo,
    /// The facilitator locks the board: only facilitators change it until unlocked.
    Lock {
        locked: bool,
    },
    /// The flow grammar, every kind of sticky and every lint code, so the UI
    /// never spells them out itself.
    Grammar,
    /// What the grammar says about an arrow between two kinds, for feedback
    /// while an arrow is being drawn.
    JudgeConnection {
        from_kind: Kind,
        to_kind: Kind,
    },
    /// Elements whose name or one of whose tags contains the query (any case).
    Search {
        query: String,
    },
    /// Whether the file on disk differs from what was last loaded or saved.
    CheckFile,
    /// Autosave: write the unsaved board to its recovery file.
    WriteRecovery,
    /// Replace the board with the recovery file offered in the state (one undo step).
    TakeRecovery,
    /// Delete the recovery file offered in the state.
    DiscardRecovery,
    /// Give an aggregate, policy, read model or external system a starting
    /// script: write `scripts/<model>/<sticky_name>.rhai` beside the board's
    /// `models/` folder (or its own folder) with a function for every
    /// message its arrows bring, and set the sticky's script to it (one undo
    /// step, which leaves the file). An existing file is kept, not
    /// overwritten. The board needs a file first.
    CreateScript {
        id: Id,
    },
    /// A sticky's script for the editor: its text and path (or the path and
    /// starter text `create_script` would use), its diagnostics, and the
    /// completion data of its contract.
    ReadScript {
        id: Id,
    },
    /// Diagnostics for a text not yet saved, as it is typed: Rhai's compile
    /// errors and the contract's checks against the sticky's arrows.
    /// Nothing is written.
    CheckScript {
        id: Id,
        text: String,
    },
    /// Save the sticky's script, atomically. A sticky without a script gets
    /// the path `create_script` would give it (one undo step, which leaves
    /// the file). The run picks the new text up at once.
    WriteScript {
        id: Id,
        text: String,
    },
    /// Something about the board's run: submit, step, look, travel, branch.
    Run {
        request: RunRequest,
    },
    /// The board as a picture, as `squall export --to svg|png` draws it: a
    /// PNG at `scale` pixels per board pixel (2 when absent; a huge board
    /// is drawn smaller).
    Picture {
        format: PictureFormat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<f32>,
    },
    /// The board as a code skeleton, as `squall export --to rust|typescript`
    /// writes it, into `dir` relative to the model's folder (by default
    /// `../export/<board>-rust` or `-typescript`). Files edited since the last
    /// export are refused by name and nothing is written, unless `force`.
    ExportCode {
        language: CodeLanguage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dir: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        force: bool,
    },
}

impl Request {
    /// Parse a request from JSON. A malformed request is a bad request, with
    /// serde's account of what is wrong and where.
    pub fn from_json(json: &str) -> Result<Request, Error> {
        serde_json::from_str(json).map_err(|err| Error::bad(err.to_string()))
    }
}

/// An edit of the board. Ids of new elements and groups are minted by the
/// workspace and returned in the response's `created`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// A new sticky of `kind`, optionally with more set at once and inside a group.
    AddElement {
        kind: Kind,
        name: String,
        position: Point,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Id>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        patch: Option<ElementPatch>,
    },
    UpdateElement {
        id: Id,
        patch: ElementPatch,
    },
    /// Move elements and groups; a moved group takes its members along.
    /// One undo step however many move.
    MoveElements {
        moves: Vec<Move>,
    },
    /// Resize an element or a group, optionally moving its corner too.
    Resize {
        id: Id,
        size: Size,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<Point>,
    },
    /// Delete elements (with their arrows and memberships) and groups (their
    /// members stay on the board).
    DeleteElements {
        ids: Vec<Id>,
    },
    /// Draw an arrow. Refused, with the grammar's reason, where the grammar
    /// forbids it, and for arrows to oneself or drawn twice.
    Connect {
        from: Id,
        to: Id,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    /// Remove the arrows from `from` to `to`.
    Disconnect {
        from: Id,
        to: Id,
    },
    AddGroup {
        kind: GroupKind,
        name: String,
        position: Point,
        size: Size,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<Id>,
    },
    UpdateGroup {
        id: Id,
        patch: GroupPatch,
    },
    /// Remove a group's frame; its members stay.
    DeleteGroup {
        id: Id,
    },
    SetGroupMembers {
        id: Id,
        members: Vec<Id>,
    },
    /// Copied elements and the arrows between them, under fresh ids, shifted
    /// by `offset`. Arrows may also join a pasted element to one on the board.
    Paste {
        elements: Vec<Element>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        connections: Vec<Connection>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<Point>,
    },
    RenameBoard {
        name: String,
    },
    /// Add a given/when/then scenario at the end of the board's list. A
    /// name another scenario has is refused.
    AddScenario {
        scenario: Box<Scenario>,
    },
    /// Several edits as one undo step (a tidy-up moves stickies and reshapes
    /// their frame). Each is checked against the board as the ones before it
    /// left it; if any is refused, none is made.
    Batch {
        ops: Vec<Op>,
    },
}

/// One element or group and where it goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub id: Id,
    pub position: Point,
}

/// The attributes of an element to change; what is absent stays. An empty
/// string clears an optional text (description, colour, script, key).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ElementPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// A CSS colour overriding the kind's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// The payload schema of a command or event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    /// The Rhai script of an aggregate, policy, read model or external
    /// system, relative to the model file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// An aggregate's id field or a read model's document key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Whether a hotspot's question has been answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
    /// 0 by 0 means the kind's default size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Lint codes accepted on this element, each with its reason; replaces the whole list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<BTreeMap<String, String>>,
}

/// The attributes of a group to change; what is absent stays. An empty
/// string clears the description or the colour.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}
