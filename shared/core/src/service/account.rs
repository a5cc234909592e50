//! The caller's own account: registration on first sight, and what `/me` shows.

use std::sync::Arc;

use serde::Serialize;

use super::{records_error, WorkspaceService, WorkspaceView};
use crate::error::Result;
use crate::ports::{Clock, Ports, UserRecords};
use crate::user::{Claims, Principal, User};

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

/// Accounts: who is calling, and what they have.
#[derive(Clone)]
pub struct AccountService {
    users: Arc<dyn UserRecords>,
    clock: Arc<dyn Clock>,
    workspaces: WorkspaceService,
}

impl AccountService {
    /// The service over the user records of `ports`, listing workspaces through `workspaces`.
    pub fn new(ports: &Ports, workspaces: WorkspaceService) -> Self {
        Self {
            users: Arc::clone(&ports.users),
            clock: Arc::clone(&ports.clock),
            workspaces,
        }
    }

    /// Turns verified token claims into a principal, registering the user on their first call.
    pub async fn authenticate(&self, claims: Claims) -> Result<Principal> {
        let candidate = User {
            id: claims.sub,
            email: claims.email,
            registered_at: self.clock.now(),
        };
        let user = self
            .users
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
        let workspaces = self.workspaces.my_workspaces(principal).await?;
        Ok(Me {
            user,
            platform_admin: principal.is_platform_admin(),
            workspaces,
        })
    }
}
