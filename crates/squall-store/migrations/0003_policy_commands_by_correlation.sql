-- Squall event store, schema version 3: the cascade index of the command log keeps only the
-- commands policies issued. A command that starts a cascade (a user's, a scenario step's) is
-- its own correlation id, so it is found by its id; leaving it out of this index spares every
-- user command a page write in each step (docs/performance.md, "Interactive").
-- A query uses the index only if it repeats the WHERE term below exactly (docs/store.md).
DROP INDEX commands_by_correlation;
CREATE INDEX commands_by_correlation
    ON commands (branch, json_extract(metadata, '$.correlation_id'), seq)
    WHERE json_extract(metadata, '$.correlation_id') <> command_id;
