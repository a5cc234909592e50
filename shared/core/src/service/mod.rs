//! The use cases of the product, one method each, over the ports.
//!
//! Every method takes the [`Principal`] making the request and enforces the rules of
//! PRODUCT.md: who may see and do what, and the invariants the records port keeps atomically.
//! Workspaces a caller may not see answer "not found", never "forbidden", so answers do not
//! reveal whether they exist.

mod joining;
mod membership;
mod quotas;
mod requests;
mod workspaces;

use std::sync::Arc;

use chrono::Duration;
use serde::Serialize;

pub use membership::AddedMembers;
pub use quotas::UsageView;
pub use requests::{Approval, NewCreationRequest};
pub use workspaces::{DirectoryEntry, WorkspacePatch, WorkspaceView};

use crate::error::{Error, Result};
use crate::ids::WorkspaceId;
use crate::ports::{Clock, Ids, Records, RecordsError};
use crate::role::{Action, Role};
use crate::user::{Claims, Principal, User};
use crate::workspace::{Member, Workspace};

/// How long a quota reservation lives before cleanup may release it.
pub const RESERVATION_LIFETIME: Duration = Duration::hours(24);

/// The product's use cases.
#[derive(Clone)]
pub struct Service {
    records: Arc<dyn Records>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

/// The caller's own account.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    /// The user.
    pub user: User,
    /// Whether they are a platform administrator.
    pub platform_admin: bool,
    /// Their workspaces with their role in each.
    pub workspaces: Vec<WorkspaceView>,
}

/// What a caller may do in a workspace they can see.
pub(crate) struct Access {
    pub(crate) user: User,
    pub(crate) workspace: Workspace,
    pub(crate) member: Member,
}

impl Service {
    /// Builds the service over its ports.
    pub fn new(records: Arc<dyn Records>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self {
            records,
            clock,
            ids,
        }
    }

    /// The records port, for adapters that need it directly (cleanup, demo seeding).
    pub fn records(&self) -> &Arc<dyn Records> {
        &self.records
    }

    /// Turns verified token claims into a principal, registering the user on their first call.
    pub async fn authenticate(&self, claims: Claims) -> Result<Principal> {
        let candidate = User {
            id: claims.sub,
            email: claims.email,
            registered_at: self.clock.now(),
        };
        let user = self
            .records
            .register_user(&candidate)
            .await
            .map_err(records_error)?;
        Ok(Principal::User {
            user,
            platform_admin: claims.platform_admin,
        })
    }

    /// The caller's account and workspaces.
    pub async fn me(&self, principal: &Principal) -> Result<Me> {
        let user = principal.user()?.clone();
        let workspaces = self.my_workspaces(principal).await?;
        Ok(Me {
            user,
            platform_admin: principal.is_platform_admin(),
            workspaces,
        })
    }

    /// Loads a workspace the caller is a member of, checking that their role allows `action`.
    pub(crate) async fn access(
        &self,
        principal: &Principal,
        workspace: &str,
        action: Action,
    ) -> Result<Access> {
        let user = principal.user()?.clone();
        let (workspace, member) = self.visible(&user, workspace).await?;
        let Some(member) = member else {
            return Err(not_found_workspace(&workspace.id));
        };
        if !member.role.allows(action) {
            return Err(Error::forbidden(format!(
                "this needs the {} role or higher in workspace {}; you are {}",
                Role::needed_for(action),
                workspace.id,
                member.role
            )));
        }
        Ok(Access {
            user,
            workspace,
            member,
        })
    }

    /// As [`Service::access`], for a change: also refuses it if the workspace is suspended.
    pub(crate) async fn writable(
        &self,
        principal: &Principal,
        workspace: &str,
        action: Action,
    ) -> Result<Access> {
        let access = self.access(principal, workspace, action).await?;
        access.workspace.ensure_active()?;
        Ok(access)
    }

    /// Loads a workspace and the user's membership, if any. Unknown ids are "not found".
    pub(crate) async fn visible(
        &self,
        user: &User,
        workspace: &str,
    ) -> Result<(Workspace, Option<Member>)> {
        let id = parse_workspace_id(workspace)?;
        let workspace = self
            .records
            .workspace(&id)
            .await
            .map_err(records_error)?
            .ok_or_else(|| not_found_workspace(&id))?;
        let member = self
            .records
            .member(&id, &user.id)
            .await
            .map_err(records_error)?;
        Ok((workspace, member))
    }

    /// A workspace a platform administrator manages, whether or not they are a member.
    pub(crate) async fn administered(
        &self,
        principal: &Principal,
        workspace: &str,
    ) -> Result<Workspace> {
        principal.platform_admin()?;
        let id = parse_workspace_id(workspace)?;
        self.records
            .workspace(&id)
            .await
            .map_err(records_error)?
            .ok_or_else(|| not_found_workspace(&id))
    }
}

/// Parses a workspace id from a URL; anything malformed is simply not found.
pub(crate) fn parse_workspace_id(text: &str) -> Result<WorkspaceId> {
    WorkspaceId::parse(text).map_err(|_| Error::not_found(format!("workspace {text}")))
}

pub(crate) fn not_found_workspace(id: &WorkspaceId) -> Error {
    Error::not_found(format!("workspace {id}"))
}

/// Maps a records failure with no more specific meaning to a use-case error.
pub(crate) fn records_error(error: RecordsError) -> Error {
    match error {
        RecordsError::NotFound => Error::not_found("record"),
        RecordsError::ConditionFailed | RecordsError::AlreadyExists => Error::Conflict(
            "this changed while you were working on it; reload and try again".to_owned(),
        ),
        RecordsError::LastOwner => Error::LastOwner,
        RecordsError::QuotaExceeded { held, limit } => {
            Error::Conflict(format!("quota exceeded: {held} held of {limit}"))
        }
        RecordsError::Unavailable(source) => Error::Transient(source),
        RecordsError::Backend(source) => Error::Internal(source),
    }
}
