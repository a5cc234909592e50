//! Workspace creation requests, and their approval with the new workspace.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{CreationRequestId, UserId};
use crate::request::CreationRequest;
use crate::workspace::{Member, Workspace};

/// The records of workspace creation requests.
#[async_trait]
pub trait CreationRequestRecords: Send + Sync {
    /// Stores a new creation request ([`super::RecordsError::AlreadyExists`] if the id is
    /// taken).
    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()>;
    /// A creation request by identifier.
    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>>;
    /// Every creation request made by a user, oldest first.
    async fn creation_requests_by(&self, requester: &UserId)
        -> RecordsResult<Vec<CreationRequest>>;
    /// Every creation request still pending, oldest first.
    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>>;
    /// Atomically: marks the pending request as decided (`decided` carries the approved state),
    /// creates the workspace and makes `owner` its first owner.
    /// [`super::RecordsError::ConditionFailed`] if the request is no longer pending.
    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()>;
    /// Marks a pending request as rejected (`decided` carries the reason).
    /// [`super::RecordsError::ConditionFailed`] if it is no longer pending.
    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()>;
}
