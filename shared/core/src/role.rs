//! The four roles of a workspace and what each may do.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::{Error, Result};

/// A member's role in a workspace, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including renaming, changing visibility and deleting the workspace.
    Owner,
    /// Manages editors and viewers and decides join requests.
    Admin,
    /// Works on the data: upload, generate, publish, delete.
    Editor,
    /// Sees the workspace and its data.
    Viewer,
}

/// Something a member may try to do in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the workspace, its dashboard, data, usage and member list.
    View,
    /// Upload, integrate, generate, publish, manage styles and metadata, delete data.
    EditData,
    /// Add, re-role and remove members (further limited by [`Role::may_manage`]).
    ManageMembers,
    /// Accept or decline join requests.
    DecideJoinRequests,
    /// Rename, change description or visibility, delete the workspace.
    ManageWorkspace,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer];

    /// Parses a role name (`owner`, `admin`, `editor`, `viewer`).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "editor" => Ok(Self::Editor),
            "viewer" => Ok(Self::Viewer),
            other => Err(Error::invalid(
                "role",
                format!("`{other}` is not a role; use owner, admin, editor or viewer"),
            )),
        }
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
        }
    }

    /// Whether this role allows the action at all.
    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::View => true,
            Action::EditData => self <= Role::Editor,
            Action::ManageMembers | Action::DecideJoinRequests => self <= Role::Admin,
            Action::ManageWorkspace => self == Role::Owner,
        }
    }

    /// Whether a member with this role may act on a member holding `target` (change their role
    /// or remove them) or give someone the role `target`: owners act on anyone, admins only on
    /// editors and viewers.
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => matches!(target, Role::Editor | Role::Viewer),
            Role::Editor | Role::Viewer => false,
        }
    }

    /// The least powerful role allowed to do `action`, for error messages.
    pub fn needed_for(action: Action) -> Role {
        Role::ALL
            .into_iter()
            .rev()
            .find(|role| role.allows(action))
            .unwrap_or(Role::Owner)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_table_of_roles_holds() {
        use Action::*;
        let table = [
            (View, [true, true, true, true]),
            (EditData, [true, true, true, false]),
            (ManageMembers, [true, true, false, false]),
            (DecideJoinRequests, [true, true, false, false]),
            (ManageWorkspace, [true, false, false, false]),
        ];
        for (action, expected) in table {
            for (role, allowed) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(role.allows(action), allowed, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn admins_never_act_on_owners_or_admins() {
        assert!(!Role::Admin.may_manage(Role::Owner));
        assert!(!Role::Admin.may_manage(Role::Admin));
        assert!(Role::Admin.may_manage(Role::Editor));
        assert!(Role::Owner.may_manage(Role::Owner));
        assert!(!Role::Editor.may_manage(Role::Viewer));
    }

    #[test]
    fn roles_parse_case_insensitively_and_reject_others() {
        assert_eq!(Role::parse(" Editor ").unwrap(), Role::Editor);
        assert!(Role::parse("superuser").is_err());
        assert_eq!(Role::needed_for(Action::ManageMembers), Role::Admin);
    }
}
