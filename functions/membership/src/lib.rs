//! The membership Lambda: the API router behind API Gateway, on DynamoDB.
//!
//! API Gateway's JWT authorizer has verified the caller's token; [`app`] copies the claims it
//! hands over in the request context into the extension the API's
//! [`GatewayAuthenticator`] reads.

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use tuilerie_api::gateway::{GatewayAuthenticator, GatewayClaims};
use tuilerie_api::state::AppState;
use tuilerie_core::service::Service;

/// Configuration read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The DynamoDB table holding the records.
    pub table: String,
}

/// A required setting is missing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is not set.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
}

impl Config {
    /// Reads the configuration from an environment (a function so tests pass their own).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: var("TABLE_NAME").ok_or(ConfigError::Missing("TABLE_NAME"))?,
        })
    }
}

/// The whole API router, trusting the claims API Gateway verified.
pub fn app(service: Service) -> Router {
    tuilerie_api::router(AppState::new(service, Arc::new(GatewayAuthenticator)))
        .layer(middleware::from_fn(gateway_claims))
}

/// Copies the JWT authorizer's claims from the request context into [`GatewayClaims`], and
/// drops any such extension a caller could have set otherwise.
async fn gateway_claims(mut request: Request, next: Next) -> Response {
    let claims = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context
            .authorizer
            .as_ref()
            .and_then(|authorizer| authorizer.jwt.as_ref())
            .map(|jwt| jwt.claims.clone()),
        _ => None,
    };
    request.extensions_mut().remove::<GatewayClaims>();
    if let Some(claims) = claims {
        request.extensions_mut().insert(GatewayClaims(claims));
    }
    next.run(request).await
}
