//! The store's error type. Every message names the store (its file, or `:memory:`) and the branch,
//! stream, command or versions involved, so that a CLI can print it as is.

/// Result alias for store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or is not an SQLite database.
    #[error("cannot open store {location}: {source}")]
    Open {
        location: String,
        #[source]
        source: rusqlite::Error,
    },

    /// The file was written by a newer Squall whose schema this version does not know.
    #[error(
        "store {location} has schema version {found}, but this Squall supports schema versions up to {supported}; upgrade Squall to open it"
    )]
    SchemaTooNew { location: String, found: i64, supported: usize },

    /// The file is an SQLite database of another program (it has tables but not Squall's, or a
    /// `user_version` Squall did not set). It is refused before anything is written to it.
    #[error(
        "{location} is not a Squall store: it holds {found} and not Squall's tables; it was left unchanged (use a new file, or a store Squall created)"
    )]
    NotAStore { location: String, found: String },

    /// A read-only open found a store that still needs a migration (read-only opens never migrate).
    #[error(
        "store {location} has schema version {found}, but this Squall needs version {supported}; open it once for writing to migrate it (version 0 means it is not a Squall store)"
    )]
    SchemaOutdated { location: String, found: i64, supported: usize },

    /// Applying the embedded schema migrations failed.
    #[error("cannot migrate store {location} to schema version {supported}: {source}")]
    Migration {
        location: String,
        supported: usize,
        #[source]
        source: rusqlite_migration::Error,
    },

    /// SQLite failed while doing `operation`.
    #[error("store {location}: {operation} failed: {source}")]
    Sqlite {
        location: String,
        operation: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// Optimistic concurrency: the stream was not at the version the writer expected.
    #[error(
        "conflict on stream {stream} in branch {branch} of store {location}: expected version {expected}, but the stream is at version {actual}"
    )]
    Conflict { location: String, branch: String, stream: String, expected: u64, actual: u64 },

    #[error("store {location} has no branch named {branch:?}")]
    UnknownBranch { location: String, branch: String },

    #[error("store {location} already has a branch named {branch:?}")]
    BranchExists { location: String, branch: String },

    #[error("invalid branch name {branch:?}: {reason}")]
    InvalidBranchName { branch: String, reason: &'static str },

    #[error(
        "cannot fork branch {branch:?} from {parent:?} at position {position} in store {location}: the head of {parent:?} is {head}"
    )]
    ForkBeyondHead { location: String, branch: String, parent: String, position: u64, head: u64 },

    #[error("command {command_id:?} was already processed on branch {branch} of store {location}")]
    DuplicateCommand { location: String, branch: String, command_id: String },

    #[error("command {command_id:?} is already queued on branch {branch} of store {location}")]
    AlreadyQueued { location: String, branch: String, command_id: String },

    #[error(
        "command {command_id:?} is not queued on branch {branch} of store {location}, so the step cannot consume it"
    )]
    NotQueued { location: String, branch: String, command_id: String },

    #[error(
        "command {command_id:?} on branch {branch} was rejected but its step carries {events} event(s); a rejected command appends no events"
    )]
    RejectedWithEvents { branch: String, command_id: String, events: usize },

    /// A write was attempted on a store opened read-only.
    #[error("store {location} is open read-only; {operation} needs a writable store")]
    ReadOnly { location: String, operation: &'static str },

    /// A read-only query (`squall query`) contained a statement that would write.
    #[error("store {location}: queries are read-only, but this statement would write: {sql}")]
    QueryWrites { location: String, sql: String },

    #[error("store {location}: a batch is already open; finish or abort it first")]
    BatchAlreadyOpen { location: String },

    /// A write failed inside a batch after the batch had started writing (a step half-way, or
    /// the commit of a batch the writer thread committed while the caller went on), so
    /// everything since the last batch that committed was rolled back. Only I/O-level failures
    /// get there; expected ones are checked before writing.
    #[error("store {location}: the batch was rolled back because a write failed: {source}")]
    BatchRolledBack {
        location: String,
        #[source]
        source: Box<Error>,
    },

    #[error("store {location}: no batch is open")]
    NoBatchOpen { location: String },

    /// Another connection wrote to the store between two batches that the writer thread
    /// committed one after the other: what the batch remembered (positions, versions) may no
    /// longer hold, so it stopped.
    #[error(
        "store {location}: another program wrote to it between two batches of this run; the batch was stopped"
    )]
    WrittenBetweenBatches { location: String },

    /// The thread that writes a pipelined batch could not be started.
    #[error("store {location}: cannot start the thread that writes the batch: {source}")]
    Io {
        location: String,
        #[source]
        source: std::io::Error,
    },

    /// The thread that writes a pipelined batch stopped and took the connection with it; the
    /// batch is lost (rolled back), and the store cannot be used any more.
    #[error(
        "store {location}: the thread writing the batch stopped; the batch was rolled back and the store must be reopened"
    )]
    WriterLost { location: String },

    /// An event's stored JSON did not parse (edited by hand?).
    #[error("the {column} of the event at position {position} (branch {branch}) is not valid: {source}")]
    EventJson {
        branch: String,
        position: u64,
        column: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// A JSON column did not hold the JSON the store expects (edited by hand?).
    #[error("store {location}: {what} is not valid: {source}")]
    Json {
        location: String,
        what: String,
        #[source]
        source: serde_json::Error,
    },
}
