//! Conversions between domain values and SQLite columns.
//!
//! Readers return `rusqlite::Result` so they can be used inside row mappers; a value that
//! cannot be decoded becomes a conversion failure carrying a [`SqliteError`].

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{Outcome, SqliteError};

/// A time as fixed-width RFC 3339 text (nanoseconds, `Z`), so text order is time order.
pub(crate) fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// A record as a JSON document.
pub(crate) fn document<T: Serialize>(value: &T) -> Outcome<String> {
    Ok(serde_json::to_string(value)?)
}

/// An amount as a SQLite integer.
pub(crate) fn amount(value: u64) -> Outcome<i64> {
    i64::try_from(value).map_err(|_| SqliteError::AmountTooLarge(value).into())
}

/// Reads a time written by [`time`].
pub(crate) fn time_at(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(index)?;
    match DateTime::parse_from_rfc3339(&text) {
        Ok(at) => Ok(at.with_timezone(&Utc)),
        Err(source) => Err(conversion(
            index,
            SqliteError::BadTime {
                value: text,
                source,
            },
        )),
    }
}

/// Reads a value stored as its serialised string (identifiers, e-mails, roles, quotas).
pub(crate) fn text_at<T: DeserializeOwned>(
    row: &Row<'_>,
    index: usize,
    column: &'static str,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|source| {
        conversion(
            index,
            SqliteError::Corrupt {
                column,
                value: text,
                source,
            },
        )
    })
}

/// Reads a JSON document written by [`document`].
pub(crate) fn document_at<T: DeserializeOwned>(
    row: &Row<'_>,
    index: usize,
    column: &'static str,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|source| {
        conversion(
            index,
            SqliteError::Corrupt {
                column,
                value: text,
                source,
            },
        )
    })
}

/// Reads an amount written by [`amount`].
pub(crate) fn amount_at(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| conversion(index, SqliteError::NegativeAmount(value)))
}

fn conversion(index: usize, error: SqliteError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(error))
}
