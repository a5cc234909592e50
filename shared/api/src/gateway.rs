//! Claims already verified by API Gateway's JWT authorizer (the AWS deployment).
//!
//! The Lambda adapter copies the authorizer's claims from the request context into a
//! [`GatewayClaims`] request extension; [`GatewayAuthenticator`] reads them from there. API
//! Gateway HTTP APIs flatten every claim to a string, so `cognito:groups` arrives as
//! `"[platform-admins editors]"` (or as a JSON array text); both are understood.

use std::collections::HashMap;

use axum::http::request::Parts;
use tuilerie_core::user::Claims;
use tuilerie_core::Error;

use crate::auth::{Authenticator, Result, TokenClaims};

/// The claims of a request's verified token, as API Gateway hands them over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayClaims(pub HashMap<String, String>);

impl GatewayClaims {
    /// The groups of `cognito:groups`, whichever way API Gateway wrote them.
    pub fn groups(&self) -> Vec<String> {
        let Some(text) = self.0.get("cognito:groups") else {
            return Vec::new();
        };
        if let Ok(groups) = serde_json::from_str::<Vec<String>>(text) {
            return groups;
        }
        text.trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split([' ', ','])
            .filter(|group| !group.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Parses the claims the API needs.
    pub fn parse(&self) -> Result<Claims> {
        let claim = |name: &str| {
            self.0
                .get(name)
                .cloned()
                .ok_or_else(|| Error::InvalidToken(format!("the token has no `{name}` claim")))
        };
        TokenClaims {
            sub: claim("sub")?,
            email: claim("email")?,
            email_verified: self
                .0
                .get("email_verified")
                .is_some_and(|value| value.eq_ignore_ascii_case("true")),
            groups: self.groups(),
            exp: 0,
            iat: 0,
        }
        .parse()
    }
}

/// Trusts the claims API Gateway verified; a request without them is anonymous.
#[derive(Debug, Clone, Copy, Default)]
pub struct GatewayAuthenticator;

impl Authenticator for GatewayAuthenticator {
    fn claims(&self, request: &Parts) -> Result<Option<Claims>> {
        request
            .extensions
            .get::<GatewayClaims>()
            .filter(|claims| !claims.0.is_empty())
            .map(GatewayClaims::parse)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(claims: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::new(()).into_parts().0;
        let map = claims
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        request.extensions.insert(GatewayClaims(map));
        request
    }

    #[test]
    fn groups_are_read_in_both_of_api_gateways_spellings() {
        for groups in [
            "[platform-admins editors]",
            r#"["editors","platform-admins"]"#,
        ] {
            let parts = request(&[
                ("sub", "u1"),
                ("email", "Ada@example.org"),
                ("email_verified", "true"),
                ("cognito:groups", groups),
            ]);
            let claims = GatewayAuthenticator.claims(&parts).unwrap().unwrap();
            assert!(claims.platform_admin, "{groups}");
            assert_eq!(claims.email.as_str(), "ada@example.org");
        }
    }

    #[test]
    fn no_claims_is_anonymous_and_incomplete_claims_are_invalid() {
        let bare = axum::http::Request::new(()).into_parts().0;
        assert!(GatewayAuthenticator.claims(&bare).unwrap().is_none());
        let error = GatewayAuthenticator
            .claims(&request(&[("sub", "u1")]))
            .unwrap_err();
        assert_eq!(error.code(), "invalid_token");
        let plain = GatewayAuthenticator
            .claims(&request(&[
                ("sub", "u1"),
                ("email", "a@b.org"),
                ("email_verified", "true"),
            ]))
            .unwrap()
            .unwrap();
        assert!(!plain.platform_admin);
    }

    #[test]
    fn an_unverified_email_address_is_refused() {
        for verified in [None, Some("false"), Some("")] {
            let mut claims = vec![("sub", "u1"), ("email", "ada@example.org")];
            if let Some(value) = verified {
                claims.push(("email_verified", value));
            }
            let error = GatewayAuthenticator.claims(&request(&claims)).unwrap_err();
            assert_eq!(error.code(), "invalid_token", "{verified:?}");
            assert!(error.to_string().contains("email_verified"), "{error}");
        }
    }
}
