//! What is particular to the SQLite store: the file, its schema version, corrupt rows.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use rusqlite::Connection;
use tuilerie_core::ids::{Email, UserId, WorkspaceId};
use tuilerie_core::ports::{RecordsError, UserRecords, WorkspaceRecords};
use tuilerie_core::user::User;
use tuilerie_local::records::{SqliteError, SqliteRecords, SCHEMA_VERSION};

fn ada() -> User {
    User {
        id: UserId::parse("ada").unwrap(),
        email: Email::parse("ada@example.org").unwrap(),
        registered_at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
    }
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

#[tokio::test]
async fn reopening_a_file_keeps_its_records_in_wal_mode_at_the_current_version() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("records.sqlite3");
    let records = SqliteRecords::open(&path).unwrap();
    records.register_user(&ada()).await.unwrap();
    drop(records);

    let reopened = SqliteRecords::open(&path).unwrap();
    assert_eq!(reopened.user(&ada().id).await.unwrap(), Some(ada()));
    let connection = raw(&path);
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = connection
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_written_by_a_newer_version_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("records.sqlite3");
    raw(&path)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let error = SqliteRecords::open(&path).unwrap_err();
    let RecordsError::Backend(source) = error else {
        panic!("expected a permanent failure, got {error:?}");
    };
    let found = source.downcast_ref::<SqliteError>().unwrap();
    assert!(
        matches!(found, SqliteError::SchemaTooNew { found, supported }
            if *found == SCHEMA_VERSION + 1 && *supported == SCHEMA_VERSION),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_corrupt_row_is_a_backend_failure_naming_the_column() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("records.sqlite3");
    let records = SqliteRecords::open(&path).unwrap();
    raw(&path)
        .execute(
            "INSERT INTO workspaces (id, name, public, body) VALUES ('ws_bad', 'Bad', 1, '{')",
            [],
        )
        .unwrap();
    let id = WorkspaceId::parse("ws_bad").unwrap();
    let error = records.workspace(&id).await.unwrap_err();
    let RecordsError::Backend(source) = error else {
        panic!("expected a permanent failure, got {error:?}");
    };
    let sqlite = source.downcast_ref::<rusqlite::Error>().unwrap();
    let rusqlite::Error::FromSqlConversionFailure(_, _, cause) = sqlite else {
        panic!("expected a conversion failure, got {sqlite:?}");
    };
    let corrupt = cause.downcast_ref::<SqliteError>().unwrap();
    assert!(
        matches!(
            corrupt,
            SqliteError::Corrupt {
                column: "workspaces.body",
                ..
            }
        ),
        "{corrupt:?}"
    );
}

#[tokio::test]
async fn a_missing_directory_is_a_backend_failure() {
    let directory = tempfile::tempdir().unwrap();
    let error =
        SqliteRecords::open(directory.path().join("absent").join("records.sqlite3")).unwrap_err();
    assert!(matches!(error, RecordsError::Backend(_)), "{error:?}");
}
