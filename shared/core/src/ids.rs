//! Identifiers and validated text values, parsed at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::{Error, Result};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Prefix every identifier of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses an identifier received from outside.
            pub fn parse(text: &str) -> Result<Self> {
                let valid = text.len() <= 64
                    && text.starts_with($prefix)
                    && text.len() > $prefix.len()
                    && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if valid {
                    Ok(Self(text.to_owned()))
                } else {
                    Err(Error::not_found(concat!(stringify!($name), " ") .to_owned() + text))
                }
            }

            /// Builds an identifier from a freshly generated suffix.
            pub fn generate(suffix: &str) -> Self {
                Self(format!("{}{}", $prefix, suffix))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(value: String) -> Result<Self> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a workspace, e.g. `ws_3f2a…`.
    WorkspaceId,
    "ws_"
);
id_type!(
    /// Identifies a workspace creation request, e.g. `cr_3f2a…`.
    CreationRequestId,
    "cr_"
);
id_type!(
    /// Identifies a join request, e.g. `jr_3f2a…`.
    JoinRequestId,
    "jr_"
);
id_type!(
    /// Identifies a quota reservation, e.g. `rs_3f2a…`.
    ReservationId,
    "rs_"
);

id_type!(
    /// Identifies an upload, e.g. `up_3f2a…`.
    UploadId,
    "up_"
);
id_type!(
    /// Identifies a vector database, e.g. `db_3f2a…`.
    DatabaseId,
    "db_"
);
id_type!(
    /// Identifies a tile pyramid (full or sample), e.g. `py_3f2a…`.
    PyramidId,
    "py_"
);

/// Identifies a user: the `sub` claim of their token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

impl UserId {
    /// Parses a subject; any non-empty printable text up to 128 characters.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() || text.len() > 128 || text.chars().any(char::is_control) {
            return Err(Error::invalid(
                "sub",
                "the token's subject must be 1 to 128 printable characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserId {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        Self::parse(&value)
    }
}

impl From<UserId> for String {
    fn from(value: UserId) -> String {
        value.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim().to_lowercase();
        let valid = text.len() <= 254
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && match text.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(text))
        } else {
            Err(Error::invalid(
                "email",
                format!("`{text}` is not an e-mail address (expected name@example.org)"),
            ))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a free text field: trimmed, within `min..=max` characters, no control characters
/// except newlines in long texts.
pub fn check_text(field: &str, text: &str, min: usize, max: usize) -> Result<String> {
    let trimmed = text.trim();
    let count = trimmed.chars().count();
    if count < min {
        return Err(Error::invalid(
            field,
            format!("`{field}` must have at least {min} character(s)"),
        ));
    }
    if count > max {
        return Err(Error::invalid(
            field,
            format!("`{field}` is {count} characters long; at most {max} are allowed"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(
            field,
            format!("`{field}` contains control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn workspace_ids_need_their_prefix() {
        assert!(WorkspaceId::parse("ws_abc").is_ok());
        assert!(WorkspaceId::parse("cr_abc").is_err());
        assert!(WorkspaceId::parse("ws_").is_err());
        assert!(WorkspaceId::parse("ws_a/b").is_err());
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert!(check_text("name", "été", 1, 3).is_ok());
        assert!(check_text("name", "étés", 1, 3).is_err());
        assert!(check_text("name", "   ", 1, 3).is_err());
    }

    proptest! {
        #[test]
        fn parsed_workspace_ids_round_trip(suffix in "[a-z0-9]{1,40}") {
            let id = WorkspaceId::generate(&suffix);
            prop_assert_eq!(WorkspaceId::parse(id.as_str()).unwrap(), id);
        }

        #[test]
        fn any_text_parses_to_an_email_or_an_error(text in ".{0,80}") {
            if let Ok(email) = Email::parse(&text) {
                prop_assert!(email.as_str().contains('@'));
                prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
            }
        }
    }
}
