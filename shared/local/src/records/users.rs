//! Users: one row each, registered once, e-mail kept current.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tuilerie_core::ids::{Email, UserId};
use tuilerie_core::ports::{RecordsResult, UserRecords};
use tuilerie_core::user::User;

use super::codec::{text_at, time, time_at};
use super::error::Outcome;
use super::SqliteRecords;

const COLUMNS: &str = "id, email, registered_at";

fn user_at(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: text_at(row, 0, "users.id")?,
        email: text_at(row, 1, "users.email")?,
        registered_at: time_at(row, 2)?,
    })
}

/// Inserts the user or updates their e-mail, in one statement; returns the stored row.
pub(crate) fn register(connection: &Connection, user: &User) -> Outcome<User> {
    let sql = format!(
        "INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET email = excluded.email RETURNING {COLUMNS}"
    );
    let stored = connection.query_row(
        &sql,
        params![
            user.id.as_str(),
            user.email.as_str(),
            time(&user.registered_at)
        ],
        user_at,
    )?;
    Ok(stored)
}

/// A user by id.
pub(crate) fn by_id(connection: &Connection, id: &UserId) -> Outcome<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    Ok(connection
        .query_row(&sql, [id.as_str()], user_at)
        .optional()?)
}

/// The first registered user with this e-mail address.
pub(crate) fn by_email(connection: &Connection, email: &Email) -> Outcome<Option<User>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE email = ?1 ORDER BY registered_at, rowid LIMIT 1"
    );
    Ok(connection
        .query_row(&sql, [email.as_str()], user_at)
        .optional()?)
}

#[async_trait]
impl UserRecords for SqliteRecords {
    async fn register_user(&self, user: &User) -> RecordsResult<User> {
        let user = user.clone();
        self.write(move |c| register(c, &user)).await
    }

    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>> {
        let id = id.clone();
        self.read(move |c| by_id(c, &id)).await
    }

    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>> {
        let email = email.clone();
        self.read(move |c| by_email(c, &email)).await
    }
}
