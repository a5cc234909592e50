//! Workspace creation requests: a registered user asks, a platform administrator approves with
//! a plan (the requester becomes the first owner) or rejects with a reason.

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::{records_error, Views, WorkspaceView};
use crate::error::{Error, Result};
use crate::ids::{check_text, CreationRequestId, WorkspaceId};
use crate::ports::RecordsError;
use crate::ports::{Clock, CreationRequestRecords, Ids, Ports};
use crate::quota::{Limits, Plan};
use crate::request::{CreationRequest, CreationState, MESSAGE_MAX, REASON_MAX};
use crate::role::Role;
use crate::user::Principal;
use crate::workspace::{Member, Status, Visibility, Workspace, DESCRIPTION_MAX, NAME_MAX};

/// Most streams a request may announce.
pub const EXPECTED_STREAMS_MAX: u32 = 100_000;
/// Shortest justification for a public workspace, in characters.
pub const JUSTIFICATION_MIN: usize = 10;

/// What a user fills in to ask for a workspace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCreationRequest {
    /// Name of the workspace.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// Private or public.
    pub visibility: Visibility,
    /// Streams they expect to publish.
    #[serde(default)]
    pub expected_streams: u32,
    /// Bytes of data they expect to store.
    #[serde(default)]
    pub expected_volume_bytes: u64,
    /// Why it should be public; required for public workspaces.
    #[serde(default)]
    pub justification: Option<String>,
}

/// A platform administrator's decision on quotas: a plan, optionally with custom limits.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The plan.
    pub plan: Plan,
    /// Limits replacing the plan's, if given.
    #[serde(default)]
    pub limits: Option<Limits>,
}

impl Approval {
    /// The limits this decision gives, refused when no counter can hold them.
    pub fn limits(&self) -> crate::Result<Limits> {
        let limits = self.limits.clone().unwrap_or_else(|| self.plan.limits());
        limits.check()?;
        Ok(limits)
    }
}

/// How many workspace requests one user may have waiting for a decision.
pub const PENDING_REQUESTS_MAX: usize = 5;

