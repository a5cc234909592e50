//! Members and roles: adding several registered users at once, changing roles, removing
//! members, leaving. Owners act on anyone; admins only on editors and viewers; nobody changes
//! their own role; a workspace always keeps an owner.

use serde::Serialize;

use std::sync::Arc;

use super::access::Access;
use super::{records_error, Gate};
use crate::error::{Error, Result};
use crate::ids::{Email, UserId};
use crate::ports::RecordsError;
use crate::ports::{Clock, MemberRecords, Ports, UserRecords};
use crate::role::{Action, Role};
use crate::user::Principal;
use crate::workspace::Member;

/// Most addresses one call may add.
pub const EMAILS_MAX: usize = 100;

/// Outcome of adding members.
#[derive(Debug, Clone, Serialize)]
pub struct AddedMembers {
    /// Members added.
    pub added: Vec<Member>,
    /// Addresses of users who already were members (their role is unchanged).
    pub already_members: Vec<Email>,
}

/// Members and roles of workspaces.
#[derive(Clone)]
pub struct MemberService {
    gate: Gate,
    members: Arc<dyn MemberRecords>,
    users: Arc<dyn UserRecords>,
    clock: Arc<dyn Clock>,
}

impl MemberService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            gate: Gate::new(ports),
            members: Arc::clone(&ports.members),
            users: Arc::clone(&ports.users),
            clock: Arc::clone(&ports.clock),
        }
    }

    /// Every member of a workspace.
    pub async fn members(&self, principal: &Principal, workspace: &str) -> Result<Vec<Member>> {
        let access = self.gate.access(principal, workspace, Action::View).await?;
        self.members
            .members(&access.workspace.id)
            .await
            .map_err(records_error)
    }

    /// Adds registered users, by e-mail address, with one role. Nothing is added if any
    /// address is unknown or invalid.
    pub async fn add_members(
        &self,
        principal: &Principal,
        workspace: &str,
        emails: &[String],
        role: Role,
    ) -> Result<AddedMembers> {
        let access = self
            .gate
            .writable(principal, workspace, Action::ManageMembers)
            .await?;
        if !access.member.role.may_manage(role) {
            return Err(Error::forbidden(format!(
                "as {} you may only add editors and viewers",
                access.member.role
            )));
        }
        if emails.is_empty() || emails.len() > EMAILS_MAX {
            return Err(Error::invalid(
                "emails",
                format!("give between 1 and {EMAILS_MAX} e-mail addresses"),
            ));
        }
        let mut parsed: Vec<Email> = Vec::with_capacity(emails.len());
        for text in emails {
            let email = Email::parse(text)?;
            if !parsed.contains(&email) {
                parsed.push(email);
            }
        }
        let mut users = Vec::with_capacity(parsed.len());
        let mut unknown = Vec::new();
        for email in &parsed {
            match self
                .users
                .user_by_email(email)
                .await
                .map_err(records_error)?
            {
                Some(user) => users.push(user),
                None => unknown.push(email.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::UnknownEmails(unknown));
        }
        let mut outcome = AddedMembers {
            added: Vec::new(),
            already_members: Vec::new(),
        };
        for user in users {
            let member = Member {
                workspace: access.workspace.id.clone(),
                user: user.id,
                email: user.email,
                role,
                joined_at: self.clock.now(),
            };
            if self
                .members
                .add_member(&member)
                .await
                .map_err(records_error)?
            {
                outcome.added.push(member);
            } else {
                outcome.already_members.push(member.email);
            }
        }
        Ok(outcome)
    }

    /// Changes another member's role.
    pub async fn change_role(
        &self,
        principal: &Principal,
        workspace: &str,
        user: &str,
        role: Role,
    ) -> Result<Member> {
        let (access, target) = self
            .managed_member(
                principal,
                workspace,
                user,
                "nobody changes their own role: ask another owner",
            )
            .await?;
        let actor = access.member.role;
        if !actor.may_manage(role) {
            return Err(Error::forbidden(format!(
                "as {actor} you may only make members editors or viewers"
            )));
        }
        self.members
            .change_role(&access.workspace.id, &target.user, target.role, role)
            .await
            .map_err(membership_error)?;
        Ok(Member { role, ..target })
    }

    /// Removes another member.
    pub async fn remove_member(
        &self,
        principal: &Principal,
        workspace: &str,
        user: &str,
    ) -> Result<()> {
        let (access, target) = self
            .managed_member(
                principal,
                workspace,
                user,
                "to remove yourself, leave the workspace instead",
            )
            .await?;
        self.members
            .remove_member(&access.workspace.id, &target.user, target.role)
            .await
            .map_err(membership_error)
    }

    /// Loads another member the caller may act on: never themselves (`self_message` says why),
    /// and for admins only editors and viewers.
    async fn managed_member(
        &self,
        principal: &Principal,
        workspace: &str,
        user: &str,
        self_message: &str,
    ) -> Result<(Access, Member)> {
        let access = self
            .gate
            .writable(principal, workspace, Action::ManageMembers)
            .await?;
        let target = self.target(&access.workspace.id, user).await?;
        if target.user == access.user.id {
            return Err(Error::forbidden(self_message));
        }
        let actor = access.member.role;
        if !actor.may_manage(target.role) {
            return Err(Error::forbidden(format!(
                "as {actor} you may only act on editors and viewers"
            )));
        }
        Ok((access, target))
    }

    /// Leaves a workspace (not as its last owner).
    pub async fn leave(&self, principal: &Principal, workspace: &str) -> Result<()> {
        let access = self
            .gate
            .writable(principal, workspace, Action::View)
            .await?;
        self.members
            .remove_member(&access.workspace.id, &access.user.id, access.member.role)
            .await
            .map_err(membership_error)
    }

    async fn target(&self, workspace: &crate::ids::WorkspaceId, user: &str) -> Result<Member> {
        let not_found = || Error::not_found(format!("member {user}"));
        let id = UserId::parse(user).map_err(|_| not_found())?;
        self.members
            .member(workspace, &id)
            .await
            .map_err(records_error)?
            .ok_or_else(not_found)
    }
}

fn membership_error(error: RecordsError) -> Error {
    match error {
        RecordsError::ConditionFailed | RecordsError::NotFound => Error::Conflict(
            "this member's role changed meanwhile; reload the member list and try again".to_owned(),
        ),
        other => records_error(other),
    }
}
