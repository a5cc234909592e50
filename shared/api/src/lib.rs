//! The Tuilerie HTTP API: one axum [`Router`] over the core's use cases.
//!
//! Every endpoint is listed once in [`endpoints::endpoints`]; the router and the OpenAPI
//! document are built from that table. Handlers are thin: they read the caller
//! ([`extract::Caller`]) and the JSON body, call one method of
//! [`tuilerie_core::service::Services`], and answer JSON. Every failure, including malformed
//! bodies, unknown routes and panics, answers `{"error": {"code", "message", "details"}}`.

pub mod access_log;
pub mod auth;
pub mod bodies;
pub mod endpoints;
pub mod error;
pub mod extract;
pub mod gateway;
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
pub use gateway::{GatewayAuthenticator, GatewayClaims};
pub use state::AppState;

/// The whole API.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for endpoint in endpoints::endpoints() {
        let route = (endpoint.route)();
        let route = if endpoint.access == "anyone" {
            route
        } else {
            route.route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                require_credentials,
            ))
        };
        router = router.route(endpoint.path, route);
    }
    let router = router.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        warning::add_quota_warning,
    ));
    with_json_errors(router)
        .layer(axum::middleware::from_fn(access_log::log_request))
        .with_state(state)
}

/// Answers 401 before anything else is read when an endpoint that is not for anyone is called
/// without valid credentials, so that a bad body never tells an anonymous caller more.
async fn require_credentials(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match state.authenticator.claims(&parts) {
        Ok(Some(_)) => {
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        Ok(None) => ApiError::Core(tuilerie_core::Error::Unauthenticated).into_response(),
        Err(error) => ApiError::Core(error).into_response(),
    }
}

/// Makes every failure outside the handlers answer in the JSON error shape: unknown routes,
/// wrong methods, bodies over [`BODY_LIMIT`] and panics.
pub fn with_json_errors<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .fallback(routes::meta::route_not_found)
        .method_not_allowed_fallback(routes::meta::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
}

fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Panic.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn answer(router: Router, method: &str, path: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    fn panicking() -> Router {
        with_json_errors(Router::new().route(
            "/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("handler bug");
                }
                "unreachable"
            }),
        ))
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500() {
        let (status, body) = answer(panicking(), "GET", "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn unknown_routes_and_methods_answer_json() {
        let (status, body) = answer(panicking(), "GET", "/nothing").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("route_not_found"))
        );
        let (status, body) = answer(panicking(), "POST", "/boom").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
        );
    }
}
