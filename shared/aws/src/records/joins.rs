//! Join requests: `JOIN#<id>` items of the workspace partition (JSON with their status
//! beside), listed per requester on GSI1. A `JOINPENDING#<user>` item exists while the user has
//! a pending request, so a second one fails its condition.

use async_trait::async_trait;
use tuilerie_core::ids::{JoinRequestId, UserId, WorkspaceId};
use tuilerie_core::ports::{JoinRequestRecords, RecordsError, RecordsResult};
use tuilerie_core::request::{JoinRequest, JoinState};
use tuilerie_core::workspace::Member;

use super::action::{key, Action};
use super::codec::{from_json, json, s, Item, DATA};
use super::keys::{self, GSI1_PK, GSI1_SK, JOIN_PREFIX, PK, SK};
use super::store::Target;
use super::workspaces::meta_key;
use super::{members, DynamoRecords};

/// Attempts before giving up on a membership that keeps appearing and disappearing.
const ATTEMPTS: usize = 5;

fn status(state: &JoinState) -> &'static str {
    match state {
        JoinState::Pending => "pending",
        JoinState::Accepted { .. } => "accepted",
        JoinState::Declined => "declined",
        JoinState::Withdrawn => "withdrawn",
    }
}

fn item(request: &JoinRequest) -> RecordsResult<Item> {
    Ok(Item::from([
        (PK.to_owned(), s(keys::workspace(&request.workspace))),
        (SK.to_owned(), s(keys::join(&request.id))),
        (DATA.to_owned(), json(request)?),
        ("status".to_owned(), s(status(&request.state))),
        (GSI1_PK.to_owned(), s(keys::user(&request.requester))),
        (
            GSI1_SK.to_owned(),
            s(keys::by_time(
                JOIN_PREFIX,
                &request.created_at,
                request.id.as_str(),
            )),
        ),
    ]))
}

fn guard_key(request: &JoinRequest) -> Item {
    key(
        keys::workspace(&request.workspace),
        keys::join_pending(&request.requester),
    )
}

fn sorted(items: Vec<Item>) -> RecordsResult<Vec<JoinRequest>> {
    let mut requests = items
        .iter()
        .map(from_json)
        .collect::<Result<Vec<JoinRequest>, _>>()?;
    requests.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(requests)
}

/// Stores a new pending request with its guard; the workspace must exist.
pub async fn create(records: &DynamoRecords, request: &JoinRequest) -> RecordsResult<()> {
    let mut guard = guard_key(request);
    guard.insert("request".to_owned(), s(request.id.as_str()));
    let actions = [
        Action::put(item(request)?).when("attribute_not_exists(pk)"),
        Action::put(guard).when("attribute_not_exists(pk)"),
        Action::check(meta_key(&request.workspace), "attribute_exists(pk)"),
    ];
    match records.run(&actions).await? {
        Ok(()) => Ok(()),
        Err(cancelled) if cancelled.failed(0) || cancelled.failed(1) => {
            Err(RecordsError::AlreadyExists)
        }
        Err(_) => Err(RecordsError::NotFound),
    }
}

/// A request by identifier.
pub async fn get(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    id: &JoinRequestId,
) -> RecordsResult<Option<JoinRequest>> {
    match records
        .get(&keys::workspace(workspace), &keys::join(id))
        .await?
    {
        Some(item) => Ok(Some(from_json(&item)?)),
        None => Ok(None),
    }
}

/// Every request of a workspace, oldest first.
pub async fn of_workspace(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
) -> RecordsResult<Vec<JoinRequest>> {
    let pk = keys::workspace(workspace);
    sorted(records.query(Target::Table, &pk, Some(JOIN_PREFIX)).await?)
}

/// Every request of a user, oldest first.
pub async fn of_user(records: &DynamoRecords, user: &UserId) -> RecordsResult<Vec<JoinRequest>> {
    let pk = keys::user(user);
    sorted(records.query(Target::Gsi1, &pk, Some(JOIN_PREFIX)).await?)
}

/// Closes a pending request, drops its guard and adds the new member unless they already are
/// one, in one transaction. A membership that appears meanwhile cancels it; it is then retried
/// without adding them.
pub async fn close(
    records: &DynamoRecords,
    closed: &JoinRequest,
    new_member: Option<&Member>,
) -> RecordsResult<()> {
    for _ in 0..ATTEMPTS {
        let mut actions = vec![
            Action::put(item(closed)?)
                .when("#status = :pending")
                .name("#status", "status")
                .value(":pending", s("pending")),
            Action::delete(guard_key(closed)),
        ];
        if let Some(member) = new_member {
            if members::get(records, &member.workspace, &member.user)
                .await?
                .is_none()
            {
                actions.extend(members::added(member));
            }
        }
        match records.run(&actions).await? {
            Ok(()) => return Ok(()),
            Err(cancelled) if cancelled.failed(0) => return Err(RecordsError::ConditionFailed),
            Err(cancelled) if cancelled.failed(3) => return Err(RecordsError::NotFound),
            Err(_) => continue,
        }
    }
    Err(RecordsError::ConditionFailed)
}

#[async_trait]
impl JoinRequestRecords for DynamoRecords {
    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()> {
        create(self, request).await
    }

    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>> {
        get(self, workspace, id).await
    }

    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>> {
        of_workspace(self, workspace).await
    }

    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>> {
        of_user(self, user).await
    }

    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()> {
        close(self, closed, new_member).await
    }
}
