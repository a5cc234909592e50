//! Requests: to create a workspace (decided by a platform administrator) and to join a public
//! one (decided by its owners and admins).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CreationRequestId, Email, JoinRequestId, UserId, WorkspaceId};
use crate::quota::Plan;
use crate::role::Role;
use crate::workspace::Visibility;

/// Longest justification or message, in characters.
pub const MESSAGE_MAX: usize = 2_000;
/// Longest rejection reason, in characters.
pub const REASON_MAX: usize = 1_000;

/// A request to create a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreationRequest {
    /// Identifier.
    pub id: CreationRequestId,
    /// Who asked; becomes the first owner.
    pub requester: UserId,
    /// Their e-mail address.
    pub requester_email: Email,
    /// Name of the workspace to create.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Private or public.
    pub visibility: Visibility,
    /// How many streams they expect to publish.
    pub expected_streams: u32,
    /// How many bytes of data they expect to store.
    pub expected_volume_bytes: u64,
    /// Why it should be public (required for public workspaces).
    pub justification: Option<String>,
    /// Where the request stands.
    pub state: CreationState,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Where a creation request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum CreationState {
    /// Waiting for a platform administrator.
    Pending,
    /// Approved: the workspace exists.
    Approved {
        /// The workspace created.
        workspace: WorkspaceId,
        /// The plan given.
        plan: Plan,
    },
    /// Rejected, with the reason.
    Rejected {
        /// Why.
        reason: String,
    },
}

/// A request to join a public workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    /// Identifier.
    pub id: JoinRequestId,
    /// The workspace.
    pub workspace: WorkspaceId,
    /// Who asks.
    pub requester: UserId,
    /// Their e-mail address.
    pub requester_email: Email,
    /// Optional message to the owners and admins.
    pub message: Option<String>,
    /// Where the request stands.
    pub state: JoinState,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Where a join request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum JoinState {
    /// Waiting for an owner or admin.
    Pending,
    /// Accepted with a role.
    Accepted {
        /// The role given.
        role: Role,
    },
    /// Declined.
    Declined,
    /// Withdrawn by the requester.
    Withdrawn,
}
