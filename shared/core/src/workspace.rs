//! Workspaces and their members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{Email, UserId, WorkspaceId};
use crate::quota::{Limits, Plan};
use crate::role::Role;

/// Longest workspace name, in characters.
pub const NAME_MAX: usize = 80;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 2_000;

/// Who can find a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Invisible to non-members.
    Private,
    /// Listed in the directory; registered users may ask to join.
    Public,
}

/// Whether a workspace accepts writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Normal operation.
    Active,
    /// Every write refused, nothing deleted.
    Suspended,
}

/// A private space shared by its members, with storage quotas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Identifier.
    pub id: WorkspaceId,
    /// Display name.
    pub name: String,
    /// What the workspace is for.
    pub description: String,
    /// Private or public.
    pub visibility: Visibility,
    /// The plan it was given.
    pub plan: Plan,
    /// Its limits (the plan's, or custom ones).
    pub limits: Limits,
    /// Active or suspended.
    pub status: Status,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One change of a workspace: each touches only its own fields, and the records store applies
/// it to the workspace as stored at the time of the write, so concurrent changes of different
/// fields never undo each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceChange {
    /// An owner's edit: name, description, visibility. Applied only if `by` is still an owner
    /// and the workspace active at the time of the write.
    Profile {
        /// New name.
        name: Option<String>,
        /// New description.
        description: Option<String>,
        /// New visibility.
        visibility: Option<Visibility>,
        /// The owner making it.
        by: UserId,
    },
    /// A platform administrator's plan change.
    Plan {
        /// The plan.
        plan: Plan,
        /// Its limits.
        limits: Limits,
    },
    /// A platform administrator's suspension or reactivation.
    Status(Status),
}

impl WorkspaceChange {
    /// Applies the change to `workspace`.
    pub fn apply(&self, workspace: &mut Workspace) {
        match self {
            Self::Profile {
                name,
                description,
                visibility,
                ..
            } => {
                if let Some(name) = name {
                    workspace.name.clone_from(name);
                }
                if let Some(description) = description {
                    workspace.description.clone_from(description);
                }
                if let Some(visibility) = visibility {
                    workspace.visibility = *visibility;
                }
            }
            Self::Plan { plan, limits } => {
                workspace.plan = *plan;
                workspace.limits = limits.clone();
            }
            Self::Status(status) => workspace.status = *status,
        }
    }

    /// The owner whose role the write checks, for an owner's edit.
    pub fn owner(&self) -> Option<&UserId> {
        match self {
            Self::Profile { by, .. } => Some(by),
            _ => None,
        }
    }
}

impl Workspace {
    /// Refuses writes to a suspended workspace.
    pub fn ensure_active(&self) -> Result<()> {
        match self.status {
            Status::Active => Ok(()),
            Status::Suspended => Err(Error::Suspended(self.id.to_string())),
        }
    }
}

/// A user's membership of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The workspace.
    pub workspace: WorkspaceId,
    /// The user.
    pub user: UserId,
    /// The user's e-mail address when they were added.
    pub email: Email,
    /// Their role.
    pub role: Role,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}
