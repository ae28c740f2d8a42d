//! The schema: plain `.sql` files embedded at build time, applied in order by rusqlite_migration.
//! The schema version is SQLite's `PRAGMA user_version` (the number of migrations applied).

use rusqlite::Connection;
use rusqlite_migration::{M, MigrationDefinitionError, Migrations};

use crate::error::{Error, Result};

/// Migration files, oldest first. Never edit a released file: append a new one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/0001_initial.sql")).comment("0001_initial.sql"),
    M::up(include_str!("../migrations/0002_run_lookups.sql")).comment("0002_run_lookups.sql"),
    M::up(include_str!("../migrations/0003_policy_commands_by_correlation.sql"))
        .comment("0003_policy_commands_by_correlation.sql"),
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

pub(crate) fn user_version(conn: &Connection, location: &str) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| Error::Open { location: location.to_owned(), source })
}

/// Refuses a store written by a newer schema before anything touches it.
pub(crate) fn refuse_newer(found: i64, location: &str) -> Result<()> {
    if found <= i64::try_from(SCHEMA_VERSION).unwrap_or(i64::MAX) {
        return Ok(());
    }
    Err(Error::SchemaTooNew { location: location.to_owned(), found, supported: SCHEMA_VERSION })
}

/// The tables the first migration creates: a file whose `user_version` says Squall migrated it
/// has every one of them.
const SQUALL_TABLES: &[&str] =
    &["branches", "branch_ancestry", "events", "commands", "queue", "documents", "checkpoints"];

/// How many of a foreign file's own names an error lists before "…".
const NAMES_SHOWN: usize = 5;

/// Refuses another program's SQLite file before anything is written to it: switching it to WAL
/// and adding tables would change it even if the migration then failed. A file that is new,
/// empty, or has `user_version` 0 and no schema at all becomes a store; a file with a
/// `user_version` has to have Squall's tables too, since other programs set it as well.
pub(crate) fn refuse_foreign(conn: &Connection, found: i64, location: &str) -> Result<()> {
    let open_err = |source| Error::Open { location: location.to_owned(), source };
    let mut statement = conn
        .prepare(
            "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .map_err(open_err)?;
    let objects = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(open_err)?;
    if objects.is_empty() && found == 0 {
        return Ok(());
    }
    let has = |table: &str| objects.iter().any(|(kind, name)| kind == "table" && name == table);
    if found > 0 && SQUALL_TABLES.iter().all(|table| has(table)) {
        return Ok(());
    }
    let tables: Vec<&str> =
        objects.iter().filter(|(kind, _)| kind == "table").map(|(_, name)| name.as_str()).collect();
    let found = if tables.is_empty() {
        format!("user_version {found}")
    } else {
        let mut names = tables.iter().take(NAMES_SHOWN).copied().collect::<Vec<_>>().join(", ");
        if tables.len() > NAMES_SHOWN {
            names.push_str(", …");
        }
        format!("the table(s) {names}")
    };
    Err(Error::NotAStore { location: location.to_owned(), found })
}

pub(crate) fn migrate(conn: &mut Connection, location: &str) -> Result<()> {
    let found = user_version(conn, location)?;
    refuse_newer(found, location)?;
    Migrations::from_slice(MIGRATIONS).to_latest(conn).map_err(|source| match source {
        // Only reachable if another process bumped the version between our check and here.
        rusqlite_migration::Error::MigrationDefinition(MigrationDefinitionError::DatabaseTooFarAhead) => {
            Error::SchemaTooNew { location: location.to_owned(), found, supported: SCHEMA_VERSION }
        }
        source => Error::Migration { location: location.to_owned(), supported: SCHEMA_VERSION, source },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_the_embedded_migrations_when_validated_then_they_apply_cleanly() {
        assert_eq!(Migrations::from_slice(MIGRATIONS).validate(), Ok(()));
    }
}
