//! Users of the platform.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{Email, UserId};
use crate::user::User;

/// The records of users.
#[async_trait]
pub trait UserRecords: Send + Sync {
    /// Stores a user on first sight; later calls update the e-mail address. Returns the stored
    /// user (with their original registration time).
    async fn register_user(&self, user: &User) -> RecordsResult<User>;
    /// A user by identifier.
    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>>;
    /// A user by e-mail address.
    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>>;
}
