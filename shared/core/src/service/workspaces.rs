//! Workspaces: seeing them, the public directory, owner settings, and platform administration
//! (quotas, suspension).

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::{records_error, Approval, Gate, Views};
use crate::error::Result;
use crate::ids::{check_text, WorkspaceId};
use crate::ports::{JoinRequestRecords, Ports, RecordsError, WorkspaceRecords};
use crate::quota::QuotaStatus;
use crate::request::JoinState;
use crate::role::{Action, Role};
use crate::user::Principal;
use crate::workspace::{Status, Visibility, Workspace, WorkspaceChange, DESCRIPTION_MAX, NAME_MAX};

/// A workspace as its members (and platform administrators) see it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceView {
    /// The workspace.
    #[serde(flatten)]
    pub workspace: Workspace,
    /// The caller's role; absent for platform administrators who are not members.
    pub role: Option<Role>,
    /// Every quota's figures.
    pub quotas: Vec<QuotaStatus>,
    /// True when any quota is at 90 % or more.
    pub quota_warning: bool,
}

/// A public workspace as listed in the directory.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryEntry {
    /// Identifier.
    pub id: WorkspaceId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The caller's role if they are a member.
    pub role: Option<Role>,
    /// Whether the caller has a pending join request.
    pub join_request_pending: bool,
}

/// Owner changes to a workspace; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New visibility.
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Workspaces: seeing them, the directory, owner settings and platform administration.
#[derive(Clone)]
pub struct WorkspaceService {
    gate: Gate,
    workspaces: Arc<dyn WorkspaceRecords>,
    join_requests: Arc<dyn JoinRequestRecords>,
    views: Views,
}

impl WorkspaceService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            gate: Gate::new(ports),
            workspaces: Arc::clone(&ports.workspaces),
            join_requests: Arc::clone(&ports.join_requests),
            views: Views::new(ports),
        }
    }

    /// The caller's workspaces, with their role.
    pub async fn my_workspaces(&self, principal: &Principal) -> Result<Vec<WorkspaceView>> {
        let user = principal.user()?;
        let memberships = self
            .workspaces
            .memberships_of(&user.id)
            .await
            .map_err(records_error)?;
        let mut views = Vec::with_capacity(memberships.len());
        for member in memberships {
            if let Some(workspace) = self
                .workspaces
                .workspace(&member.workspace)
                .await
                .map_err(records_error)?
            {
                views.push(self.views.view(workspace, Some(member.role)).await?);
            }
        }
        views.sort_by(|a, b| a.workspace.name.cmp(&b.workspace.name));
        Ok(views)
    }

    /// Public workspaces any registered user may ask to join.
    pub async fn directory(&self, principal: &Principal) -> Result<Vec<DirectoryEntry>> {
        let user = principal.user()?;
        let workspaces = self
            .workspaces
            .public_workspaces()
            .await
            .map_err(records_error)?;
        let memberships = self
            .workspaces
            .memberships_of(&user.id)
            .await
            .map_err(records_error)?;
        let requests = self
            .join_requests
            .join_requests_by(&user.id)
            .await
            .map_err(records_error)?;
        Ok(workspaces
            .into_iter()
            .map(|workspace| DirectoryEntry {
                role: memberships
                    .iter()
                    .find(|member| member.workspace == workspace.id)
                    .map(|member| member.role),
                join_request_pending: requests.iter().any(|request| {
                    request.workspace == workspace.id && request.state == JoinState::Pending
                }),
                id: workspace.id,
                name: workspace.name,
                description: workspace.description,
            })
            .collect())
    }

    /// One workspace: for its members, and for platform administrators.
    pub async fn workspace(&self, principal: &Principal, workspace: &str) -> Result<WorkspaceView> {
        if principal.is_platform_admin() {
            let user = principal.user()?;
            let (found, member) = self.gate.visible(user, workspace).await?;
            return self
                .views
                .view(found, member.map(|member| member.role))
                .await;
        }
        let access = self.gate.access(principal, workspace, Action::View).await?;
        self.views
            .view(access.workspace, Some(access.member.role))
            .await
    }

    /// Renames, re-describes or changes the visibility of a workspace (owners).
    pub async fn update_workspace(
        &self,
        principal: &Principal,
        workspace: &str,
        patch: WorkspacePatch,
    ) -> Result<WorkspaceView> {
        let access = self
            .gate
            .writable(principal, workspace, Action::ManageWorkspace)
            .await?;
        let change = WorkspaceChange::Profile {
            name: match patch.name {
                Some(name) => Some(check_text("name", &name, 1, NAME_MAX)?),
                None => None,
            },
            description: match patch.description {
                Some(text) => Some(check_text("description", &text, 0, DESCRIPTION_MAX)?),
                None => None,
            },
            visibility: patch.visibility,
            by: access.user.id.clone(),
        };
        let updated = match self
            .workspaces
            .update_workspace(&access.workspace.id, &change)
            .await
        {
            Ok(updated) => updated,
            Err(RecordsError::ConditionFailed) => {
                // Suspended or no longer an owner meanwhile: say which.
                self.gate
                    .writable(principal, workspace, Action::ManageWorkspace)
                    .await?;
                return Err(records_error(RecordsError::ConditionFailed));
            }
            Err(other) => return Err(records_error(other)),
        };
        self.views.view(updated, Some(access.member.role)).await
    }

    /// Deletes a workspace with its members and requests (owners).
    pub async fn delete_workspace(&self, principal: &Principal, workspace: &str) -> Result<()> {
        let access = self
            .gate
            .writable(principal, workspace, Action::ManageWorkspace)
            .await?;
        self.workspaces
            .delete_workspace(&access.workspace.id)
            .await
            .map_err(records_error)
    }

    /// Changes a workspace's plan and limits (platform administrators).
    pub async fn set_limits(
        &self,
        principal: &Principal,
        workspace: &str,
        approval: Approval,
    ) -> Result<WorkspaceView> {
        let found = self.gate.administered(principal, workspace).await?;
        let change = WorkspaceChange::Plan {
            limits: approval.limits()?,
            plan: approval.plan,
        };
        let updated = self
            .workspaces
            .update_workspace(&found.id, &change)
            .await
            .map_err(records_error)?;
        self.views.view(updated, None).await
    }

    /// Suspends or reactivates a workspace (platform administrators).
    pub async fn set_status(
        &self,
        principal: &Principal,
        workspace: &str,
        status: Status,
    ) -> Result<WorkspaceView> {
        let found = self.gate.administered(principal, workspace).await?;
        let updated = self
            .workspaces
            .update_workspace(&found.id, &WorkspaceChange::Status(status))
            .await
            .map_err(records_error)?;
        self.views.view(updated, None).await
    }
}
