//! Opening a store, its durability modes, and the transaction discipline every write follows.

use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use crate::batch::{BatchState, Derived};
use crate::branch::Ancestry;
use crate::commits::Commits;
use crate::error::{Error, Result};
use crate::schema;
use crate::writer::{WriteOp, Writer};

/// How a writable file store trades durability for speed. Both use SQLite's WAL journal, so
/// readers (e.g. `squall query`) never block the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: every committed step survives a power cut. One transaction per step.
    Interactive,
    /// `synchronous=NORMAL`: a power cut may lose the last commits, never corrupt the file.
    /// Meant to be used with [`Store::begin_batch`] to group many steps into one transaction.
    Batch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Write(Durability),
    Memory,
    ReadOnly,
}

// The simulator may run a store on a background thread: keep it `Send`.
const _: fn() = || {
    fn is_send<T: Send>() {}
    is_send::<Store>();
};

/// Statements are cached per connection; the store uses about 30 distinct ones.
const STATEMENT_CACHE: usize = 64;
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A Squall event store: one SQLite database (a file, or memory for tests).
///
/// Writes take `&mut self`; each is atomic, in its own transaction or as part of the open batch
/// (see [`Store::begin_batch`]). The store is `Send` but not `Sync`: one thread at a time.
#[derive(Debug)]
pub struct Store {
    /// `None` while the writer of a pipelined batch holds it; [`Store::conn`] takes it back.
    conn: RefCell<Option<Connection>>,
    pub(crate) location: String,
    access: Access,
    batch_open: Cell<bool>,
    /// The open batch's rows are written by `writer` (see `writer.rs`).
    pipelined: Cell<bool>,
    /// Started by the first pipelined batch, stopped when the store is dropped.
    writer: RefCell<Option<Writer>>,
    /// Branches never change once created, so their ancestry is cached. Cleared on every
    /// rollback, because a rolled-back transaction may have created a branch it cached.
    ancestry: RefCell<HashMap<String, Arc<Ancestry>>>,
    /// Only meaningful while a batch is open; see `batch.rs`.
    batch_state: RefCell<BatchState>,
    /// Batches numbered, committed and rolled back, by this thread or the writer's.
    commits: Commits,
    /// What the last batch learnt (positions, stream versions, seqs), with SQLite's
    /// `data_version` when it committed: the next batch starts from it if no other connection
    /// has written since, and this one has not written outside a batch.
    kept: RefCell<Option<(i64, Derived)>>,
}

