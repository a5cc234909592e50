//! Every answer that is not a success: one JSON shape,
//! `{"error": {"code": "...", "message": "...", "details": {...}}}`, with a status that follows
//! from the error's kind.

use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tuilerie_core::error::ErrorKind;

/// Result of a handler.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A use case refused or failed.
    #[error(transparent)]
    Core(#[from] tuilerie_core::Error),
    /// The body is not JSON at all.
    #[error("the request body is not valid JSON: {0}")]
    BadJson(String),
    /// The body is JSON but does not have the expected fields or types.
    #[error("the request body does not match what this endpoint expects: {0}")]
    BadBody(String),
    /// The body is not declared as JSON.
    #[error("send the request body as JSON with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// The body is larger than the limit.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// The query string could not be read.
    #[error("invalid query string: {0}")]
    BadQuery(String),
    /// A path parameter could not be decoded.
    #[error("invalid path: {0}")]
    BadPath(String),
    /// No endpoint has this path.
    #[error("no endpoint at {0}; see /openapi.json")]
    RouteNotFound(String),
    /// The path exists but not with this method.
    #[error("method {method} is not allowed on {path}; see /openapi.json")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The path requested.
        path: String,
    },
    /// A handler panicked.
    #[error("internal error")]
    Panic,
}

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

impl ApiError {
    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Core(error) => match error.kind() {
                ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
                ErrorKind::Conflict => StatusCode::CONFLICT,
                ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::BadJson(_) | Self::BadQuery(_) | Self::BadPath(_) => StatusCode::BAD_REQUEST,
            Self::BadBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RouteNotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Panic => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Core(error) => error.code(),
            Self::BadJson(_) => "bad_json",
            Self::BadBody(_) => "invalid_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::BadQuery(_) => "bad_query",
            Self::BadPath(_) => "bad_path",
            Self::RouteNotFound(_) => "route_not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Panic => "internal",
        }
    }

    /// The JSON body of the answer.
    pub fn body(&self) -> Value {
        let details = match self {
            Self::Core(error) => error.details(),
            Self::PayloadTooLarge(limit) => Some(json!({ "limit_bytes": limit })),
            _ => None,
        };
        let mut error = json!({ "code": self.code(), "message": self.to_string() });
        if let Some(details) = details {
            error["details"] = details;
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        (status, axum::Json(self.body())).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(error) => Self::BadBody(error.body_text()),
            JsonRejection::JsonSyntaxError(error) => Self::BadJson(error.body_text()),
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType,
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge(BODY_LIMIT)
            }
            other => Self::BadJson(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadQuery(rejection.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge(BODY_LIMIT)
        } else {
            Self::BadJson(rejection.body_text())
        }
    }
}
