//! The background writer of a pipelined batch: a thread that executes the rows of the batch's
//! steps while the caller works out the next steps, so SQLite's b-tree work runs on a second
//! core. The connection itself travels: the writer holds it while it has rows to write, and
//! hands it back whenever the store needs to read (which waits for every row sent before).
//!
//! Every check that can fail by design runs before a step's rows are sent (see `step.rs`), so
//! what can still fail here is what also fails half-way through a synchronous step: an I/O
//! error, a full disk, a trigger, a command id logged by an earlier transaction. The first
//! failure stops the writer; the store rolls the whole batch back when it takes the connection
//! back, as a synchronous batch does ([`crate::Error::BatchRolledBack`]).

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TrySendError};
use std::thread::{JoinHandle, Thread};

use rusqlite::{Connection, params};

use serde_json::Value;

use crate::command::Command;
use crate::error::{Error, Result};
use crate::event::NewEvent;
use crate::queue::QueuedCommand;
use crate::sql::is_unique_violation;

/// Rows are sent in chunks: one wake-up of the writer per chunk rather than per row. The
/// chunks' vectors go back and forth, so they are allocated once.
const CHUNK: usize = 128;
/// Chunks waiting for the writer at most; then the caller waits. When SQLite is the slower
/// side (a long load, big indexes), rows would otherwise pile up in memory: 282 MiB after
/// 200,000 commands, against 84 MiB after 20,000.
const CHUNKS_IN_FLIGHT: usize = 16;
/// A caller waiting for room is woken once the writer is down to this many chunks, not as
/// soon as one slot frees: when the writer is the slower side, it would otherwise wake the
/// caller after every chunk (a sixth of its time went into the wake-ups with a chunk per step).
const RESUME_AT: usize = CHUNKS_IN_FLIGHT / 2;

/// One row write of a step. JSON columns are serialized where the row is written: in a
/// pipelined batch, on the writer's thread.
#[derive(Debug)]
pub(crate) enum WriteOp {
    LogCommand {
        seq: Option<i64>,
        branch: String,
        command: Command,
        outcome: &'static str,
        reason: Option<String>,
        first_position: Option<i64>,
        last_position: Option<i64>,
        recorded_at: String,
    },
    Event {
        position: i64,
        branch: String,
        stream_version: i64,
        event: NewEvent,
        recorded_at: String,
    },
    PopQueue {
        branch: String,
        command_id: String,
    },
    /// A read model's document as the batch leaves it; `None` deletes it.
    Document {
        branch: String,
        read_model: String,
        key: String,
        document: Option<Value>,
    },
    Checkpoint {
        branch: String,
        projection: String,
        position: u64,
    },
    /// A command still pending when its batch commits.
    QueueRow(QueuedCommand),
    /// Queue seqs up to this one have been handed out (see `queue::reserve_queue_seqs`).
    ReserveSeqs(u64),
    /// Commit the batch so far and begin the next one, which must find the store as this
    /// connection left it (see `commit_and_begin`).
    Commit,
}

