//! Behind API Gateway: the JWT authorizer has verified the caller's token; its claims, handed
//! over in the request context, are copied into the extension the API's
//! [`tuilerie_api::GatewayAuthenticator`] reads.

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use tuilerie_api::GatewayClaims;

/// The router, reading the callers' claims from API Gateway's request context.
pub(crate) fn with_gateway_claims(router: Router) -> Router {
    router.layer(middleware::from_fn(gateway_claims))
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
