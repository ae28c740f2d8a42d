//! Small conversions between the API's unsigned positions/versions and SQLite's signed integers.

/// Positions and versions are `u64` in the API and `INTEGER` (i64) in SQLite. Values above
/// `i64::MAX` cannot exist in the table, so saturating keeps "up to" bounds meaning "no bound".
pub(crate) fn to_sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The schema's CHECK constraints keep positions and versions non-negative.
pub(crate) fn from_sql(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(crate) fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}
