//! The server itself: health, the OpenAPI document, and answers for unknown routes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
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

/// A known path called with a method it does not have; the `Allow` header lists the methods
/// it has.
pub async fn method_not_allowed(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let allowed: Vec<&str> = crate::endpoints::endpoints()
        .iter()
        .filter(|endpoint| matches_template(endpoint.path, &path))
        .map(|endpoint| endpoint.method.as_str())
        .collect();
    let mut response = ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        path,
    }
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Whether a concrete path matches a template such as `/workspaces/{ws}`.
fn matches_template(template: &str, path: &str) -> bool {
    let mut templates = template.split('/');
    let mut segments = path.split('/');
    loop {
        match (templates.next(), segments.next()) {
            (None, None) => return true,
            (Some(expected), Some(segment)) => {
                let parameter = expected.starts_with('{') && !segment.is_empty();
                if !parameter && expected != segment {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches_template;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        assert!(matches_template("/workspaces/{ws}", "/workspaces/ws_1"));
        assert!(!matches_template(
            "/workspaces/{ws}",
            "/workspaces/ws_1/members"
        ));
        assert!(!matches_template("/workspaces/{ws}", "/workspaces/"));
        assert!(matches_template("/me", "/me"));
    }
}
