//! Requests to join a public workspace.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{JoinRequestId, UserId, WorkspaceId};
use crate::request::JoinRequest;
use crate::workspace::Member;

/// The records of join requests.
#[async_trait]
pub trait JoinRequestRecords: Send + Sync {
    /// Stores a new pending join request. [`super::RecordsError::AlreadyExists`] if the user
    /// already has a pending request for this workspace.
    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()>;
    /// A join request by identifier.
    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>>;
    /// Every join request of a workspace, oldest first.
    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>>;
    /// Every join request made by a user, oldest first.
    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>>;
    /// Atomically closes a pending join request (`closed` carries the new state) and, when
    /// given, adds the new member (kept as is if already a member).
    /// [`super::RecordsError::ConditionFailed`] if the request is no longer pending.
    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()>;
}
