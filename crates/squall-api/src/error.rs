//! What can go wrong with a request. An error changes nothing: the board,
//! its history and its file are as they were before the request.

use serde::Serialize;
use squall_model::{Id, LoadError, SaveError};

/// Why a request was not carried out. It crosses IPC and HTTP as its
/// message, which names what was wrong (the unknown id, the grammar's reason).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is malformed: not JSON, an unknown type, a missing
    /// or misspelt field, an impossible value.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unknown element `{0}`")]
    UnknownElement(Id),
    #[error("unknown group `{0}`")]
    UnknownGroup(Id),
    #[error("no element or group has the id `{0}`")]
    UnknownId(Id),
    #[error("there is no arrow from `{from}` to `{to}`")]
    NoConnection { from: Id, to: Id },
    /// A well-formed edit the board does not allow, with the reason.
    #[error("{0}")]
    Refused(String),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("the board has unsaved changes; save them first, or repeat the request with `discard: true`")]
    Unsaved,
    #[error("the board has no file yet; save it with save_as")]
    NoFile,
    /// Files a person changed would be overwritten; the message names them.
    #[error("{0}")]
    Edited(String),
    #[error("there is no recovery file to take")]
    NoRecovery,
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The run refused or failed a request: a payload that does not match
    /// its command (every wrong field named), an unknown sticky, a script
    /// error with file:line, a store failure.
    /// Boxed, as the store's error: they are large, and every result carries the size.
    #[error(transparent)]
    Sim(Box<squall_sim::SimError>),
    #[error(transparent)]
    Store(Box<squall_store::Error>),
    /// The board cannot run as it is; the message says why (a script that
    /// does not compile, with file:line:col, or the board's errors).
    #[error("the board cannot run: {0}")]
    CannotRun(String),
    /// The board could not be drawn: a scale that is not a positive
    /// number, or no fonts on the system for a PNG's text.
    #[error(transparent)]
    Picture(#[from] squall_export::picture::PictureError),
}

/// The broad class of an error, for transports that need a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request could not be understood.
    BadRequest,
    /// It names something that does not exist.
    NotFound,
    /// It is understood, but the board or the grammar does not allow it.
    Refused,
    /// It conflicts with the workspace's state (unsaved changes, nothing to undo).
    Conflict,
    /// The file system failed.
    Io,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::BadRequest(_) => ErrorKind::BadRequest,
            Error::UnknownElement(_)
            | Error::UnknownGroup(_)
            | Error::UnknownId(_)
            | Error::NoConnection { .. }
            | Error::NoRecovery => ErrorKind::NotFound,
            Error::Refused(_) | Error::Load(_) => ErrorKind::Refused,
            Error::NothingToUndo | Error::NothingToRedo | Error::Unsaved | Error::NoFile => {
                ErrorKind::Conflict
            }
            Error::Save(_) | Error::Io { .. } => ErrorKind::Io,
            Error::CannotRun(_) | Error::Edited(_) => ErrorKind::Conflict,
            Error::Picture(squall_export::picture::PictureError::Scale(_)) => ErrorKind::BadRequest,
            Error::Picture(_) => ErrorKind::Io,
            Error::Sim(error) => sim_kind(error),
            Error::Store(error) => store_kind(error),
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Error::BadRequest(message.into())
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io { path: path.display().to_string(), source }
    }
}

impl From<squall_sim::SimError> for Error {
    fn from(error: squall_sim::SimError) -> Self {
        Error::Sim(Box::new(error))
    }
}

impl From<squall_store::Error> for Error {
    fn from(error: squall_store::Error) -> Self {
        Error::Store(Box::new(error))
    }
}

fn sim_kind(error: &squall_sim::SimError) -> ErrorKind {
    use squall_sim::SimError;
    match error {
        SimError::UnknownCommand { .. }
        | SimError::UnknownEvent { .. }
        | SimError::UnknownSticky { .. }
        | SimError::UnknownReadModel { .. }
        | SimError::UnknownAggregate { .. } => ErrorKind::NotFound,
        SimError::InvalidPayload { .. } | SimError::Clock(_) | SimError::BeyondHead { .. } => {
            ErrorKind::BadRequest
        }
        SimError::Store(error) => store_kind(error),
        SimError::ScriptFile { .. } => ErrorKind::Io,
        _ => ErrorKind::Refused,
    }
}

fn store_kind(error: &squall_store::Error) -> ErrorKind {
    use squall_store::Error as StoreError;
    match error {
        StoreError::UnknownBranch { .. } => ErrorKind::NotFound,
        StoreError::BranchExists { .. } => ErrorKind::Conflict,
        StoreError::InvalidBranchName { .. } | StoreError::ForkBeyondHead { .. } => ErrorKind::BadRequest,
        StoreError::QueryWrites { .. } => ErrorKind::Refused,
        // Invalid SQL typed into the console is the usual cause of a failed read.
        StoreError::Sqlite { operation, .. } if operation.contains("query") => ErrorKind::BadRequest,
        _ => ErrorKind::Io,
    }
}

/// The message is the whole of the error on the wire.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