impl Store {
    /// Opens (creating if needed) a store file and migrates it to the current schema.
    ///
    /// # Errors
    /// [`Error::Open`] if the file cannot be opened or is not SQLite, [`Error::NotAStore`] if it
    /// is another program's database (left unchanged), [`Error::SchemaTooNew`] if a newer Squall
    /// wrote it, [`Error::Migration`] if the schema cannot be applied.
    pub fn open(path: impl AsRef<Path>, durability: Durability) -> Result<Self> {
        let location = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref())
            .map_err(|source| Error::Open { location: location.clone(), source })?;
        Self::init(conn, location, Access::Write(durability))
    }

    /// A private in-memory store, for scenario tests. Nothing survives the value.
    ///
    /// # Errors
    /// [`Error::Open`] if SQLite cannot allocate it.
    pub fn open_in_memory() -> Result<Self> {
        let location = ":memory:".to_owned();
        let conn = Connection::open_in_memory()
            .map_err(|source| Error::Open { location: location.clone(), source })?;
        Self::init(conn, location, Access::Memory)
    }

    /// Opens an existing store for reading only (for `squall query` and inspection tools):
    /// SQLite refuses every write (`SQLITE_OPEN_READ_ONLY` plus `PRAGMA query_only`), and the
    /// store's own write methods return [`Error::ReadOnly`]. Never creates or migrates the file.
    ///
    /// # Errors
    /// [`Error::Open`] if the file is missing or not SQLite, [`Error::NotAStore`] if it is another
    /// program's database, [`Error::SchemaTooNew`] or
    /// [`Error::SchemaOutdated`] if its schema version is not this build's.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let location = path.as_ref().display().to_string();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path.as_ref(), flags)
            .map_err(|source| Error::Open { location: location.clone(), source })?;
        Self::init(conn, location, Access::ReadOnly)
    }

    fn init(mut conn: Connection, location: String, access: Access) -> Result<Self> {
        let open_err = |source| Error::Open { location: location.clone(), source };
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Checked before any pragma writes to the file: another program's database and a newer
        // store are left untouched.
        let found = schema::user_version(&conn, &location)?;
        schema::refuse_foreign(&conn, found, &location)?;
        schema::refuse_newer(found, &location)?;
        match access {
            Access::Write(durability) => {
                let synchronous = match durability {
                    Durability::Interactive => "FULL",
                    Durability::Batch => "NORMAL",
                };
                // Migrated first, in its one transaction, and only then switched to WAL (which
                // no rollback undoes): a migration that fails leaves the file as it was.
                schema::migrate(&mut conn, &location)?;
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(())).map_err(open_err)?;
                conn.pragma_update(None, "synchronous", synchronous).map_err(open_err)?;
                if durability == Durability::Batch {
                    // 64 MiB of page cache keeps the indexes of a long run in memory.
                    conn.pragma_update(None, "cache_size", -65_536).map_err(open_err)?;
                }
            }
            Access::Memory => schema::migrate(&mut conn, &location)?,
            Access::ReadOnly => {
                conn.pragma_update(None, "query_only", true).map_err(open_err)?;
                let supported = schema::SCHEMA_VERSION;
                if i64::try_from(supported).ok() != Some(found) {
                    return Err(Error::SchemaOutdated { location, found, supported });
                }
            }
        }
        // Foreign keys stay off (SQLite's default): the store checks branches itself, and
        // enforcing them would cost a lookup per inserted row.
        Ok(Self {
            conn: RefCell::new(Some(conn)),
            location,
            access,
            batch_open: Cell::new(false),
            pipelined: Cell::new(false),
            writer: RefCell::new(None),
            ancestry: RefCell::new(HashMap::new()),
            batch_state: RefCell::new(BatchState::default()),
            commits: Commits::default(),
            kept: RefCell::new(None),
        })
    }

    /// What the store was opened from: the file path as given, or `:memory:`.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The durability mode, or `None` for in-memory and read-only stores.
    pub fn durability(&self) -> Option<Durability> {
        match self.access {
            Access::Write(durability) => Some(durability),
            Access::Memory | Access::ReadOnly => None,
        }
    }

    pub fn is_read_only(&self) -> bool {
        self.access == Access::ReadOnly
    }

    /// The schema version of the open store (SQLite's `user_version`).
    ///
    /// # Errors
    /// [`Error::Open`] if SQLite cannot read the header.
    pub fn schema_version(&self) -> Result<i64> {
        schema::user_version(&*self.conn()?, &self.location)
    }

    /// Reads a pragma's current value, e.g. `journal_mode` or `synchronous`, as text.
    ///
    /// # Errors
    /// [`Error::Sqlite`] for an unknown or unreadable pragma.
    pub fn pragma(&self, name: &str) -> Result<String> {
        self.conn()?
            .pragma_query_value(None, name, |row| {
                let value: rusqlite::types::Value = row.get(0)?;
                Ok(match value {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(text) => text,
                    other => format!("{other:?}"),
                })
            })
            .map_err(self.sql_err("reading a pragma"))
    }

    // --- batches -------------------------------------------------------------------------

    /// Opens one transaction for many steps, until [`Store::finish_batch`] commits it or
    /// [`Store::abort_batch`] (or dropping the store) rolls it back. Inside a batch each step
    /// still is atomic on its own: a step failing its checks (conflict, duplicate, queue) writes
    /// nothing and the batch goes on; a step failing half-way (I/O) rolls back the whole batch
    /// ([`Error::BatchRolledBack`]). Read-model writes are deferred to the end of the batch
    /// (only each document's and checkpoint's last value is written), and commands enqueued in
    /// the batch wait in memory (only those still pending at the end become `queue` rows);
    /// reads see both anyway.
    ///
    /// # Errors
    /// [`Error::BatchAlreadyOpen`], [`Error::ReadOnly`], or [`Error::Sqlite`] if the write lock
    /// cannot be taken within the busy timeout.
    pub fn begin_batch(&mut self) -> Result<()> {
        self.ensure_writable("begin_batch")?;
        if self.batch_open.get() {
            return Err(Error::BatchAlreadyOpen { location: self.location.clone() });
        }
        self.exec("BEGIN IMMEDIATE", "beginning a batch")?;
        let kept = self.kept.borrow_mut().take();
        if let Some((version, derived)) = kept
            && self.data_version()? == version
        {
            // Nobody else has written since the last batch: what it learnt still holds.
            self.batch_state.borrow_mut().derived = derived;
        }
        self.batch_open.set(true);
        Ok(())
    }

    /// Like [`Store::begin_batch`], but the rows of the batch's steps are written by a
    /// background thread while the caller works out the next steps: SQLite's share of the work
    /// runs on a second core. Every check that can fail by design still runs in
    /// [`Store::commit_step`], which returns as soon as the rows are handed over. What fails
    /// while they are written (an I/O error, a full disk, a trigger, or a command id logged by
    /// an earlier transaction) rolls back the whole batch, as in a synchronous batch, and is
    /// reported by the next call that reaches the database: [`Error::BatchRolledBack`], at the
    /// latest from [`Store::finish_batch`]. Reads wait until the rows sent before are written,
    /// so they see them.
    ///
    /// # Errors
    /// As [`Store::begin_batch`], or [`Error::Io`] if the thread cannot be started.
    pub fn begin_pipelined_batch(&mut self) -> Result<()> {
        self.begin_batch()?;
        if self.writer.borrow().is_none() {
            match Writer::spawn(self.location.clone(), self.commits.committed_counter()) {
                Ok(writer) => *self.writer.borrow_mut() = Some(writer),
                Err(source) => {
                    let _ = self.abort_batch();
                    return Err(Error::Io { location: self.location.clone(), source });
                }
            }
        }
        self.pipelined.set(true);
        Ok(())
    }

    /// Commits the open batch.
    ///
    /// # Errors
    /// [`Error::NoBatchOpen`], or [`Error::Sqlite`] if the commit fails (the batch is then
    /// rolled back).
    pub fn finish_batch(&mut self) -> Result<()> {
        self.close_batch("COMMIT", "committing a batch")
    }

    /// Commits the open batch and opens the next one. In a pipelined batch the writer thread
    /// does it (the batch's deferred documents, checkpoints and pending commands, the commit,
    /// the next `BEGIN`) while the caller goes on with the next steps; otherwise it is
    /// [`Store::finish_batch`] then [`Store::begin_batch`]. A failure there is reported by a
    /// later call, at the latest [`Store::finish_batch`], as [`Error::BatchRolledBack`], and
    /// everything since the last batch that committed is rolled back
    /// ([`Store::batches_committed`] says how far that was). The next batch goes on from what
    /// this one learnt; if another connection wrote in between, it stops with
    /// [`Error::WrittenBetweenBatches`].
    ///
    /// # Errors
    /// [`Error::NoBatchOpen`], a failure of the writer so far ([`Error::BatchRolledBack`]), or
    /// those of [`Store::finish_batch`] and [`Store::begin_batch`].
    pub fn continue_batch(&mut self) -> Result<()> {
        if !self.batch_open.get() {
            return Err(Error::NoBatchOpen { location: self.location.clone() });
        }
        if !self.is_pipelined() {
            self.finish_batch()?;
            return self.begin_batch();
        }
        self.check_writer()?;
        self.commits.close_numbered();
        let rows = {
            let mut state = self.batch_state.borrow_mut();
            let deferred = std::mem::take(&mut state.deferred);
            let mut rows = Vec::new();
            for (branch, read_models) in deferred.documents {
                for (read_model, keys) in read_models {
                    for (key, document) in keys {
                        let (branch, read_model) = (branch.clone(), read_model.clone());
                        rows.push(WriteOp::Document { branch, read_model, key, document });
                    }
                }
            }
            for (branch, projections) in deferred.checkpoints {
                for (projection, position) in projections {
                    rows.push(WriteOp::Checkpoint { branch: branch.clone(), projection, position });
                }
            }
            let queued: Vec<_> = deferred.queued.into_iter().flat_map(|(_, queued)| queued).collect();
            // They are rows from now on: known ones where the branch's rows were known.
            state.queue_rows_written(&queued);
            rows.extend(queued.into_iter().map(WriteOp::QueueRow));
            if let Some(next) = state.derived.next_seq
                && next - 1 > state.derived.seqs_reserved
            {
                rows.push(WriteOp::ReserveSeqs(next - 1));
                state.derived.seqs_reserved = next - 1;
            }
            state.forget_logged();
            rows.push(WriteOp::Commit);
            rows
        };
        self.send_rows(rows)?;
        if let Some(writer) = self.writer.borrow_mut().as_mut() {
            // The commit goes now, not when a chunk of later rows fills up.
            writer.flush();
        }
        Ok(())
    }

    /// Waits until the writer thread of a pipelined batch has written everything sent to it
    /// (commits included), so [`Store::batches_committed`] is final.
    ///
    /// # Errors
    /// A failure of the writer ([`Error::BatchRolledBack`]), or [`Error::WriterLost`].
    pub fn settle(&self) -> Result<()> {
        self.conn().map(drop)
    }

    /// How many batches this store has committed since it was opened, including those the
    /// writer thread committed for [`Store::continue_batch`]; what a failure did not roll back.
    pub fn batches_committed(&self) -> u64 {
        self.commits.committed()
    }

    /// A handle on how far this store's batches have got, to read while the store itself is
    /// borrowed (by a session running steps, say).
    pub fn commits(&self) -> Commits {
        self.commits.clone()
    }

    /// Rolls back everything written since [`Store::begin_batch`].
    ///
    /// # Errors
    /// [`Error::NoBatchOpen`] or [`Error::Sqlite`].
    pub fn abort_batch(&mut self) -> Result<()> {
        self.close_batch("ROLLBACK", "rolling back a batch")
    }

    pub fn in_batch(&self) -> bool {
        self.batch_open.get()
    }

    /// Runs `f` inside a batch: committed if `f` returns `Ok`, rolled back if it returns `Err`.
    ///
    /// # Errors
    /// `f`'s error, or the batch's own errors (see [`Store::begin_batch`]).
    pub fn batch<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Self) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.begin_batch()?;
        match f(self) {
            Ok(value) => {
                self.finish_batch()?;
                Ok(value)
            }
            Err(err) => {
                // The caller's error is the one worth reporting; a failed rollback leaves the
                // transaction to be rolled back when the connection closes.
                let _ = self.abort_batch();
                Err(err)
            }
        }
    }

    fn close_batch(&mut self, sql: &'static str, operation: &'static str) -> Result<()> {
        if !self.batch_open.get() {
            return Err(Error::NoBatchOpen { location: self.location.clone() });
        }
        let committing = sql == "COMMIT";
        // Waits for the writer of a pipelined batch; a failure there has rolled back already.
        self.conn()?;
        self.commits.close_numbered();
        let mut result = if committing { self.flush_deferred() } else { Ok(()) };
        if result.is_ok() {
            result = self.exec(sql, operation);
        }
        if result.is_err() && self.conn().is_ok_and(|conn| !conn.is_autocommit()) {
            let _ = self.exec("ROLLBACK", "rolling back a failed batch");
        }
        if result.is_err() || !committing {
            self.commits.roll_back(false);
        }
        let derived = std::mem::take(&mut self.batch_state.borrow_mut().derived);
        self.end_batch();
        if committing && result.is_ok() {
            self.commits.count_commit();
            // Only this connection wrote since the batch began; remember where that left things.
            if let Ok(version) = self.data_version() {
                *self.kept.borrow_mut() = Some((version, derived));
            }
        }
        result
    }

    /// Forgets the open batch: closed, its state and caches dropped (after its transaction
    /// ended either way).
    fn end_batch(&self) {
        self.ancestry.borrow_mut().clear();
        *self.batch_state.borrow_mut() = BatchState::default();
        *self.kept.borrow_mut() = None;
        self.batch_open.set(false);
        self.pipelined.set(false);
    }

    /// SQLite's count of changes made by other connections.
    fn data_version(&self) -> Result<i64> {
        self.conn()?
            .pragma_query_value(None, "data_version", |row| row.get(0))
            .map_err(self.sql_err("reading the data version"))
    }

    /// The connection, taken back from the writer of a pipelined batch if it has it (waiting
    /// until every row sent before is written). A failure of the writer rolls the batch back
    /// and is returned here.
    pub(crate) fn conn(&self) -> Result<Ref<'_, Connection>> {
        if self.conn.borrow().is_none() {
            self.reclaim()?;
        }
        Ref::filter_map(self.conn.borrow(), Option::as_ref).map_err(|_| self.writer_lost())
    }

    fn reclaim(&self) -> Result<()> {
        let reply = self.writer.borrow_mut().as_mut().and_then(Writer::give_back);
        let Some((conn, failure)) = reply else {
            // The connection went down with the writer, and the batch with it.
            self.commits.roll_back(true);
            self.end_batch();
            return Err(self.writer_lost());
        };
        *self.conn.borrow_mut() = Some(conn);
        if let Some(error) = failure {
            let _ = self.exec("ROLLBACK", "rolling back a failed batch");
            self.commits.roll_back(true);
            self.end_batch();
            return Err(Error::BatchRolledBack { location: self.location.clone(), source: Box::new(error) });
        }
        Ok(())
    }

    fn writer_lost(&self) -> Error {
        Error::WriterLost { location: self.location.clone() }
    }

    /// Whether the open batch is pipelined.
    pub(crate) fn is_pipelined(&self) -> bool {
        self.batch_open.get() && self.pipelined.get()
    }

    /// Hands rows of a pipelined batch to the writer, with the connection if it does not have
    /// it yet. Should the writer be gone, they are written here and now.
    pub(crate) fn send_rows(&self, rows: Vec<crate::writer::WriteOp>) -> Result<()> {
        {
            let mut writer = self.writer.borrow_mut();
            if let Some(writer) = writer.as_mut()
                && !writer.has_failed()
            {
                if !writer.holds_connection()
                    && let Ok(mut slot) = self.conn.try_borrow_mut()
                    && let Some(conn) = slot.take()
                    && let Err(conn) = writer.take(conn)
                {
                    *slot = Some(conn);
                }
                if writer.holds_connection() {
                    rows.into_iter().for_each(|row| writer.push(row));
                    return Ok(());
                }
            }
        }
        // No writer to give them to, or it failed: taking the connection back reports that.
        let conn = self.conn()?;
        for row in &rows {
            row.execute(&conn, &self.location)?;
            if matches!(row, WriteOp::Commit) {
                self.commits.count_commit();
            }
        }
        Ok(())
    }

    /// A failure of the writer so far, reported (and the batch rolled back) now rather than at
    /// the next read.
    pub(crate) fn check_writer(&self) -> Result<()> {
        let failed = self.writer.borrow().as_ref().is_some_and(Writer::has_failed);
        if failed {
            self.conn()?;
        }
        Ok(())
    }

    /// Writes the batch's deferred read-model changes and still-pending commands into its
    /// transaction, in a savepoint: on error nothing of them is written and they stay deferred.
    pub(crate) fn flush_deferred(&self) -> Result<()> {
        if !self.batch_open.get() || !self.batch_state.borrow().has_deferred() {
            return Ok(());
        }
        let deferred = std::mem::take(&mut self.batch_state.borrow_mut().deferred);
        let next_seq = self.batch_state.borrow().derived.next_seq;
        self.exec("SAVEPOINT squall_flush", "writing a batch's deferred changes")?;
        let written = (|| {
            for (branch, read_models) in &deferred.documents {
                for (read_model, keys) in read_models {
                    for (key, document) in keys {
                        self.write_document(branch, read_model, key, document.as_ref())?;
                    }
                }
            }
            for (branch, projections) in &deferred.checkpoints {
                for (projection, position) in projections {
                    self.write_checkpoint(branch, projection, *position)?;
                }
            }
            for (_, queued) in &deferred.queued {
                for entry in queued {
                    self.insert_queue_row(entry)?;
                }
            }
            if let Some(next_seq) = next_seq {
                // Commands consumed within the batch never became rows; their seqs stay used.
                self.reserve_queue_seqs(next_seq - 1)?;
            }
            self.exec("RELEASE squall_flush", "writing a batch's deferred changes")
        })();
        match written {
            Ok(()) => {
                let mut state = self.batch_state.borrow_mut();
                state.forget_queue_rows();
                if let Some(next) = next_seq {
                    state.derived.seqs_reserved = next - 1;
                }
            }
            Err(_) => {
                let _ = self.exec("ROLLBACK TO squall_flush", "writing a batch's deferred changes");
                let _ = self.exec("RELEASE squall_flush", "writing a batch's deferred changes");
                self.batch_state.borrow_mut().deferred = deferred;
            }
        }
        written
    }

    // --- the write discipline -----------------------------------------------------------

    /// Runs `f` atomically: in its own `BEGIN IMMEDIATE` transaction, or in a savepoint of the
    /// open batch. On error everything `f` wrote is rolled back.
    pub(crate) fn write<T>(
        &mut self,
        operation: &'static str,
        f: impl FnOnce(&Self) -> Result<T>,
    ) -> Result<T> {
        self.ensure_writable(operation)?;
        if !self.batch_open.get() {
            // This connection writes outside a batch: what the last batch learnt may be stale.
            *self.kept.borrow_mut() = None;
        }
        let (begin, commit, rollback): (&str, &[&str], &[&str]) = if self.batch_open.get() {
            (
                "SAVEPOINT squall_write",
                &["RELEASE squall_write"],
                &["ROLLBACK TO squall_write", "RELEASE squall_write"],
            )
        } else {
            ("BEGIN IMMEDIATE", &["COMMIT"], &["ROLLBACK"])
        };
        self.exec(begin, operation)?;
        let outcome = f(self).and_then(|value| {
            for sql in commit {
                self.exec(sql, operation)?;
            }
            Ok(value)
        });
        if outcome.is_err() {
            for sql in rollback {
                // The original error is what matters; if the rollback fails too, SQLite has
                // already rolled back the transaction (that is when ROLLBACK fails).
                let _ = self.exec(sql, operation);
            }
            self.forget_derived();
        }
        outcome
    }

    /// Like [`Store::write`], but inside a batch without a savepoint, which would copy every
    /// page the step touches. `f` must do every check that can fail by design before its first
    /// write; then a failure leaves nothing written and the batch goes on. If `f` fails after
    /// writing (an I/O error, a full disk), nothing can undo only the step, so the whole batch
    /// is rolled back and [`Error::BatchRolledBack`] says so.
    pub(crate) fn write_checked_first<T>(
        &mut self,
        operation: &'static str,
        f: impl FnOnce(&Self) -> Result<T>,
    ) -> Result<T> {
        if !self.batch_open.get() {
            return self.write(operation, f);
        }
        if self.is_pipelined() {
            // Nothing is written here: the rows go to the writer after every check.
            return f(self);
        }
        let before = self.conn()?.total_changes();
        let outcome = f(self);
        match outcome {
            Err(err) if self.conn()?.total_changes() != before => {
                let _ = self.exec("ROLLBACK", "rolling back a failed batch");
                self.commits.roll_back(true);
                self.end_batch();
                Err(Error::BatchRolledBack { location: self.location.clone(), source: Box::new(err) })
            }
            outcome => outcome,
        }
    }

    fn exec(&self, sql: &str, operation: &'static str) -> Result<()> {
        self.conn()?
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute([]))
            .map(|_| ())
            .map_err(self.sql_err(operation))
    }

    pub(crate) fn ensure_writable(&self, operation: &'static str) -> Result<()> {
        if self.access == Access::ReadOnly {
            return Err(Error::ReadOnly { location: self.location.clone(), operation });
        }
        Ok(())
    }

    /// Maps a rusqlite error; the location is only copied when an error actually happens.
    pub(crate) fn sql_err(&self, operation: &'static str) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |source| Error::Sqlite { location: self.location.clone(), operation, source }
    }

    pub(crate) fn json_error(&self, what: String, source: serde_json::Error) -> Error {
        Error::Json { location: self.location.clone(), what, source }
    }

    pub(crate) fn cached_ancestry(&self, branch: &str) -> Option<Arc<Ancestry>> {
        self.ancestry.borrow().get(branch).cloned()
    }

    pub(crate) fn cache_ancestry(&self, branch: &str, ancestry: Arc<Ancestry>) {
        self.ancestry.borrow_mut().insert(branch.to_owned(), ancestry);
    }

    /// After a rollback: a rolled-back transaction may have created a branch or appended
    /// events that the caches remember. Deferred writes of the batch's earlier steps stay.
    fn forget_derived(&self) {
        self.ancestry.borrow_mut().clear();
        self.batch_state.borrow_mut().forget_derived();
    }

    /// The batch's state, if a batch is open.
    pub(crate) fn batch_state(&self) -> Option<std::cell::RefMut<'_, BatchState>> {
        self.batch_open.get().then(|| self.batch_state.borrow_mut())
    }

    /// The position the next appended event gets. Positions are the rowids of `events`, which
    /// never loses a row, so the next one is the largest plus one.
    pub(crate) fn next_position(&self) -> Result<u64> {
        if let Some(next) = self.batch_state().and_then(|state| state.derived.next_position) {
            return Ok(next);
        }
        let max: Option<i64> = self
            .conn()?
            .prepare_cached("SELECT max(position) FROM events")
            .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
            .map_err(self.sql_err("reading the last position"))?;
        Ok(max.map_or(1, |max| crate::sql::from_sql(max) + 1))
    }

    /// The `seq` the next command-log row gets: the largest plus one, as SQLite picks it.
    pub(crate) fn next_log_seq(&self) -> Result<u64> {
        if let Some(next) = self.batch_state().and_then(|state| state.derived.next_log_seq) {
            return Ok(next);
        }
        let max: Option<i64> = self
            .conn()?
            .prepare_cached("SELECT max(seq) FROM commands")
            .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
            .map_err(self.sql_err("reading the last command-log seq"))?;
        Ok(max.map_or(1, |max| crate::sql::from_sql(max) + 1))
    }

    pub(crate) fn cached_version(&self, branch: &str, stream: &str) -> Option<u64> {
        self.batch_state()?.version(branch, stream)
    }
}
