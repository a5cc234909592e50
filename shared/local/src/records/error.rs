//! Errors of the SQLite records store, and how SQLite failures map onto the port's errors.

use rusqlite::ErrorCode;
use tuilerie_core::ports::RecordsError;

/// What can go wrong inside the SQLite store besides SQLite itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// The database file was written by a newer version of the program.
    #[error("database schema version {found} is newer than the supported version {supported}")]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this program knows.
        supported: i64,
    },
    /// An amount is too large to be stored as a signed 64-bit integer.
    #[error("amount {0} is too large to be stored")]
    AmountTooLarge(u64),
    /// A stored amount is negative.
    #[error("stored amount {0} is negative")]
    NegativeAmount(i64),
    /// A stored value could not be decoded into its domain type.
    #[error("stored {column} `{value}` cannot be decoded")]
    Corrupt {
        /// Column or field holding the value.
        column: &'static str,
        /// The value found.
        value: String,
        /// Why it was refused.
        #[source]
        source: serde_json::Error,
    },
    /// A stored timestamp could not be parsed.
    #[error("stored time `{value}` cannot be parsed")]
    BadTime {
        /// The value found.
        value: String,
        /// Why it was refused.
        #[source]
        source: chrono::ParseError,
    },
}

/// Result inside the store: any failure already classified as a port error.
pub(crate) type Outcome<T> = std::result::Result<T, Fault>;

/// A port error raised inside the store, convertible from every failure met there, so `?`
/// works on SQLite, JSON and decoding results alike.
#[derive(Debug)]
pub(crate) struct Fault(pub(crate) RecordsError);

impl From<RecordsError> for Fault {
    fn from(error: RecordsError) -> Self {
        Self(error)
    }
}

impl From<rusqlite::Error> for Fault {
    fn from(error: rusqlite::Error) -> Self {
        Self(classify(error))
    }
}

impl From<serde_json::Error> for Fault {
    fn from(error: serde_json::Error) -> Self {
        Self(RecordsError::Backend(Box::new(error)))
    }
}

impl From<SqliteError> for Fault {
    fn from(error: SqliteError) -> Self {
        Self(RecordsError::Backend(Box::new(error)))
    }
}

/// Busy or locked databases are temporary; every other SQLite failure is permanent.
pub(crate) fn classify(error: rusqlite::Error) -> RecordsError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            RecordsError::Unavailable(Box::new(error))
        }
        _ => RecordsError::Backend(Box::new(error)),
    }
}

/// Whether an error is a uniqueness (or primary key) violation.
pub(crate) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.code == ErrorCode::ConstraintViolation
                && matches!(
                    failure.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                )
    )
}

/// Runs an insert, turning a uniqueness violation into [`RecordsError::AlreadyExists`].
pub(crate) fn insert_new(result: rusqlite::Result<usize>) -> Outcome<()> {
    match result {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(RecordsError::AlreadyExists.into()),
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, TransactionBehavior};

    #[test]
    fn a_busy_database_is_unavailable_and_keeps_the_sqlite_error() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("busy.sqlite3");
        let mut holder = Connection::open(&path).unwrap();
        let _lock = holder
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let mut waiter = Connection::open(&path).unwrap();
        waiter.busy_timeout(std::time::Duration::ZERO).unwrap();
        let error = waiter
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap_err();
        match classify(error) {
            RecordsError::Unavailable(source) => {
                let sqlite = source.downcast_ref::<rusqlite::Error>().unwrap();
                assert_eq!(sqlite.sqlite_error_code(), Some(ErrorCode::DatabaseBusy));
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    #[test]
    fn other_sqlite_failures_are_permanent() {
        let connection = Connection::open_in_memory().unwrap();
        let error = connection
            .execute("INSERT INTO missing VALUES (1)", [])
            .unwrap_err();
        assert!(matches!(classify(error), RecordsError::Backend(_)));
    }

    #[test]
    fn duplicate_keys_are_already_exists() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('a');")
            .unwrap();
        let Fault(error) =
            insert_new(connection.execute("INSERT INTO t VALUES ('a')", [])).unwrap_err();
        assert!(matches!(error, RecordsError::AlreadyExists), "{error:?}");
        insert_new(connection.execute("INSERT INTO t VALUES ('b')", [])).unwrap();
    }
}
