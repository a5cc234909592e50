//! The server itself: health, the OpenAPI document, and answers for unknown routes.

use axum::extract::{Request, State};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// `GET /health`.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /openapi.json`.
pub async fn openapi(State(_state): State<AppState>) -> Json<Value> {
    Json(crate::openapi::document())
}

/// Any path no endpoint has.
pub async fn route_not_found(request: Request) -> ApiError {
    ApiError::RouteNotFound(request.uri().path().to_owned())
}

/// A known path called with a method it does not have.
pub async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
    }
}
