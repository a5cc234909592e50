//! Quota counters and reservations.
//!
//! The `USAGE` item of a workspace holds, per quota, `held_<quota>` (used plus reserved: what
//! counts against the limit), `reserved_<quota>` and `used_<quota>`. A reservation is one
//! transaction: add to `held` and `reserved` under the condition `held <= limit - amount`
//! (computed here: DynamoDB conditions cannot add), and put the `RES#<id>` item. Commit and
//! release delete that item (it must exist) and move the counters in one transaction.

use async_trait::async_trait;
use tuilerie_core::ids::{ReservationId, WorkspaceId};
use tuilerie_core::ports::{QuotaRecords, RecordsError, RecordsResult};
use tuilerie_core::quota::{Quota, Reservation, Usage};
use tuilerie_core::storage::StorageType;

use super::action::{key, Action};
use super::codec::{from_json, get_n_or_zero, json, minus, n, s, Item, DATA};
use super::keys::{self, GSI2_PK, GSI2_SK, PK, RES_PREFIX, SK, USAGE};
use super::store::Target;
use super::DynamoRecords;

/// GSI2 partition of open reservations, sorted by expiry.
const RESERVATIONS: &str = "RESERVATIONS";

fn usage_key(workspace: &WorkspaceId) -> Item {
    key(keys::workspace(workspace), USAGE)
}

/// The `USAGE` item of a new workspace: every counter at zero.
pub fn empty_usage(workspace: &WorkspaceId) -> Item {
    let mut item = usage_key(workspace);
    for quota in Quota::ALL {
        for name in [keys::held(quota), keys::reserved(quota), keys::used(quota)] {
            item.insert(name, n(0));
        }
    }
    item
}

/// An open reservation. It has no time to live: an expired one is released by
/// [`release_expired`] (which gives its amount back and deletes it), never dropped by the table
/// while its amount is still held. It is listed on GSI2 under `RESERVATIONS` by expiry.
fn reservation_item(reservation: &Reservation) -> RecordsResult<Item> {
    Ok(Item::from([
        (PK.to_owned(), s(keys::workspace(&reservation.workspace))),
        (SK.to_owned(), s(keys::reservation(&reservation.id))),
        (DATA.to_owned(), json(reservation)?),
        (GSI2_PK.to_owned(), s(RESERVATIONS)),
        (
            GSI2_SK.to_owned(),
            s(keys::by_time(
                "",
                &reservation.expires_at,
                reservation.id.as_str(),
            )),
        ),
    ]))
}

