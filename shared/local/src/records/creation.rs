//! Creation requests, and their approval together with the new workspace and its first owner.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use tuilerie_core::ids::{CreationRequestId, UserId};
use tuilerie_core::ports::RecordsError;
use tuilerie_core::ports::{CreationRequestRecords, RecordsResult};
use tuilerie_core::request::{CreationRequest, CreationState};
use tuilerie_core::workspace::{Member, Workspace};

use super::codec::{document, document_at, time};
use super::error::{insert_new, Outcome};
use super::SqliteRecords;
use super::{immediate, members, workspaces};

fn pending(request: &CreationRequest) -> bool {
    request.state == CreationState::Pending
}

/// Stores a new request; [`RecordsError::AlreadyExists`] if the id is taken.
pub(crate) fn put(connection: &Connection, request: &CreationRequest) -> Outcome<()> {
    insert_new(connection.execute(
        "INSERT INTO creation_requests (id, requester, pending, created_at, body) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            request.id.as_str(),
            request.requester.as_str(),
            pending(request),
            time(&request.created_at),
            document(request)?
        ],
    ))
}

/// A request by id.
pub(crate) fn by_id(
    connection: &Connection,
    id: &CreationRequestId,
) -> Outcome<Option<CreationRequest>> {
    Ok(connection
        .query_row(
            "SELECT body FROM creation_requests WHERE id = ?1",
            [id.as_str()],
            |row| document_at(row, 0, "creation_requests.body"),
        )
        .optional()?)
}

/// Every request of a requester, oldest first.
pub(crate) fn by_requester(
    connection: &Connection,
    requester: &UserId,
) -> Outcome<Vec<CreationRequest>> {
    let mut statement = connection.prepare_cached(
        "SELECT body FROM creation_requests WHERE requester = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map([requester.as_str()], |row| {
        document_at(row, 0, "creation_requests.body")
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every pending request, oldest first.
pub(crate) fn pending_ones(connection: &Connection) -> Outcome<Vec<CreationRequest>> {
    let mut statement = connection.prepare_cached(
        "SELECT body FROM creation_requests WHERE pending = 1 ORDER BY created_at, rowid",
    )?;
    let rows = statement.query_map([], |row| document_at(row, 0, "creation_requests.body"))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces a pending request by its decision; [`RecordsError::ConditionFailed`] if it is
/// not pending any more (or does not exist).
fn decide(connection: &Connection, decided: &CreationRequest) -> Outcome<()> {
    let changed = connection.execute(
        "UPDATE creation_requests SET pending = ?2, body = ?3 WHERE id = ?1 AND pending = 1",
        params![decided.id.as_str(), pending(decided), document(decided)?],
    )?;
    if changed == 0 {
        return Err(RecordsError::ConditionFailed.into());
    }
    Ok(())
}

/// In one transaction: decides the request, creates the workspace and its first owner.
pub(crate) fn approve(
    connection: &mut Connection,
    decided: &CreationRequest,
    workspace: &Workspace,
    owner: &Member,
) -> Outcome<()> {
    let transaction = immediate(connection)?;
    decide(&transaction, decided)?;
    workspaces::insert(&transaction, workspace)?;
    members::insert(&transaction, owner)?;
    transaction.commit()?;
    Ok(())
}

/// Records a rejection of a pending request.
pub(crate) fn reject(connection: &Connection, decided: &CreationRequest) -> Outcome<()> {
    decide(connection, decided)
}

#[async_trait]
impl CreationRequestRecords for SqliteRecords {
    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()> {
        let request = request.clone();
        self.write(move |c| put(c, &request)).await
    }

    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>> {
        let id = id.clone();
        self.read(move |c| by_id(c, &id)).await
    }

    async fn creation_requests_by(
        &self,
        requester: &UserId,
    ) -> RecordsResult<Vec<CreationRequest>> {
        let requester = requester.clone();
        self.read(move |c| by_requester(c, &requester)).await
    }

    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>> {
        self.read(pending_ones).await
    }

    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()> {
        let (decided, workspace, owner) = (decided.clone(), workspace.clone(), owner.clone());
        self.write(move |c| approve(c, &decided, &workspace, &owner))
            .await
    }

    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()> {
        let decided = decided.clone();
        self.write(move |c| reject(c, &decided)).await
    }
}
