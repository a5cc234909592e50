//! Workspaces: stored as a document with their name and visibility as columns, and deleted
//! with everything keyed by them.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use tuilerie_core::ids::{UserId, WorkspaceId};
use tuilerie_core::ports::{RecordsError, RecordsResult, WorkspaceRecords};
use tuilerie_core::workspace::{Member, Status, Visibility, Workspace, WorkspaceChange};

use super::codec::{document, document_at};
use super::error::{insert_new, Outcome};
use super::{immediate, members, SqliteRecords};

/// Tables holding rows keyed by a workspace, all emptied when it is deleted.
const OWNED_TABLES: [&str; 4] = ["members", "join_requests", "usage", "reservations"];

fn public(workspace: &Workspace) -> bool {
    workspace.visibility == Visibility::Public
}

/// Stores a new workspace; [`RecordsError::AlreadyExists`] if the id is taken.
pub(crate) fn insert(connection: &Connection, workspace: &Workspace) -> Outcome<()> {
    insert_new(connection.execute(
        "INSERT INTO workspaces (id, name, public, body) VALUES (?1, ?2, ?3, ?4)",
        params![
            workspace.id.as_str(),
            workspace.name,
            public(workspace),
            document(workspace)?
        ],
    ))
}

/// A workspace by id.
pub(crate) fn by_id(connection: &Connection, id: &WorkspaceId) -> Outcome<Option<Workspace>> {
    Ok(connection
        .query_row(
            "SELECT body FROM workspaces WHERE id = ?1",
            [id.as_str()],
            |row| document_at(row, 0, "workspaces.body"),
        )
        .optional()?)
}

/// Replaces the mutable fields, keeping the identifier and creation time.
pub(crate) fn update(
    connection: &mut Connection,
    id: &WorkspaceId,
    change: &WorkspaceChange,
) -> Outcome<Workspace> {
    let transaction = immediate(connection)?;
    let Some(mut updated) = by_id(&transaction, id)? else {
        return Err(RecordsError::NotFound.into());
    };
    if let Some(owner) = change.owner() {
        let role: Option<String> = transaction
            .query_row(
                "SELECT role FROM members WHERE workspace = ?1 AND user = ?2",
                [id.as_str(), owner.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if role.as_deref() != Some("owner") || updated.status != Status::Active {
            return Err(RecordsError::ConditionFailed.into());
        }
    }
    change.apply(&mut updated);
    transaction.execute(
        "UPDATE workspaces SET name = ?2, public = ?3, body = ?4 WHERE id = ?1",
        params![
            updated.id.as_str(),
            updated.name,
            public(&updated),
            document(&updated)?
        ],
    )?;
    transaction.commit()?;
    Ok(updated)
}

/// Deletes a workspace and every row keyed by it.
pub(crate) fn delete(connection: &mut Connection, id: &WorkspaceId) -> Outcome<()> {
    let transaction = immediate(connection)?;
    for table in OWNED_TABLES {
        transaction.execute(
            &format!("DELETE FROM {table} WHERE workspace = ?1"),
            [id.as_str()],
        )?;
    }
    transaction.execute("DELETE FROM workspaces WHERE id = ?1", [id.as_str()])?;
    transaction.commit()?;
    Ok(())
}

/// Every public workspace, by name.
pub(crate) fn public_ones(connection: &Connection) -> Outcome<Vec<Workspace>> {
    let mut statement = connection
        .prepare_cached("SELECT body FROM workspaces WHERE public = 1 ORDER BY name, id")?;
    let rows = statement.query_map([], |row| document_at(row, 0, "workspaces.body"))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[async_trait]
impl WorkspaceRecords for SqliteRecords {
    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>> {
        let id = id.clone();
        self.read(move |c| by_id(c, &id)).await
    }

    async fn update_workspace(
        &self,
        id: &WorkspaceId,
        change: &WorkspaceChange,
    ) -> RecordsResult<Workspace> {
        let (id, change) = (id.clone(), change.clone());
        self.write(move |c| update(c, &id, &change)).await
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()> {
        let id = id.clone();
        self.write(move |c| delete(c, &id)).await
    }

    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>> {
        self.read(public_ones).await
    }

    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>> {
        let user = user.clone();
        self.read(move |c| members::of_user(c, &user)).await
    }
}
