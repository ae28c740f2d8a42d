-- Squall event store, schema version 2: indexes for the app's event log and causal chains.
-- Every filter the event log offers (stream, event type, correlation) is one index range scan
-- per branch segment, so counting and paging stay fast on large runs (docs/store.md).

-- Events of one type in a branch, in order; also counts events per type.
CREATE INDEX events_by_type ON events (branch, event_type, position);

-- Everything that followed from one user command: its events and its commands.
-- The expression must be written exactly so in a query for SQLite to use the index.
CREATE INDEX events_by_correlation
    ON events (branch, json_extract(metadata, '$.correlation_id'), position);
CREATE INDEX commands_by_correlation
    ON commands (branch, json_extract(metadata, '$.correlation_id'), seq);

-- The first command of a branch that appended an event after a position: where a fork stops
-- seeing its parent's command log.
CREATE INDEX commands_by_position ON commands (branch, first_position);
