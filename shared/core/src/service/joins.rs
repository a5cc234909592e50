//! Join requests to public workspaces: any registered user asks (with an optional message),
//! an owner or admin accepts with a role (viewer by default) or declines, the requester may
//! withdraw.

use std::sync::Arc;

use super::{not_found_workspace, parse_workspace_id, records_error, Gate};
use crate::error::{Error, Result};
use crate::ids::{check_text, JoinRequestId, WorkspaceId};
use crate::ports::RecordsError;
use crate::ports::{Clock, Ids, JoinRequestRecords, Ports};
use crate::request::{JoinRequest, JoinState, MESSAGE_MAX};
use crate::role::{Action, Role};
use crate::user::Principal;
use crate::workspace::{Member, Visibility};

/// Join requests to public workspaces.
#[derive(Clone)]
pub struct JoinService {
    gate: Gate,
    join_requests: Arc<dyn JoinRequestRecords>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

impl JoinService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            gate: Gate::new(ports),
            join_requests: Arc::clone(&ports.join_requests),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        }
    }

    /// Asks to join a public workspace.
    pub async fn request_to_join(
        &self,
        principal: &Principal,
        workspace: &str,
        message: Option<String>,
    ) -> Result<JoinRequest> {
        let user = principal.user()?;
        let (found, member) = self.gate.visible(user, workspace).await?;
        if member.is_some() {
            return Err(Error::Conflict(format!(
                "you already are a member of workspace {}",
                found.id
            )));
        }
        if found.visibility != Visibility::Public {
            return Err(not_found_workspace(&found.id));
        }
        found.ensure_active()?;
        let message = match message.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(check_text("message", text, 1, MESSAGE_MAX)?),
        };
        let request = JoinRequest {
            id: JoinRequestId::generate(&self.ids.fresh()),
            workspace: found.id,
            requester: user.id.clone(),
            requester_email: user.email.clone(),
            message,
            state: JoinState::Pending,
            created_at: self.clock.now(),
            closed_at: None,
        };
        match self.join_requests.create_join_request(&request).await {
            Ok(()) => Ok(request),
            Err(RecordsError::AlreadyExists) => Err(Error::Conflict(
                "you already have a pending request to join this workspace".to_owned(),
            )),
            Err(other) => Err(records_error(other)),
        }
    }

    /// Join requests of a workspace (owners and admins).
    pub async fn join_requests(
        &self,
        principal: &Principal,
        workspace: &str,
    ) -> Result<Vec<JoinRequest>> {
        let access = self
            .gate
            .access(principal, workspace, Action::DecideJoinRequests)
            .await?;
        self.join_requests
            .join_requests(&access.workspace.id)
            .await
            .map_err(records_error)
    }

    /// The caller's own join requests.
    pub async fn my_join_requests(&self, principal: &Principal) -> Result<Vec<JoinRequest>> {
        let user = principal.user()?;
        self.join_requests
            .join_requests_by(&user.id)
            .await
            .map_err(records_error)
    }

    /// Accepts a pending join request, giving the role chosen (viewer by default).
    pub async fn accept_join_request(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
        role: Option<Role>,
    ) -> Result<JoinRequest> {
        let access = self
            .gate
            .writable(principal, workspace, Action::DecideJoinRequests)
            .await?;
        let role = role.unwrap_or(Role::Viewer);
        if !access.member.role.may_manage(role) {
            return Err(Error::forbidden(format!(
                "as {} you may only let people in as editors or viewers",
                access.member.role
            )));
        }
        let request = self.pending_join_request(&access.workspace.id, id).await?;
        let now = self.clock.now();
        let member = Member {
            workspace: request.workspace.clone(),
            user: request.requester.clone(),
            email: request.requester_email.clone(),
            role,
            joined_at: now,
        };
        let closed = JoinRequest {
            state: JoinState::Accepted { role },
            closed_at: Some(now),
            ..request
        };
        self.join_requests
            .close_join_request(&closed, Some(&member))
            .await
            .map_err(already_closed)?;
        Ok(closed)
    }

    /// Declines a pending join request.
    pub async fn decline_join_request(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<JoinRequest> {
        let access = self
            .gate
            .writable(principal, workspace, Action::DecideJoinRequests)
            .await?;
        let request = self.pending_join_request(&access.workspace.id, id).await?;
        self.close(request, JoinState::Declined).await
    }

    /// Withdraws one's own pending join request.
    pub async fn withdraw_join_request(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<JoinRequest> {
        let user = principal.user()?;
        let workspace = parse_workspace_id(workspace)?;
        let request = self.load_join_request(&workspace, id).await?;
        if request.requester != user.id {
            return Err(Error::not_found(format!("join request {id}")));
        }
        let request = ensure_pending(request, id)?;
        self.close(request, JoinState::Withdrawn).await
    }

    async fn close(&self, request: JoinRequest, state: JoinState) -> Result<JoinRequest> {
        let closed = JoinRequest {
            state,
            closed_at: Some(self.clock.now()),
            ..request
        };
        self.join_requests
            .close_join_request(&closed, None)
            .await
            .map_err(already_closed)?;
        Ok(closed)
    }

    async fn pending_join_request(&self, workspace: &WorkspaceId, id: &str) -> Result<JoinRequest> {
        let request = self.load_join_request(workspace, id).await?;
        ensure_pending(request, id)
    }

    async fn load_join_request(&self, workspace: &WorkspaceId, id: &str) -> Result<JoinRequest> {
        let not_found = || Error::not_found(format!("join request {id}"));
        let parsed = JoinRequestId::parse(id).map_err(|_| not_found())?;
        self.join_requests
            .join_request(workspace, &parsed)
            .await
            .map_err(records_error)?
            .ok_or_else(not_found)
    }
}

fn ensure_pending(request: JoinRequest, id: &str) -> Result<JoinRequest> {
    if request.state != JoinState::Pending {
        return Err(Error::Conflict(format!(
            "join request {id} is already closed"
        )));
    }
    Ok(request)
}

fn already_closed(error: RecordsError) -> Error {
    match error {
        RecordsError::ConditionFailed => {
            Error::Conflict("this join request has already been closed".to_owned())
        }
        other => records_error(other),
    }
}
