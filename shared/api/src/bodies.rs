//! Request bodies defined by the API itself (the others are the core's inputs).

use serde::Deserialize;
use tuilerie_core::quota::Quota;
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Status;

/// Body of `POST /workspace-requests/{id}/reject`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Why the request is rejected; shown to the requester.
    pub reason: String,
}

/// Body of `PUT /workspaces/{ws}/status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `active` or `suspended`.
    pub status: Status,
}

/// Body of `POST /workspaces/{ws}/members`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMembers {
    /// E-mail addresses of registered users.
    pub emails: Vec<String>,
    /// The role they all get.
    pub role: Role,
}

/// Body of `PATCH /workspaces/{ws}/members/{user}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The new role.
    pub role: Role,
}

/// Body of `POST /workspaces/{ws}/join-requests` (may be empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewJoinRequest {
    /// Optional message to the owners and admins.
    #[serde(default)]
    pub message: Option<String>,
}

/// Body of `POST /workspaces/{ws}/join-requests/{id}/accept` (may be empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinAcceptance {
    /// The role given; viewer when absent.
    #[serde(default)]
    pub role: Option<Role>,
}

/// Body of `POST /workspaces/{ws}/reservations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReservation {
    /// The storage quota charged.
    pub quota: Quota,
    /// Bytes to reserve.
    pub amount: u64,
}
