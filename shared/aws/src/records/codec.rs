//! Conversions between domain values and DynamoDB attribute values.
//!
//! Most records are kept whole as JSON in a `data` attribute; the attributes that conditions,
//! keys and counters need are kept beside it as plain strings and numbers.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tuilerie_core::ids::{Email, UserId, WorkspaceId};
use tuilerie_core::ports::RecordsError;
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Member;

/// One item of the table.
pub type Item = HashMap<String, AttributeValue>;

/// Result of a conversion.
pub type Result<T> = std::result::Result<T, CodecError>;

/// Why an item could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// A required attribute is absent or has another type.
    #[error("attribute `{0}` is missing or not of the expected type")]
    Missing(String),
    /// A number attribute does not hold an unsigned integer.
    #[error("attribute `{name}` holds `{value}`, not an unsigned integer")]
    Number {
        /// The attribute.
        name: String,
        /// What it holds.
        value: String,
    },
    /// The JSON of a record is not valid.
    #[error("record JSON is not valid")]
    Json(#[from] serde_json::Error),
    /// A stored value does not parse as its domain type.
    #[error("attribute `{name}` holds an invalid value")]
    Invalid {
        /// The attribute.
        name: String,
        /// Why it is invalid.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<CodecError> for RecordsError {
    fn from(error: CodecError) -> Self {
        RecordsError::Backend(Box::new(error))
    }
}

/// Attribute holding a record as JSON.
pub const DATA: &str = "data";

/// A string attribute.
pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute.
pub fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A number attribute holding `-value`, to subtract with `ADD`.
pub fn minus(value: u64) -> AttributeValue {
    AttributeValue::N(format!("-{value}"))
}

/// A record as a JSON string attribute.
pub fn json<T: Serialize>(value: &T) -> Result<AttributeValue> {
    Ok(AttributeValue::S(serde_json::to_string(value)?))
}

/// The record kept as JSON in an item.
pub fn from_json<T: DeserializeOwned>(item: &Item) -> Result<T> {
    Ok(serde_json::from_str(get_s(item, DATA)?)?)
}

/// A string attribute of an item.
pub fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value),
        _ => Err(CodecError::Missing(name.to_owned())),
    }
}

/// A number attribute of an item, 0 when absent.
pub fn get_n_or_zero(item: &Item, name: &str) -> Result<u64> {
    match item.get(name) {
        None => Ok(0),
        Some(AttributeValue::N(value)) => value.parse().map_err(|_| CodecError::Number {
            name: name.to_owned(),
            value: value.clone(),
        }),
        Some(_) => Err(CodecError::Missing(name.to_owned())),
    }
}

fn invalid<E>(name: &str) -> impl FnOnce(E) -> CodecError
where
    E: std::error::Error + Send + Sync + 'static,
{
    let name = name.to_owned();
    move |source| CodecError::Invalid {
        name,
        source: Box::new(source),
    }
}

fn get_time(item: &Item, name: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(get_s(item, name)?)
        .map(|time| time.with_timezone(&Utc))
        .map_err(invalid(name))
}

/// Attributes of a membership item besides its keys.
pub fn member_attributes(member: &Member) -> Vec<(&'static str, AttributeValue)> {
    vec![
        ("workspace", s(member.workspace.as_str())),
        ("user", s(member.user.as_str())),
        ("email", s(member.email.as_str())),
        ("role", s(member.role.as_str())),
        ("joined_at", s(super::keys::time(&member.joined_at))),
    ]
}

/// A membership from its item.
pub fn member(item: &Item) -> Result<Member> {
    Ok(Member {
        workspace: WorkspaceId::parse(get_s(item, "workspace")?).map_err(invalid("workspace"))?,
        user: UserId::parse(get_s(item, "user")?).map_err(invalid("user"))?,
        email: Email::parse(get_s(item, "email")?).map_err(invalid("email"))?,
        role: Role::parse(get_s(item, "role")?).map_err(invalid("role"))?,
        joined_at: get_time(item, "joined_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_member_survives_its_item() {
        let member = Member {
            workspace: WorkspaceId::parse("ws_a").unwrap(),
            user: UserId::parse("ada").unwrap(),
            email: Email::parse("ada@example.org").unwrap(),
            role: Role::Editor,
            joined_at: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
        };
        let item: Item = member_attributes(&member)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        assert_eq!(super::member(&item).unwrap(), member);
    }

    #[test]
    fn a_negative_counter_is_an_error() {
        let item: Item = [("held".to_owned(), AttributeValue::N("-1".to_owned()))].into();
        assert!(get_n_or_zero(&item, "held").is_err());
        assert_eq!(get_n_or_zero(&item, "other").unwrap(), 0);
    }
}
