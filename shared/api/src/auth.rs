//! Who is calling: the bearer token's claims.
//!
//! The claims have the shape Cognito gives API Gateway: `sub`, `email` and `cognito:groups`
//! (platform administrators are in the `platform-admins` group). The local server verifies
//! HS256 tokens signed with its own secret ([`LocalAuthenticator`]); on AWS, API Gateway has
//! already verified the token and
//! [`crate::gateway::GatewayAuthenticator`] reads its claims.

use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tuilerie_core::ids::{Email, UserId};
use tuilerie_core::user::Claims;
use tuilerie_core::Error;

/// The group that makes a user a platform administrator.
pub const PLATFORM_ADMINS: &str = "platform-admins";

/// Result of reading credentials.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads the caller's verified claims from a request: from its headers, or from its extensions
/// where a gateway in front has put the claims it verified.
pub trait Authenticator: Send + Sync {
    /// `Ok(None)` when the request carries no credentials (an anonymous caller);
    /// [`Error::InvalidToken`] when it carries credentials that are not valid.
    fn claims(&self, request: &Parts) -> Result<Option<Claims>>;
}

/// The claims of a token, as Cognito writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// Subject: the user's stable identifier.
    pub sub: String,
    /// The user's e-mail address.
    pub email: String,
    /// Whether the identity provider verified the address (Cognito's ID token claim). An
    /// unverified address is refused: anyone could claim another's.
    #[serde(default, deserialize_with = "boolean_or_text")]
    pub email_verified: bool,
    /// The user's groups.
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    /// Expiry, in seconds since the epoch.
    pub exp: i64,
    /// Issue time, in seconds since the epoch.
    #[serde(default)]
    pub iat: i64,
}

impl TokenClaims {
    /// Claims for a user, valid for `valid_for` from now.
    pub fn new(sub: &str, email: &str, platform_admin: bool, valid_for: Duration) -> Self {
        let now = Utc::now();
        Self {
            sub: sub.to_owned(),
            email: email.to_owned(),
            email_verified: true,
            groups: if platform_admin {
                vec![PLATFORM_ADMINS.to_owned()]
            } else {
                Vec::new()
            },
            exp: (now + valid_for).timestamp(),
            iat: now.timestamp(),
        }
    }

    /// Parses the claims into the core's [`Claims`].
    pub fn parse(self) -> Result<Claims> {
        let invalid = |error: Error| Error::InvalidToken(error.to_string());
        if !self.email_verified {
            return Err(Error::InvalidToken(
                "the token's e-mail address is not verified (`email_verified`): verify it when \
                 signing in, then use the ID token"
                    .to_owned(),
            ));
        }
        Ok(Claims {
            sub: UserId::parse(&self.sub).map_err(invalid)?,
            email: Email::parse(&self.email).map_err(invalid)?,
            platform_admin: self.groups.iter().any(|group| group == PLATFORM_ADMINS),
        })
    }
}

/// Reads `true`/`false` or the text `"true"`/`"false"` (API Gateway writes every claim as text).
fn boolean_or_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Boolean(bool),
        Text(String),
    }
    Ok(match Flag::deserialize(deserializer)? {
        Flag::Boolean(value) => value,
        Flag::Text(text) => text.eq_ignore_ascii_case("true"),
    })
}

/// The token of an `Authorization: Bearer <token>` header, if any.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| Error::InvalidToken("the Authorization header is not text".to_owned()))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(Error::InvalidToken(
            "expected `Authorization: Bearer <token>`".to_owned(),
        )),
    }
}

/// Verifies HS256 tokens signed with a local secret.
#[derive(Clone)]
pub struct LocalAuthenticator {
    decoding: DecodingKey,
    encoding: EncodingKey,
}

impl std::fmt::Debug for LocalAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalAuthenticator")
    }
}

impl LocalAuthenticator {
    /// An authenticator for tokens signed with `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            decoding: DecodingKey::from_secret(secret),
            encoding: EncodingKey::from_secret(secret),
        }
    }

    /// Signs a token with the secret.
    pub fn issue(&self, claims: &TokenClaims) -> Result<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|error| Error::Internal(Box::new(error)))
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 5;
        let data = jsonwebtoken::decode::<TokenClaims>(token, &self.decoding, &validation)
            .map_err(|error| Error::InvalidToken(error.to_string()))?;
        data.claims.parse()
    }
}

impl Authenticator for LocalAuthenticator {
    fn claims(&self, request: &Parts) -> Result<Option<Claims>> {
        bearer_token(&request.headers)?
            .map(|token| self.verify(token))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> Parts {
        axum::http::Request::builder()
            .header(header::AUTHORIZATION, value)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn a_signed_token_gives_back_its_claims_and_admin_group() {
        let auth = LocalAuthenticator::new(b"secret");
        let token = auth
            .issue(&TokenClaims::new(
                "u1",
                "Ada@Example.org",
                true,
                Duration::hours(1),
            ))
            .unwrap();
        let claims = auth
            .claims(&headers(&format!("Bearer {token}")))
            .unwrap()
            .unwrap();
        assert_eq!(claims.sub.as_str(), "u1");
        assert_eq!(claims.email.as_str(), "ada@example.org");
        assert!(claims.platform_admin);
    }

    #[test]
    fn no_header_is_an_anonymous_caller() {
        let auth = LocalAuthenticator::new(b"secret");
        let request = axum::http::Request::new(()).into_parts().0;
        assert!(auth.claims(&request).unwrap().is_none());
    }

    #[test]
    fn expired_foreign_or_malformed_tokens_are_invalid() {
        let auth = LocalAuthenticator::new(b"secret");
        let expired = auth
            .issue(&TokenClaims::new(
                "u1",
                "a@b.org",
                false,
                Duration::hours(-1),
            ))
            .unwrap();
        let foreign = LocalAuthenticator::new(b"other")
            .issue(&TokenClaims::new(
                "u1",
                "a@b.org",
                false,
                Duration::hours(1),
            ))
            .unwrap();
        for value in [
            format!("Bearer {expired}"),
            format!("Bearer {foreign}"),
            "Bearer not-a-token".to_owned(),
            "Basic abc".to_owned(),
            "Bearer ".to_owned(),
        ] {
            let error = auth.claims(&headers(&value)).unwrap_err();
            assert_eq!(error.code(), "invalid_token", "{value}");
        }
    }
}
