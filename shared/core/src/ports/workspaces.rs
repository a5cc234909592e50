//! Workspaces themselves: reading, changing, deleting, the public directory.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{UserId, WorkspaceId};
use crate::workspace::{Member, Workspace, WorkspaceChange};

/// The records of workspaces.
#[async_trait]
pub trait WorkspaceRecords: Send + Sync {
    /// A workspace by identifier.
    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>>;
    /// Applies one change to the workspace as stored, atomically; the workspace after it.
    /// [`super::RecordsError::NotFound`] if it does not exist;
    /// [`super::RecordsError::ConditionFailed`] if an owner's edit finds its author no longer
    /// an owner or the workspace suspended.
    async fn update_workspace(
        &self,
        id: &WorkspaceId,
        change: &WorkspaceChange,
    ) -> RecordsResult<Workspace>;
    /// Deletes a workspace with its members, join requests, usage and reservations.
    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()>;
    /// Every public workspace, by name.
    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>>;
    /// Every membership of a user.
    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>>;
}
