//! Workspaces themselves: reading, changing, deleting, the public directory.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{UserId, WorkspaceId};
use crate::workspace::{Member, Workspace};

/// The records of workspaces.
#[async_trait]
pub trait WorkspaceRecords: Send + Sync {
    /// A workspace by identifier.
    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>>;
    /// Replaces a workspace's mutable fields (name, description, visibility, plan, limits,
    /// status). [`super::RecordsError::NotFound`] if it does not exist.
    async fn update_workspace(&self, workspace: &Workspace) -> RecordsResult<()>;
    /// Deletes a workspace with its members, join requests, usage and reservations.
    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()>;
    /// Every public workspace, by name.
    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>>;
    /// Every membership of a user.
    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>>;
}
