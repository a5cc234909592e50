//! Creation requests (`CREQ#<id>`, kept as JSON with their status beside), listed per
//! requester on GSI1 and, while pending, on GSI2 under `PENDING`. Approval writes the decided
//! request, the workspace, its first owner and its usage counters in one transaction.

use async_trait::async_trait;
use tuilerie_core::ids::{CreationRequestId, UserId};
use tuilerie_core::ports::{CreationRequestRecords, RecordsError, RecordsResult};
use tuilerie_core::request::{CreationRequest, CreationState};
use tuilerie_core::role::Role;
use tuilerie_core::workspace::{Member, Workspace};

use super::action::Action;
use super::codec::{from_json, json, s, Item, DATA};
use super::keys::{self, CREQ_PREFIX, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, PENDING, PK, SELF, SK};
use super::store::Target;
use super::{members, quotas, workspaces, DynamoRecords};

/// Attribute holding a request's status, for conditions.
pub const STATUS: &str = "status";

fn status(state: &CreationState) -> &'static str {
    match state {
        CreationState::Pending => "pending",
        CreationState::Approved { .. } => "approved",
        CreationState::Rejected { .. } => "rejected",
    }
}

fn item(request: &CreationRequest) -> RecordsResult<Item> {
    let order = keys::by_time(CREQ_PREFIX, &request.created_at, request.id.as_str());
    let mut item = Item::from([
        (PK.to_owned(), s(keys::creation_request(&request.id))),
        (SK.to_owned(), s(SELF)),
        (DATA.to_owned(), json(request)?),
        (STATUS.to_owned(), s(status(&request.state))),
        (GSI1_PK.to_owned(), s(keys::user(&request.requester))),
        (GSI1_SK.to_owned(), s(order.clone())),
    ]);
    if request.state == CreationState::Pending {
        item.insert(GSI2_PK.to_owned(), s(PENDING));
        item.insert(GSI2_SK.to_owned(), s(order));
    }
    Ok(item)
}

/// Replaces a pending request by its decided state.
fn decide(decided: &CreationRequest) -> RecordsResult<Action> {
    Ok(Action::put(item(decided)?)
        .when("#status = :pending")
        .name("#status", STATUS)
        .value(":pending", s("pending")))
}

fn sorted(items: Vec<Item>) -> RecordsResult<Vec<CreationRequest>> {
    let mut requests = items
        .iter()
        .map(from_json)
        .collect::<Result<Vec<CreationRequest>, _>>()?;
    requests.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(requests)
}

/// Stores a new request.
pub async fn put(records: &DynamoRecords, request: &CreationRequest) -> RecordsResult<()> {
    let action = Action::put(item(request)?).when("attribute_not_exists(pk)");
    if records.write(action).await? {
        Ok(())
    } else {
        Err(RecordsError::AlreadyExists)
    }
}

/// A request by identifier.
pub async fn get(
    records: &DynamoRecords,
    id: &CreationRequestId,
) -> RecordsResult<Option<CreationRequest>> {
    match records.get(&keys::creation_request(id), SELF).await? {
        Some(item) => Ok(Some(from_json(&item)?)),
        None => Ok(None),
    }
}

/// Every request of a requester, oldest first.
pub async fn by(
    records: &DynamoRecords,
    requester: &UserId,
) -> RecordsResult<Vec<CreationRequest>> {
    let items = records
        .query(Target::Gsi1, &keys::user(requester), Some(CREQ_PREFIX))
        .await?;
    sorted(items)
}

/// Every pending request, oldest first.
pub async fn pending(records: &DynamoRecords) -> RecordsResult<Vec<CreationRequest>> {
    let items = records.query(Target::Gsi2, PENDING, None).await?;
    sorted(items)
}

/// Decides a pending request, creates the workspace and its first owner, in one transaction.
pub async fn approve(
    records: &DynamoRecords,
    decided: &CreationRequest,
    workspace: &Workspace,
    owner: &Member,
) -> RecordsResult<()> {
    let owners = u64::from(owner.role == Role::Owner);
    let actions = [
        decide(decided)?,
        Action::put(workspaces::item(workspace, owners)?).when("attribute_not_exists(pk)"),
        Action::put(members::item(owner)).when("attribute_not_exists(pk)"),
        Action::put(quotas::empty_usage(&workspace.id)).when("attribute_not_exists(pk)"),
    ];
    match records.transact(&actions).await? {
        Ok(()) => Ok(()),
        Err(cancelled) if cancelled.failed(0) => Err(RecordsError::ConditionFailed),
        Err(_) => Err(RecordsError::AlreadyExists),
    }
}

/// Marks a pending request as rejected.
pub async fn reject(records: &DynamoRecords, decided: &CreationRequest) -> RecordsResult<()> {
    if records.write(decide(decided)?).await? {
        Ok(())
    } else {
        Err(RecordsError::ConditionFailed)
    }
}

#[async_trait]
impl CreationRequestRecords for DynamoRecords {
    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()> {
        put(self, request).await
    }

    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>> {
        get(self, id).await
    }

    async fn creation_requests_by(
        &self,
        requester: &UserId,
    ) -> RecordsResult<Vec<CreationRequest>> {
        by(self, requester).await
    }

    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>> {
        pending(self).await
    }

    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()> {
        approve(self, decided, workspace, owner).await
    }

    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()> {
        reject(self, decided).await
    }
}
