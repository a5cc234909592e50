//! The Tuilerie HTTP API: one axum [`Router`] over the core's use cases.
//!
//! Every endpoint is listed once in [`endpoints::endpoints`]; the router and the OpenAPI
//! document are built from that table. Handlers are thin: they read the caller
//! ([`extract::Caller`]) and the JSON body, call one method of
//! [`tuilerie_core::service::Service`], and answer JSON. Every failure, including malformed
//! bodies, unknown routes and panics, answers `{"error": {"code", "message", "details"}}`.

pub mod auth;
pub mod bodies;
pub mod endpoints;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod warning;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

pub use auth::{Authenticator, LocalAuthenticator, TokenClaims};
pub use error::{ApiError, BODY_LIMIT};
pub use state::AppState;

/// The whole API.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for endpoint in endpoints::endpoints() {
        router = router.route(endpoint.path, (endpoint.route)());
    }
    router
        .fallback(routes::meta::route_not_found)
        .method_not_allowed_fallback(routes::meta::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            warning::add_quota_warning,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Panic.into_response()
}
