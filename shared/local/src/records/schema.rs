//! The database schema, created or migrated when the store opens, versioned by the
//! `user_version` pragma.
//!
//! Values that are queried or conditioned on are columns; the rest of a record is kept as a
//! JSON document in `body` when the record has many fields.

use rusqlite::{Connection, TransactionBehavior};

use super::error::{Outcome, SqliteError};

/// One migration per schema version, applied in order: version `n` is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE INDEX users_by_email ON users (email);

CREATE TABLE creation_requests (
    id TEXT PRIMARY KEY,
    requester TEXT NOT NULL,
    pending INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX creation_requests_by_requester ON creation_requests (requester, created_at);
CREATE INDEX creation_requests_pending ON creation_requests (created_at) WHERE pending = 1;

CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    public INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX workspaces_public ON workspaces (name) WHERE public = 1;

CREATE TABLE members (
    workspace TEXT NOT NULL,
    user TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (workspace, user)
);
CREATE INDEX members_by_user ON members (user);

CREATE TABLE join_requests (
    workspace TEXT NOT NULL,
    id TEXT NOT NULL,
    requester TEXT NOT NULL,
    pending INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workspace, id)
);
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (workspace, requester)
    WHERE pending = 1;
CREATE INDEX join_requests_by_requester ON join_requests (requester, created_at);

CREATE TABLE usage (
    workspace TEXT NOT NULL,
    quota TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (workspace, quota)
);

CREATE TABLE reservations (
    workspace TEXT NOT NULL,
    id TEXT NOT NULL,
    quota TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (workspace, id)
);
CREATE INDEX reservations_by_expiry ON reservations (expires_at);
",
    r"
CREATE TABLE items (
    workspace TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    unfinished INTEGER NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workspace, id)
);
CREATE INDEX items_unfinished ON items (workspace, id) WHERE unfinished = 1;
",
    r"
ALTER TABLE reservations ADD COLUMN holder TEXT;
",
];

/// The schema version this program writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`VERSION`], in one transaction; refuses a newer database.
pub(crate) fn migrate(connection: &mut Connection) -> Outcome<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = transaction.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > VERSION {
        return Err(SqliteError::SchemaTooNew {
            found,
            supported: VERSION,
        }
        .into());
    }
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version > found {
            transaction.execute_batch(migration)?;
        }
    }
    if found < VERSION {
        transaction.pragma_update(None, "user_version", VERSION)?;
    }
    transaction.commit()?;
    Ok(())
}