impl WriteOp {
    /// Writes the row. The errors are the ones a synchronous step reports.
    pub(crate) fn execute(&self, conn: &Connection, location: &str) -> Result<()> {
        let sql_err =
            |operation| move |source| Error::Sqlite { location: location.to_owned(), operation, source };
        let json_err =
            |what: String| move |source| Error::Json { location: location.to_owned(), what, source };
        match self {
            WriteOp::LogCommand {
                seq,
                branch,
                command,
                outcome,
                reason,
                first_position,
                last_position,
                recorded_at,
            } => {
                let payload = serde_json::to_string(&command.payload)
                    .map_err(json_err(format!("the payload of command {:?}", command.id)))?;
                let metadata = serde_json::to_string(&command.metadata)
                    .map_err(json_err(format!("the metadata of command {:?}", command.id)))?;
                conn.prepare_cached(
                    "INSERT INTO commands (seq, command_id, branch, command_type, payload, metadata, \
                     outcome, reason, first_position, last_position, recorded_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        seq,
                        command.id,
                        branch,
                        command.command_type,
                        payload,
                        metadata,
                        outcome,
                        reason,
                        first_position,
                        last_position,
                        recorded_at,
                    ])
                })
                .map_err(|source| {
                    if is_unique_violation(&source) {
                        Error::DuplicateCommand {
                            location: location.to_owned(),
                            branch: branch.clone(),
                            command_id: command.id.clone(),
                        }
                    } else {
                        sql_err("logging a command")(source)
                    }
                })?;
            }
            WriteOp::Event { position, branch, stream_version, event, recorded_at } => {
                let payload = serde_json::to_string(&event.payload)
                    .map_err(json_err(format!("the payload of a {} event", event.event_type)))?;
                let metadata = serde_json::to_string(&event.metadata)
                    .map_err(json_err(format!("the metadata of a {} event", event.event_type)))?;
                conn.prepare_cached(
                    "INSERT INTO events (position, branch, stream_id, stream_version, event_type, \
                     payload, metadata, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        position,
                        branch,
                        event.stream_id,
                        stream_version,
                        event.event_type,
                        payload,
                        metadata,
                        recorded_at,
                    ])
                })
                .map_err(|source| {
                    if is_unique_violation(&source) {
                        // The stream already has this version: the step expected less (see
                        // `Store::apply_step` on new streams in pipelined batches).
                        let actual: i64 = conn
                            .query_row(
                                "SELECT max(stream_version) FROM events WHERE branch = ?1 AND stream_id = ?2",
                                params![branch, event.stream_id],
                                |row| row.get(0),
                            )
                            .unwrap_or(*stream_version);
                        Error::Conflict {
                            location: location.to_owned(),
                            branch: branch.clone(),
                            stream: event.stream_id.clone(),
                            expected: event.expected_version,
                            actual: u64::try_from(actual).unwrap_or_default(),
                        }
                    } else {
                        sql_err("appending an event")(source)
                    }
                })?;
            }
            WriteOp::Document { branch, read_model, key, document } => {
                crate::read_model::write_document(
                    conn,
                    location,
                    branch,
                    read_model,
                    key,
                    document.as_ref(),
                )?;
            }
            WriteOp::Checkpoint { branch, projection, position } => {
                crate::read_model::write_checkpoint(conn, location, branch, projection, *position)?;
            }
            WriteOp::QueueRow(queued) => crate::queue::insert_queue_row(conn, location, queued)?,
            WriteOp::ReserveSeqs(seq) => crate::queue::reserve_queue_seqs(conn, location, *seq)?,
            WriteOp::Commit => commit_and_begin(conn, location)?,
            WriteOp::PopQueue { branch, command_id } => {
                let removed = conn
                    .prepare_cached("DELETE FROM queue WHERE branch = ?1 AND command_id = ?2")
                    .and_then(|mut stmt| stmt.execute([branch, command_id]))
                    .map_err(sql_err("dequeuing a command"))?;
                if removed == 0 {
                    return Err(Error::NotQueued {
                        location: location.to_owned(),
                        branch: branch.clone(),
                        command_id: command_id.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Commits the open transaction and begins the next. The batch that goes on trusts what it
/// remembers (positions, stream versions, seqs), which only holds if no other connection wrote
/// in between: SQLite's `data_version` says whether one did, and then the batch stops.
fn commit_and_begin(conn: &Connection, location: &str) -> Result<()> {
    let sql_err =
        |operation| move |source| Error::Sqlite { location: location.to_owned(), operation, source };
    // Cached statements: with a batch per step this runs after every step.
    let data_version = || -> Result<i64> {
        conn.prepare_cached("PRAGMA data_version")
            .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
            .map_err(sql_err("reading the data version"))
    };
    let execute = |sql: &str, operation| {
        conn.prepare_cached(sql).and_then(|mut stmt| stmt.execute([])).map_err(sql_err(operation))
    };
    execute("COMMIT", "committing a batch")?;
    let committed = data_version()?;
    execute("BEGIN IMMEDIATE", "beginning a batch")?;
    if data_version()? != committed {
        return Err(Error::WrittenBetweenBatches { location: location.to_owned() });
    }
    Ok(())
}

enum Message {
    /// The connection, to write with until asked for it back.
    Take(Connection),
    Ops(Vec<WriteOp>),
    /// Send the connection back, with the first failure if there was one.
    Give,
}

type Reply = (Connection, Option<Error>);

/// The writer thread and what the store keeps to talk to it.
pub(crate) struct Writer {
    messages: Option<SyncSender<Message>>,
    backlog: Arc<Backlog>,
    replies: Receiver<Reply>,
    /// Emptied chunks, sent back by the writer.
    spares: Receiver<Vec<WriteOp>>,
    thread: Option<JoinHandle<()>>,
    /// Set by the writer at its first failure, so the next step can stop early.
    failed: Arc<AtomicBool>,
    /// Rows not sent yet.
    buffer: Vec<WriteOp>,
    /// The writer holds the connection.
    holds_connection: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("buffered", &self.buffer.len())
            .field("holds_connection", &self.holds_connection)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts the thread. `location` names the store in its errors; `committed` counts the
    /// batches it commits.
    pub(crate) fn spawn(location: String, committed: Arc<AtomicU64>) -> std::io::Result<Self> {
        let (messages, inbox) = mpsc::sync_channel::<Message>(CHUNKS_IN_FLIGHT);
        let (reply, replies) = mpsc::channel::<Reply>();
        let (spare, spares) = mpsc::channel::<Vec<WriteOp>>();
        let failed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&failed);
        let backlog = Arc::new(Backlog::default());
        let drained = Arc::clone(&backlog);
        let thread = std::thread::Builder::new()
            .name("squall-store-writer".to_owned())
            .spawn(move || run(&inbox, &drained, &reply, &spare, (&flag, &committed), &location))?;
        Ok(Self {
            messages: Some(messages),
            backlog,
            replies,
            spares,
            thread: Some(thread),
            failed,
            buffer: Vec::with_capacity(CHUNK),
            holds_connection: false,
        })
    }

    pub(crate) fn holds_connection(&self) -> bool {
        self.holds_connection
    }

    pub(crate) fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Gives the connection to the writer. Returns it if the thread is gone.
    pub(crate) fn take(&mut self, conn: Connection) -> std::result::Result<(), Connection> {
        match self.send(Message::Take(conn)) {
            Ok(()) => {
                self.holds_connection = true;
                Ok(())
            }
            Err(Message::Take(conn)) => Err(conn),
            // `send` gives back what it was given, which was a `Take`.
            Err(Message::Ops(_) | Message::Give) => Ok(()),
        }
    }

    /// Queues a row; rows go to the writer in chunks.
    pub(crate) fn push(&mut self, op: WriteOp) {
        self.buffer.push(op);
        if self.buffer.len() >= CHUNK {
            self.flush();
        }
    }

    /// Sends the rows queued so far now, without waiting for a whole chunk.
    pub(crate) fn flush(&mut self) {
        if !self.buffer.is_empty() {
            let next = self.spares.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK));
            let ops = std::mem::replace(&mut self.buffer, next);
            // A writer that is gone cannot give the connection back either; `give_back`
            // reports that.
            let _ = self.send(Message::Ops(ops));
        }
    }

    /// Waits until every row sent is written and takes the connection back, with the
    /// writer's first failure. `None` if the thread died (it cannot: it only writes rows,
    /// and a panic in SQLite would abort); the connection is then lost and so is the batch.
    pub(crate) fn give_back(&mut self) -> Option<Reply> {
        self.flush();
        self.send(Message::Give).ok()?;
        let reply = self.replies.recv().ok()?;
        self.holds_connection = false;
        self.failed.store(false, Ordering::Relaxed);
        Some(reply)
    }

    fn send(&self, mut message: Message) -> std::result::Result<(), Message> {
        let Some(sender) = &self.messages else { return Err(message) };
        loop {
            // Counted before it is sent, so the writer never counts it down first.
            self.backlog.in_flight.fetch_add(1, Ordering::SeqCst);
            match sender.try_send(message) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(returned)) => {
                    self.backlog.in_flight.fetch_sub(1, Ordering::SeqCst);
                    return Err(returned);
                }
                Err(TrySendError::Full(returned)) => {
                    self.backlog.in_flight.fetch_sub(1, Ordering::SeqCst);
                    message = returned;
                    self.backlog.wait_for_room();
                }
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel stops the thread; a connection it holds is closed there, which
        // rolls back an unfinished batch as dropping the store does.
        self.messages = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// How many messages the writer has not finished with, and the caller waiting for room.
#[derive(Default)]
struct Backlog {
    in_flight: AtomicUsize,
    waiting: AtomicBool,
    waiter: std::sync::Mutex<Option<Thread>>,
}

impl Backlog {
    /// Parks the calling thread until the writer is down to [`RESUME_AT`] messages (or gone).
    fn wait_for_room(&self) {
        if let Ok(mut waiter) = self.waiter.lock() {
            *waiter = Some(std::thread::current());
        }
        // SeqCst on both sides: either this sees the writer's count below the mark, or the
        // writer sees `waiting` and unparks (an unpark before the park is kept for it).
        self.waiting.store(true, Ordering::SeqCst);
        while self.in_flight.load(Ordering::SeqCst) > RESUME_AT && self.waiting.load(Ordering::SeqCst) {
            std::thread::park();
        }
        self.waiting.store(false, Ordering::SeqCst);
    }

    /// The writer is done with a message.
    fn done_one(&self) {
        let left = self.in_flight.fetch_sub(1, Ordering::SeqCst) - 1;
        if left <= RESUME_AT && self.waiting.swap(false, Ordering::SeqCst) {
            self.wake();
        }
    }

    fn wake(&self) {
        if let Ok(waiter) = self.waiter.lock()
            && let Some(thread) = waiter.as_ref()
        {
            thread.unpark();
        }
    }
}

struct DoneOne<'b>(&'b Backlog);

impl Drop for DoneOne<'_> {
    fn drop(&mut self) {
        self.0.done_one();
    }
}

/// Wakes a caller waiting for room when the writer stops, so it finds the channel closed.
struct WakeOnExit<'b>(&'b Backlog);

