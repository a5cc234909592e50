//! Users of the platform and who is making a request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{Email, UserId};

/// A registered user: created on their first authenticated call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The token's subject.
    pub id: UserId,
    /// Their e-mail address, by which members are added.
    pub email: Email,
    /// When they were first seen.
    pub registered_at: DateTime<Utc>,
}

/// What an authenticated token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Subject.
    pub sub: UserId,
    /// E-mail address.
    pub email: Email,
    /// Whether the groups claim holds `platform-admins`.
    pub platform_admin: bool,
}

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No token: may only read published streams.
    Anonymous,
    /// A registered user.
    User {
        /// The user.
        user: User,
        /// Whether they are a platform administrator.
        platform_admin: bool,
    },
}

impl Principal {
    /// The user, or [`Error::Unauthenticated`] for anonymous callers.
    pub fn user(&self) -> Result<&User> {
        match self {
            Principal::Anonymous => Err(Error::Unauthenticated),
            Principal::User { user, .. } => Ok(user),
        }
    }

    /// Whether the caller is a platform administrator.
    pub fn is_platform_admin(&self) -> bool {
        matches!(
            self,
            Principal::User {
                platform_admin: true,
                ..
            }
        )
    }

    /// The user if they are a platform administrator; otherwise an error (unauthenticated for
    /// anonymous callers, forbidden for others).
    pub fn platform_admin(&self) -> Result<&User> {
        let user = self.user()?;
        if self.is_platform_admin() {
            Ok(user)
        } else {
            Err(Error::forbidden("only platform administrators may do this"))
        }
    }
}
