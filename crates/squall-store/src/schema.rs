//! The schema: plain `.sql` files embedded at build time, applied in order by rusqlite_migration.
//! The schema version is SQLite's `PRAGMA user_version` (the number of migrations applied).

use rusqlite::Connection;
use rusqlite_migration::{M, MigrationDefinitionError, Migrations};

use crate::error::{Error, Result};

/// Migration files, oldest first. Never edit a released file: append a new one.
const MIGRATIONS: &[M<'static>] =
    &[M::up(include_str!("../migrations/0001_initial.sql")).comment("0001_initial.sql")];

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