impl Drop for WakeOnExit<'_> {
    fn drop(&mut self) {
        self.0.waiting.store(false, Ordering::SeqCst);
        self.0.wake();
    }
}

fn run(
    inbox: &Receiver<Message>,
    backlog: &Backlog,
    reply: &Sender<Reply>,
    spares: &Sender<Vec<WriteOp>>,
    (failed, committed): (&AtomicBool, &AtomicU64),
    location: &str,
) {
    let _wake = WakeOnExit(backlog);
    let mut conn: Option<Connection> = None;
    let mut failure: Option<Error> = None;
    while let Ok(message) = inbox.recv() {
        // Counted down when done with, whichever way the arm ends.
        let _done = DoneOne(backlog);
        match message {
            Message::Take(taken) => conn = Some(taken),
            Message::Ops(mut ops) => {
                if let Some(conn) = &conn
                    && failure.is_none()
                {
                    for op in &ops {
                        if let Err(error) = op.execute(conn, location) {
                            failure = Some(error);
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                        if matches!(op, WriteOp::Commit) {
                            committed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                ops.clear();
                let _ = spares.send(ops);
            }
            Message::Give => {
                if let Some(conn) = conn.take() {
                    let _ = reply.send((conn, failure.take()));
                }
            }
        }
    }
}
