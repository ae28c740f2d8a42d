//! The typed API of the Squall app. The desktop shell and `squall serve`
//! both pass [`Request`]s to a [`Workspace`] and hand back its
//! [`Response`]s; neither knows more of the board than this crate says.
//!
//! Every edit is an [`Op`]. The workspace checks it against the board and
//! the flow grammar, applies it as one undo step, lints the result and
//! answers with the new [`State`]. A refused or malformed request changes
//! nothing. Every type here and every board type it carries derives
//! `ts_rs::TS`; the TypeScript declarations live in `ui/src/api/generated/`
//! and a test keeps them in step with the Rust types.
//!
//! This crate knows nothing of Tauri, HTTP or the UI.

mod change;
mod code;
pub mod confine;
mod error;
mod history;
mod ops;
mod picture;
mod presence;
mod recovery;
mod request;
mod response;
mod run;
mod script;
mod watch;
mod workspace;

pub use code::{CodeExport, CodeLanguage};
pub use error::{Error, ErrorKind};
pub use history::DEFAULT_UNDO_LIMIT;
pub use picture::{DEFAULT_SCALE, Picture, PictureFormat};
pub use presence::{LOCAL, Participant, PresenceMessage, Role, Room, View, Who};
pub use request::{ElementPatch, GroupPatch, Move, Op, Request};
pub use response::{
    CodeInfo, ErrorBody, Grammar, Push, RecoveryOffer, Response, SearchHit, State, UndoState,
};
pub use run::{
    AggregateView, BranchInfo, CascadeEvent, CascadeStep, ChainLink, DocumentPage, DocumentView, EventFilter,
    EventPage, FieldSuggestions, InstanceInfo, LoggedEvent, QueryResult, QueuedCommand, RunAnswer,
    RunRequest, RunStatus, ScriptConstant, StickyCount, Suggestion,
};
pub use script::{
    ContractFunction, Direction, FieldInfo, HelperInfo, MessageInfo, ScriptDiagnostic, ScriptInfo,
};
pub use watch::{FolderWatch, WatchError};
pub use workspace::{Options, Workspace};