/// Workspace creation requests and their decisions.
#[derive(Clone)]
pub struct CreationService {
    creation_requests: Arc<dyn CreationRequestRecords>,
    views: Views,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

impl CreationService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            creation_requests: Arc::clone(&ports.creation_requests),
            views: Views::new(ports),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        }
    }

    /// Asks for a new workspace.
    pub async fn request_workspace(
        &self,
        principal: &Principal,
        input: NewCreationRequest,
    ) -> Result<CreationRequest> {
        let user = principal.user()?;
        let name = check_text("name", &input.name, 1, NAME_MAX)?;
        let description = check_text("description", &input.description, 0, DESCRIPTION_MAX)?;
        if input.expected_streams > EXPECTED_STREAMS_MAX {
            return Err(Error::invalid(
                "expected_streams",
                format!("`expected_streams` must be at most {EXPECTED_STREAMS_MAX}"),
            ));
        }
        let justification = match input.justification.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(check_text("justification", text, 0, MESSAGE_MAX)?),
        };
        if input.visibility == Visibility::Public
            && justification
                .as_ref()
                .is_none_or(|text| text.chars().count() < JUSTIFICATION_MIN)
        {
            return Err(Error::invalid(
                "justification",
                format!(
                    "a public workspace needs a `justification` of at least {JUSTIFICATION_MIN} characters saying why it should be joinable"
                ),
            ));
        }
        if input.expected_volume_bytes > crate::quota::MAX_BYTES {
            return Err(Error::invalid(
                "expected_volume_bytes",
                format!(
                    "`expected_volume_bytes` must be at most {}",
                    crate::quota::MAX_BYTES
                ),
            ));
        }
        let pending = self
            .creation_requests
            .creation_requests_by(&user.id)
            .await
            .map_err(records_error)?
            .into_iter()
            .filter(|request| request.state == CreationState::Pending)
            .count();
        if pending >= PENDING_REQUESTS_MAX {
            return Err(Error::Conflict(format!(
                "you already have {pending} workspace requests waiting for a decision (at most \
                 {PENDING_REQUESTS_MAX}); wait until a platform administrator decides"
            )));
        }
        let request = CreationRequest {
            id: CreationRequestId::generate(&self.ids.fresh()),
            requester: user.id.clone(),
            requester_email: user.email.clone(),
            name,
            description,
            visibility: input.visibility,
            expected_streams: input.expected_streams,
            expected_volume_bytes: input.expected_volume_bytes,
            justification,
            state: CreationState::Pending,
            created_at: self.clock.now(),
            decided_at: None,
        };
        self.creation_requests
            .put_creation_request(&request)
            .await
            .map_err(records_error)?;
        Ok(request)
    }

    /// The caller's own creation requests.
    pub async fn my_creation_requests(
        &self,
        principal: &Principal,
    ) -> Result<Vec<CreationRequest>> {
        let user = principal.user()?;
        self.creation_requests
            .creation_requests_by(&user.id)
            .await
            .map_err(records_error)
    }

    /// One creation request: visible to its requester and to platform administrators.
    pub async fn creation_request(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<CreationRequest> {
        let user = principal.user()?;
        let request = self.load_creation_request(id).await?;
        if request.requester != user.id && !principal.is_platform_admin() {
            return Err(Error::not_found(format!("workspace request {id}")));
        }
        Ok(request)
    }

    /// Every pending creation request (platform administrators).
    pub async fn pending_creation_requests(
        &self,
        principal: &Principal,
    ) -> Result<Vec<CreationRequest>> {
        principal.platform_admin()?;
        self.creation_requests
            .pending_creation_requests()
            .await
            .map_err(records_error)
    }

    /// Approves a pending request: creates the workspace with the plan, the requester as owner.
    pub async fn approve_creation_request(
        &self,
        principal: &Principal,
        id: &str,
        approval: Approval,
    ) -> Result<WorkspaceView> {
        principal.platform_admin()?;
        let request = self.pending_request(id).await?;
        let now = self.clock.now();
        let workspace = Workspace {
            id: WorkspaceId::generate(&self.ids.fresh()),
            name: request.name.clone(),
            description: request.description.clone(),
            visibility: request.visibility,
            plan: approval.plan,
            limits: approval.limits()?,
            status: Status::Active,
            created_at: now,
        };
        let owner = Member {
            workspace: workspace.id.clone(),
            user: request.requester.clone(),
            email: request.requester_email.clone(),
            role: Role::Owner,
            joined_at: now,
        };
        let decided = CreationRequest {
            state: CreationState::Approved {
                workspace: workspace.id.clone(),
                plan: approval.plan,
            },
            decided_at: Some(now),
            ..request
        };
        self.creation_requests
            .approve_creation_request(&decided, &workspace, &owner)
            .await
            .map_err(already_decided)?;
        self.views.view(workspace, None).await
    }

    /// Rejects a pending request with a reason the requester will see.
    pub async fn reject_creation_request(
        &self,
        principal: &Principal,
        id: &str,
        reason: &str,
    ) -> Result<CreationRequest> {
        principal.platform_admin()?;
        let reason = check_text("reason", reason, 1, REASON_MAX)?;
        let request = self.pending_request(id).await?;
        let decided = CreationRequest {
            state: CreationState::Rejected { reason },
            decided_at: Some(self.clock.now()),
            ..request
        };
        self.creation_requests
            .reject_creation_request(&decided)
            .await
            .map_err(already_decided)?;
        Ok(decided)
    }

    async fn load_creation_request(&self, id: &str) -> Result<CreationRequest> {
        let not_found = || Error::not_found(format!("workspace request {id}"));
        let parsed = CreationRequestId::parse(id).map_err(|_| not_found())?;
        self.creation_requests
            .creation_request(&parsed)
            .await
            .map_err(records_error)?
            .ok_or_else(not_found)
    }

    async fn pending_request(&self, id: &str) -> Result<CreationRequest> {
        let request = self.load_creation_request(id).await?;
        if request.state != CreationState::Pending {
            return Err(Error::Conflict(format!(
                "workspace request {id} has already been decided"
            )));
        }
        Ok(request)
    }
}

fn already_decided(error: RecordsError) -> Error {
    match error {
        RecordsError::ConditionFailed => {
            Error::Conflict("this workspace request has already been decided".to_owned())
        }
        other => records_error(other),
    }
}
