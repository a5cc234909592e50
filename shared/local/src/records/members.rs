//! Members: one row per workspace and user; role changes and removals keep at least one
//! owner.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tuilerie_core::ids::{UserId, WorkspaceId};
use tuilerie_core::ports::RecordsError;
use tuilerie_core::ports::{MemberRecords, RecordsResult};
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Member;

use super::codec::{text_at, time, time_at};
use super::error::{insert_new, Outcome};
use super::immediate;
use super::SqliteRecords;

const COLUMNS: &str = "workspace, user, email, role, joined_at";
const INSERT: &str = "INSERT INTO members (workspace, user, email, role, joined_at) \
                      VALUES (?1, ?2, ?3, ?4, ?5)";

fn member_at(row: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        workspace: text_at(row, 0, "members.workspace")?,
        user: text_at(row, 1, "members.user")?,
        email: text_at(row, 2, "members.email")?,
        role: text_at(row, 3, "members.role")?,
        joined_at: time_at(row, 4)?,
    })
}

fn execute_insert(connection: &Connection, sql: &str, member: &Member) -> rusqlite::Result<usize> {
    connection.execute(
        sql,
        params![
            member.workspace.as_str(),
            member.user.as_str(),
            member.email.as_str(),
            member.role.as_str(),
            time(&member.joined_at)
        ],
    )
}

/// Stores a new membership; [`RecordsError::AlreadyExists`] if the user is a member.
pub(crate) fn insert(connection: &Connection, member: &Member) -> Outcome<()> {
    insert_new(execute_insert(connection, INSERT, member))
}

/// Stores a membership unless the user is already a member; returns whether it was added.
pub(crate) fn insert_if_absent(connection: &Connection, member: &Member) -> Outcome<bool> {
    let sql = format!("{INSERT} ON CONFLICT (workspace, user) DO NOTHING");
    Ok(execute_insert(connection, &sql, member)? == 1)
}

/// One membership.
pub(crate) fn one(
    connection: &Connection,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Outcome<Option<Member>> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE workspace = ?1 AND user = ?2");
    Ok(connection
        .query_row(&sql, [workspace.as_str(), user.as_str()], member_at)
        .optional()?)
}

/// Every member of a workspace, by join time.
pub(crate) fn of_workspace(
    connection: &Connection,
    workspace: &WorkspaceId,
) -> Outcome<Vec<Member>> {
    let sql =
        format!("SELECT {COLUMNS} FROM members WHERE workspace = ?1 ORDER BY joined_at, rowid");
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([workspace.as_str()], member_at)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every membership of a user, by join time.
pub(crate) fn of_user(connection: &Connection, user: &UserId) -> Outcome<Vec<Member>> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE user = ?1 ORDER BY joined_at, rowid");
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([user.as_str()], member_at)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks that the member holds `expected` and that, if they are an owner losing that role,
/// another owner remains.
fn check(
    connection: &Connection,
    workspace: &WorkspaceId,
    user: &UserId,
    expected: Role,
    remains_owner: bool,
) -> Outcome<()> {
    let current: Option<Role> = connection
        .query_row(
            "SELECT role FROM members WHERE workspace = ?1 AND user = ?2",
            [workspace.as_str(), user.as_str()],
            |row| text_at(row, 0, "members.role"),
        )
        .optional()?;
    if current != Some(expected) {
        return Err(RecordsError::ConditionFailed.into());
    }
    if expected == Role::Owner && !remains_owner {
        let others: i64 = connection.query_row(
            "SELECT COUNT(*) FROM members WHERE workspace = ?1 AND role = ?2 AND user <> ?3",
            [workspace.as_str(), Role::Owner.as_str(), user.as_str()],
            |row| row.get(0),
        )?;
        if others == 0 {
            return Err(RecordsError::LastOwner.into());
        }
    }
    Ok(())
}

/// Changes a role from `from` to `to` in one transaction, keeping an owner.
pub(crate) fn change_role(
    connection: &mut Connection,
    workspace: &WorkspaceId,
    user: &UserId,
    from: Role,
    to: Role,
) -> Outcome<()> {
    let transaction = immediate(connection)?;
    check(&transaction, workspace, user, from, to == Role::Owner)?;
    transaction.execute(
        "UPDATE members SET role = ?3 WHERE workspace = ?1 AND user = ?2",
        [workspace.as_str(), user.as_str(), to.as_str()],
    )?;
    transaction.commit()?;
    Ok(())
}

/// Removes a member holding `expected` in one transaction, keeping an owner.
pub(crate) fn remove(
    connection: &mut Connection,
    workspace: &WorkspaceId,
    user: &UserId,
    expected: Role,
) -> Outcome<()> {
    let transaction = immediate(connection)?;
    check(&transaction, workspace, user, expected, false)?;
    transaction.execute(
        "DELETE FROM members WHERE workspace = ?1 AND user = ?2",
        [workspace.as_str(), user.as_str()],
    )?;
    transaction.commit()?;
    Ok(())
}

#[async_trait]
impl MemberRecords for SqliteRecords {
    async fn member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> RecordsResult<Option<Member>> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.read(move |c| one(c, &workspace, &user)).await
    }

    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>> {
        let workspace = workspace.clone();
        self.read(move |c| of_workspace(c, &workspace)).await
    }

    async fn add_member(&self, member: &Member) -> RecordsResult<bool> {
        let member = member.clone();
        self.write(move |c| insert_if_absent(c, &member)).await
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.write(move |c| change_role(c, &workspace, &user, from, to))
            .await
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.write(move |c| remove(c, &workspace, &user, expected))
            .await
    }
}