/// Releases reservations of any workspace that expired before `now`, at most `limit`.
pub async fn release_expired(
    records: &DynamoRecords,
    now: chrono::DateTime<chrono::Utc>,
    limit: usize,
) -> RecordsResult<Vec<Reservation>> {
    let listed = records
        .query_below(Target::Gsi2, RESERVATIONS, &keys::time(&now))
        .await?;
    let mut released = Vec::new();
    for entry in listed.iter().take(limit) {
        let reservation: Reservation = from_json(entry)?;
        match release(records, &reservation.workspace, &reservation.id).await {
            Ok(done) => released.push(done),
            Err(RecordsError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(released)
}

/// Used plus reserved amount of a quota, read consistently.
async fn held(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    quota: Quota,
) -> RecordsResult<u64> {
    match records.get(&keys::workspace(workspace), USAGE).await? {
        Some(item) => Ok(get_n_or_zero(&item, &keys::held(quota))?),
        None => Err(RecordsError::NotFound),
    }
}

/// Reserves an amount if it fits under the limit.
pub async fn reserve(
    records: &DynamoRecords,
    reservation: &Reservation,
    limit: u64,
) -> RecordsResult<()> {
    let workspace = &reservation.workspace;
    let quota = Quota::Storage(reservation.quota);
    let Some(most_held_before) = limit.checked_sub(reservation.amount) else {
        let held = held(records, workspace, quota).await?;
        return Err(RecordsError::QuotaExceeded { held, limit });
    };
    let actions = [
        Action::update(usage_key(workspace), "ADD #held :amount, #reserved :amount")
            .when("attribute_exists(pk) AND #held <= :most")
            .name("#held", keys::held(quota))
            .name("#reserved", keys::reserved(quota))
            .value(":amount", n(reservation.amount))
            .value(":most", n(most_held_before)),
        Action::put(reservation_item(reservation)?).when("attribute_not_exists(pk)"),
    ];
    match records.run(&actions).await? {
        Ok(()) => Ok(()),
        Err(cancelled) if cancelled.failed(0) => {
            let held = held(records, workspace, quota).await?;
            Err(RecordsError::QuotaExceeded { held, limit })
        }
        Err(_) => Err(RecordsError::AlreadyExists),
    }
}

/// Ends a reservation: deletes it and moves its amount to used (`committed`) or gives it back,
/// in one transaction.
async fn end(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    id: &ReservationId,
    used: Used,
) -> RecordsResult<Reservation> {
    let Some(item) = records
        .get(&keys::workspace(workspace), &keys::reservation(id))
        .await?
    else {
        return Err(RecordsError::NotFound);
    };
    let reservation: Reservation = from_json(&item)?;
    let quota = Quota::Storage(reservation.quota);
    let used = match used {
        Used::All => Some(reservation.amount),
        Used::Nothing => None,
        Used::Only(part) if part > reservation.amount => return Err(RecordsError::ConditionFailed),
        Used::Only(part) => Some(part),
    };
    let counters = match used {
        Some(used) => Action::update(
            usage_key(workspace),
            "ADD #reserved :minus, #used :amount, #held :back",
        )
        .name("#used", keys::used(quota))
        .name("#held", keys::held(quota))
        .value(":amount", n(used))
        .value(":back", signed_minus(reservation.amount - used)),
        None => Action::update(usage_key(workspace), "ADD #reserved :minus, #held :minus")
            .name("#held", keys::held(quota)),
    };
    let actions = [
        Action::delete(key(keys::workspace(workspace), keys::reservation(id)))
            .when("attribute_exists(pk)"),
        counters
            .when("attribute_exists(pk)")
            .name("#reserved", keys::reserved(quota))
            .value(":minus", minus(reservation.amount)),
    ];
    match records.run(&actions).await? {
        Ok(()) => Ok(reservation),
        Err(_) => Err(RecordsError::NotFound),
    }
}

/// `-value`, written `0` for zero.
fn signed_minus(value: u64) -> aws_sdk_dynamodb::types::AttributeValue {
    if value == 0 {
        n(0)
    } else {
        minus(value)
    }
}

/// How much of a reservation becomes usage when it ends.
enum Used {
    All,
    Nothing,
    Only(u64),
}

/// Turns `used` of a reservation (at most all) into usage and gives the rest back.
pub async fn commit_as(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    id: &ReservationId,
    used: u64,
) -> RecordsResult<Reservation> {
    end(records, workspace, id, Used::Only(used)).await
}

/// Turns a reservation into usage.
pub async fn commit(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    id: &ReservationId,
) -> RecordsResult<Reservation> {
    end(records, workspace, id, Used::All).await
}

/// Gives a reservation back.
pub async fn release(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    id: &ReservationId,
) -> RecordsResult<Reservation> {
    end(records, workspace, id, Used::Nothing).await
}

/// Open reservations of a workspace, oldest first.
pub async fn open(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
) -> RecordsResult<Vec<Reservation>> {
    let pk = keys::workspace(workspace);
    let items = records.query(Target::Table, &pk, Some(RES_PREFIX)).await?;
    let mut reservations = items
        .iter()
        .map(from_json)
        .collect::<Result<Vec<Reservation>, _>>()?;
    reservations.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(reservations)
}

/// Frees used amount if that much is used.
pub async fn free(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    storage: StorageType,
    amount: u64,
) -> RecordsResult<()> {
    let quota = Quota::Storage(storage);
    let action = Action::update(usage_key(workspace), "ADD #used :minus, #held :minus")
        .when("#used >= :amount")
        .name("#used", keys::used(quota))
        .name("#held", keys::held(quota))
        .value(":minus", minus(amount))
        .value(":amount", n(amount));
    if records.write(action).await? {
        Ok(())
    } else {
        Err(RecordsError::ConditionFailed)
    }
}

/// What a workspace uses and reserves; quotas at zero are left out.
pub async fn usage(records: &DynamoRecords, workspace: &WorkspaceId) -> RecordsResult<Usage> {
    let mut usage = Usage::default();
    let Some(item) = records.get(&keys::workspace(workspace), USAGE).await? else {
        return Ok(usage);
    };
    for quota in Quota::ALL {
        let used = get_n_or_zero(&item, &keys::used(quota))?;
        let reserved = get_n_or_zero(&item, &keys::reserved(quota))?;
        if used > 0 {
            usage.used.insert(quota, used);
        }
        if reserved > 0 {
            usage.reserved.insert(quota, reserved);
        }
    }
    Ok(usage)
}

#[async_trait]
impl QuotaRecords for DynamoRecords {
    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()> {
        reserve(self, reservation, limit).await
    }

    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        commit(self, workspace, id).await
    }

    async fn commit_reservation_as(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
        used: u64,
    ) -> RecordsResult<Reservation> {
        commit_as(self, workspace, id, used).await
    }

    async fn release_expired(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> RecordsResult<Vec<Reservation>> {
        release_expired(self, now, limit).await
    }

    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        release(self, workspace, id).await
    }

    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>> {
        open(self, workspace).await
    }

    async fn free(
        &self,
        workspace: &WorkspaceId,
        storage: StorageType,
        amount: u64,
    ) -> RecordsResult<()> {
        free(self, workspace, storage, amount).await
    }

    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage> {
        usage(self, workspace).await
    }
}
