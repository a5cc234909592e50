//! Join requests: at most one pending per workspace and user (a partial unique index), closed
//! once, together with the new membership.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use tuilerie_core::ids::{JoinRequestId, UserId, WorkspaceId};
use tuilerie_core::ports::RecordsError;
use tuilerie_core::ports::{JoinRequestRecords, RecordsResult};
use tuilerie_core::request::{JoinRequest, JoinState};
use tuilerie_core::workspace::Member;

use super::codec::{document, document_at, time};
use super::error::{insert_new, Outcome};
use super::SqliteRecords;
use super::{immediate, members};

fn pending(request: &JoinRequest) -> bool {
    request.state == JoinState::Pending
}

/// Stores a new request; [`RecordsError::AlreadyExists`] if its id is taken or the user
/// already has a pending request for the workspace.
pub(crate) fn create(connection: &Connection, request: &JoinRequest) -> Outcome<()> {
    insert_new(connection.execute(
        "INSERT INTO join_requests (workspace, id, requester, pending, created_at, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            request.workspace.as_str(),
            request.id.as_str(),
            request.requester.as_str(),
            pending(request),
            time(&request.created_at),
            document(request)?
        ],
    ))
}

/// A request by workspace and id.
pub(crate) fn one(
    connection: &Connection,
    workspace: &WorkspaceId,
    id: &JoinRequestId,
) -> Outcome<Option<JoinRequest>> {
    Ok(connection
        .query_row(
            "SELECT body FROM join_requests WHERE workspace = ?1 AND id = ?2",
            [workspace.as_str(), id.as_str()],
            |row| document_at(row, 0, "join_requests.body"),
        )
        .optional()?)
}

fn list(connection: &Connection, sql: &str, key: &str) -> Outcome<Vec<JoinRequest>> {
    let mut statement = connection.prepare_cached(sql)?;
    let rows = statement.query_map([key], |row| document_at(row, 0, "join_requests.body"))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every request of a workspace, oldest first.
pub(crate) fn of_workspace(
    connection: &Connection,
    workspace: &WorkspaceId,
) -> Outcome<Vec<JoinRequest>> {
    list(
        connection,
        "SELECT body FROM join_requests WHERE workspace = ?1 ORDER BY created_at, rowid",
        workspace.as_str(),
    )
}

/// Every request of a user, oldest first.
pub(crate) fn of_requester(connection: &Connection, user: &UserId) -> Outcome<Vec<JoinRequest>> {
    list(
        connection,
        "SELECT body FROM join_requests WHERE requester = ?1 ORDER BY created_at, rowid",
        user.as_str(),
    )
}

/// In one transaction: closes the pending request and adds the new member if absent.
pub(crate) fn close(
    connection: &mut Connection,
    closed: &JoinRequest,
    new_member: Option<&Member>,
) -> Outcome<()> {
    let transaction = immediate(connection)?;
    let changed = transaction.execute(
        "UPDATE join_requests SET pending = ?3, body = ?4 \
         WHERE workspace = ?1 AND id = ?2 AND pending = 1",
        params![
            closed.workspace.as_str(),
            closed.id.as_str(),
            pending(closed),
            document(closed)?
        ],
    )?;
    if changed == 0 {
        return Err(RecordsError::ConditionFailed.into());
    }
    if let Some(member) = new_member {
        members::insert_if_absent(&transaction, member)?;
    }
    transaction.commit()?;
    Ok(())
}

#[async_trait]
impl JoinRequestRecords for SqliteRecords {
    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()> {
        let request = request.clone();
        self.write(move |c| create(c, &request)).await
    }

    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.read(move |c| one(c, &workspace, &id)).await
    }

    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>> {
        let workspace = workspace.clone();
        self.read(move |c| of_workspace(c, &workspace)).await
    }

    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>> {
        let user = user.clone();
        self.read(move |c| of_requester(c, &user)).await
    }

    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()> {
        let (closed, new_member) = (closed.clone(), new_member.cloned());
        self.write(move |c| close(c, &closed, new_member.as_ref()))
            .await
    }
}
