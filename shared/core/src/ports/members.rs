//! Members of a workspace and their roles.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{UserId, WorkspaceId};
use crate::role::Role;
use crate::workspace::Member;

/// The records of memberships.
#[async_trait]
pub trait MemberRecords: Send + Sync {
    /// One membership.
    async fn member(&self, workspace: &WorkspaceId, user: &UserId)
        -> RecordsResult<Option<Member>>;
    /// Every member of a workspace, by join time.
    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>>;
    /// Adds a member unless the user already is one; returns whether they were added.
    async fn add_member(&self, member: &Member) -> RecordsResult<bool>;
    /// Changes a member's role from `from` to `to`.
    /// [`super::RecordsError::ConditionFailed`] if their role is not `from` (or they are
    /// gone); [`super::RecordsError::LastOwner`] if no owner would be left.
    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()>;
    /// Removes a member whose role is `expected`; same errors as
    /// [`MemberRecords::change_role`].
    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()>;
}
