//! Who may act on a workspace: loading it with the caller's membership and checking their
//! role, shared by every service that acts on workspaces.

use std::sync::Arc;

use super::{not_found_workspace, parse_workspace_id, records_error};
use crate::error::{Error, Result};
use crate::ports::{MemberRecords, Ports, WorkspaceRecords};
use crate::role::{Action, Role};
use crate::user::{Principal, User};
use crate::workspace::{Member, Workspace};

/// What a caller may do in a workspace they can see.
pub(crate) struct Access {
    pub(crate) user: User,
    pub(crate) workspace: Workspace,
    pub(crate) member: Member,
}

/// Loads workspaces with the caller's membership and checks what their role allows.
#[derive(Clone)]
pub struct Gate {
    workspaces: Arc<dyn WorkspaceRecords>,
    members: Arc<dyn MemberRecords>,
}

impl Gate {
    /// A gate over the workspace and member records of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            workspaces: Arc::clone(&ports.workspaces),
            members: Arc::clone(&ports.members),
        }
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

    /// As [`Gate::access`], for a change: also refuses it if the workspace is suspended.
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
            .workspaces
            .workspace(&id)
            .await
            .map_err(records_error)?
            .ok_or_else(|| not_found_workspace(&id))?;
        let member = self
            .members
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
        self.workspaces
            .workspace(&id)
            .await
            .map_err(records_error)?
            .ok_or_else(|| not_found_workspace(&id))
    }
}
