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

/// The stable name a workflow matches an error by (Step Functions `Retry` and `Catch`): what
/// to do about it, not what it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FailureName {
    /// The input is wrong or not allowed; retrying the same input fails the same way.
    InvalidInput,
    /// A quota would be exceeded; the user must free space or get a larger plan.
    QuotaExceeded,
    /// The work is no longer wanted or no longer possible in this state (suspended or deleted
    /// workspace, changed meanwhile): stop without retrying.
    Cancelled,
    /// A back end is temporarily unavailable; retrying later may succeed.
    Transient,
    /// A defect or a permanent back-end failure.
    Internal,
}

impl FailureName {
    /// Every failure name.
    pub const ALL: [FailureName; 5] = [
        FailureName::InvalidInput,
        FailureName::QuotaExceeded,
        FailureName::Cancelled,
        FailureName::Transient,
        FailureName::Internal,
    ];

    /// The name, as written in the state machine definition.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "InvalidInput",
            Self::QuotaExceeded => "QuotaExceeded",
            Self::Cancelled => "Cancelled",
            Self::Transient => "Transient",
            Self::Internal => "Internal",
        }
    }
}

impl std::fmt::Display for FailureName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

    /// The stable name a workflow matches this error by.
    pub fn failure_name(&self) -> FailureName {
        match self {
            Self::Unauthenticated
            | Self::InvalidToken(_)
            | Self::NotFound(_)
            | Self::Forbidden(_)
            | Self::InvalidInput { .. }
            | Self::UnknownEmails(_) => FailureName::InvalidInput,
            Self::QuotaExceeded { .. } => FailureName::QuotaExceeded,
            Self::LastOwner | Self::Suspended(_) | Self::Conflict(_) => FailureName::Cancelled,
            Self::Transient(_) => FailureName::Transient,
            Self::Internal(_) => FailureName::Internal,
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
            quota: Quota::UPLOADS,
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
        assert_eq!(error.failure_name(), FailureName::QuotaExceeded);
    }

    #[test]
    fn back_end_failures_keep_their_source_and_name_what_to_do() {
        let transient = Error::Transient(Box::new(std::io::Error::other("timed out")));
        assert_eq!(transient.failure_name().as_str(), "Transient");
        let source = std::error::Error::source(&transient).unwrap();
        assert_eq!(source.to_string(), "timed out");
        assert_eq!(
            Error::Suspended("ws_a".to_owned()).failure_name(),
            FailureName::Cancelled
        );
        assert_eq!(
            Error::invalid("name", "empty").failure_name(),
            FailureName::InvalidInput
        );
        let names: Vec<&str> = FailureName::ALL.iter().map(|name| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "InvalidInput",
                "QuotaExceeded",
                "Cancelled",
                "Transient",
                "Internal"
            ]
        );
    }
}
