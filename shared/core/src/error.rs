//! Errors of the use cases: each has a stable code, a kind that maps to a status, and a message
//! written for the person who made the request.

use serde::Serialize;

use crate::quota::Quota;

/// Result of a use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request needs a valid token.
    #[error("authentication required: send `Authorization: Bearer <token>`")]
    Unauthenticated,
    /// The token was present but not valid.
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// The thing does not exist, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller can see the workspace but their role does not allow the action.
    #[error("{0}")]
    Forbidden(String),
    /// A field of the request is missing or wrong.
    #[error("{message}")]
    InvalidInput {
        /// The field at fault.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Some e-mail addresses belong to nobody registered.
    #[error("no registered user has the e-mail address(es): {}; they must sign in once before being added", .0.join(", "))]
    UnknownEmails(Vec<String>),
    /// The action would leave the workspace without an owner.
    #[error("a workspace must keep at least one owner: make another member owner first")]
    LastOwner,
    /// The workspace is suspended: every write is refused, nothing is deleted.
    #[error("workspace {0} is suspended: writes are refused until a platform administrator reactivates it")]
    Suspended(String),
    /// The state changed since the caller looked (already decided, already a member, ...).
    #[error("{0}")]
    Conflict(String),
    /// A quota would be exceeded.
    #[error("{quota} quota exceeded: {needed} needed, {free} free of {limit}")]
    QuotaExceeded {
        /// Which quota.
        quota: Quota,
        /// Amount requested.
        needed: u64,
        /// Amount still available.
        free: u64,
        /// The quota's limit.
        limit: u64,
    },
    /// A storage back end is temporarily unavailable; retrying later may succeed.
    #[error("storage temporarily unavailable, retry later")]
    Transient(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A storage back end failed in a way retrying will not fix.
    #[error("internal storage error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// How an error should be answered, independent of the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 401.
    Unauthenticated,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 400 or 422.
    InvalidInput,
    /// 409.
    Conflict,
    /// 503.
    Unavailable,
    /// 500.
    Internal,
}

impl Error {
    /// Builds an [`Error::InvalidInput`].
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// Builds an [`Error::NotFound`] naming what was looked for.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// Builds an [`Error::Forbidden`] saying which role is needed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// Stable machine-readable code, e.g. `quota_exceeded`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidToken(_) => "invalid_token",
            Self::NotFound(_) => "not_found",
            Self::Forbidden(_) => "forbidden",
            Self::InvalidInput { .. } => "invalid_input",
            Self::UnknownEmails(_) => "unknown_emails",
            Self::LastOwner => "last_owner",
            Self::Suspended(_) => "workspace_suspended",
            Self::Conflict(_) => "conflict",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::Transient(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The kind of answer this error calls for.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Unauthenticated | Self::InvalidToken(_) => ErrorKind::Unauthenticated,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::InvalidInput { .. } | Self::UnknownEmails(_) => ErrorKind::InvalidInput,
            Self::LastOwner
            | Self::Suspended(_)
            | Self::Conflict(_)
            | Self::QuotaExceeded { .. } => ErrorKind::Conflict,
            Self::Transient(_) => ErrorKind::Unavailable,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Extra structured details for the answer body (field at fault, quota figures, ...).
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            Self::InvalidInput { field, .. } => Some(serde_json::json!({ "field": field })),
            Self::UnknownEmails(emails) => Some(serde_json::json!({ "unknown_emails": emails })),
            Self::QuotaExceeded {
                quota,
                needed,
                free,
                limit,
            } => Some(serde_json::json!({
                "quota": quota, "needed": needed, "free": free, "limit": limit
            })),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_errors_say_which_quota_how_much_is_needed_and_free() {
        let error = Error::QuotaExceeded {
            quota: Quota::Uploads,
            needed: 10,
            free: 3,
            limit: 100,
        };
        assert_eq!(
            error.to_string(),
            "uploads quota exceeded: 10 needed, 3 free of 100"
        );
        assert_eq!(error.code(), "quota_exceeded");
        assert_eq!(error.details().unwrap()["free"], 3);
    }
}
