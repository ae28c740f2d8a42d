-- Squall event store, schema version 1.
-- Applied by rusqlite_migration; the schema version is SQLite's `PRAGMA user_version`.
-- Every table is documented in docs/store.md.

-- Branches form a tree rooted at "main". A branch never changes once created.
CREATE TABLE branches (
    name          TEXT PRIMARY KEY NOT NULL,
    parent        TEXT REFERENCES branches(name),
    fork_position INTEGER CHECK (fork_position IS NULL OR fork_position >= 0),
    created_at    TEXT,
    CHECK ((parent IS NULL) = (fork_position IS NULL))
);

-- The branch tree flattened: one row per (branch, ancestor-or-self) telling up to which global
-- position the ancestor's own events are visible in the branch. Derived from `branches` when a
-- branch is created, so that visibility is a single join in plain SQL (see the view below).
CREATE TABLE branch_ancestry (
    branch         TEXT NOT NULL REFERENCES branches(name),
    ancestor       TEXT NOT NULL REFERENCES branches(name),
    depth          INTEGER NOT NULL CHECK (depth >= 0),
    up_to_position INTEGER NOT NULL,
    PRIMARY KEY (branch, ancestor)
) WITHOUT ROWID;

INSERT INTO branches (name, parent, fork_position, created_at) VALUES ('main', NULL, NULL, NULL);
INSERT INTO branch_ancestry (branch, ancestor, depth, up_to_position)
    VALUES ('main', 'main', 0, 9223372036854775807);

-- The event log. `position` is global, gapless and assigned in commit order.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,
    branch         TEXT NOT NULL REFERENCES branches(name),
    stream_id      TEXT NOT NULL,
    stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
    event_type     TEXT NOT NULL,
    -- JSON text. Not CHECKed with json_valid(): the store writes serde_json output, and
    -- parsing every row again costs a quarter of the insert time.
    payload        TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    UNIQUE (branch, stream_id, stream_version)
);
CREATE INDEX events_by_branch ON events (branch, position);

-- Every processed command, accepted or rejected.
CREATE TABLE commands (
    seq            INTEGER PRIMARY KEY,
    command_id     TEXT NOT NULL,
    branch         TEXT NOT NULL REFERENCES branches(name),
    command_type   TEXT NOT NULL,
    payload        TEXT NOT NULL, -- JSON text, as in events
    metadata       TEXT NOT NULL, -- JSON text, as in events
    outcome        TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason         TEXT,
    first_position INTEGER,
    last_position  INTEGER,
    recorded_at    TEXT NOT NULL,
    UNIQUE (branch, command_id),
    CHECK ((outcome = 'rejected') = (reason IS NOT NULL)),
    CHECK (outcome = 'accepted' OR first_position IS NULL),
    CHECK ((first_position IS NULL) = (last_position IS NULL)),
    CHECK (first_position IS NULL OR first_position <= last_position)
);

-- Commands waiting to be processed (issued by policies or users). Consumed by deleting the row.
CREATE TABLE queue (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    branch       TEXT NOT NULL REFERENCES branches(name),
    command_id   TEXT NOT NULL,
    command_type TEXT NOT NULL,
    payload      TEXT NOT NULL CHECK (json_valid(payload)),
    metadata     TEXT NOT NULL CHECK (json_valid(metadata)),
    enqueued_at  TEXT NOT NULL,
    UNIQUE (branch, command_id)
);
CREATE INDEX queue_by_branch ON queue (branch, seq);

-- Read models: one JSON document per (branch, read model, key).
CREATE TABLE documents (
    branch     TEXT NOT NULL REFERENCES branches(name),
    read_model TEXT NOT NULL,
    key        TEXT NOT NULL,
    document   TEXT NOT NULL CHECK (json_valid(document)),
    PRIMARY KEY (branch, read_model, key)
) WITHOUT ROWID;

-- How far each projection of a branch has applied the branch's visible events.
CREATE TABLE checkpoints (
    branch     TEXT NOT NULL REFERENCES branches(name),
    projection TEXT NOT NULL,
    position   INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (branch, projection)
) WITHOUT ROWID;

-- Append-only guards. RAISE(ABORT) undoes the statement and reports the message.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'squall store: events are append-only; UPDATE is not allowed (fork a branch instead)');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'squall store: events are append-only; DELETE is not allowed (fork a branch instead)');
END;
CREATE TRIGGER commands_no_update BEFORE UPDATE ON commands
BEGIN
    SELECT RAISE(ABORT, 'squall store: the command log is append-only; UPDATE is not allowed');
END;
CREATE TRIGGER commands_no_delete BEFORE DELETE ON commands
BEGIN
    SELECT RAISE(ABORT, 'squall store: the command log is append-only; DELETE is not allowed');
END;
CREATE TRIGGER branches_no_update BEFORE UPDATE ON branches
BEGIN
    SELECT RAISE(ABORT, 'squall store: branches never change once created; UPDATE is not allowed');
END;
CREATE TRIGGER branches_no_delete BEFORE DELETE ON branches
BEGIN
    SELECT RAISE(ABORT, 'squall store: branches never change once created; DELETE is not allowed');
END;
CREATE TRIGGER branch_ancestry_no_update BEFORE UPDATE ON branch_ancestry
BEGIN
    SELECT RAISE(ABORT, 'squall store: branch ancestry is derived from branches and never changes; UPDATE is not allowed');
END;
CREATE TRIGGER branch_ancestry_no_delete BEFORE DELETE ON branch_ancestry
BEGIN
    SELECT RAISE(ABORT, 'squall store: branch ancestry is derived from branches and never changes; DELETE is not allowed');
END;

-- Every event visible in a branch, tagged with that branch in `visible_in`.
-- Usage: SELECT * FROM visible_events WHERE visible_in = 'what-if' ORDER BY position;
CREATE VIEW visible_events AS
SELECT a.branch AS visible_in,
       e.position, e.branch, e.stream_id, e.stream_version, e.event_type,
       e.payload, e.metadata, e.recorded_at
FROM branch_ancestry AS a
JOIN events AS e ON e.branch = a.ancestor AND e.position <= a.up_to_position;
