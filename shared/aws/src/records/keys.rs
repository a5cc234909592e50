//! Key and index values of the single table.
//!
//! Every item has `pk` and `sk`. Workspace items share `pk = WS#<id>`; users live under
//! `USER#<id>`, e-mail lookups under `EMAIL#<address>`, creation requests under `CREQ#<id>`.
//! GSI1 (`gsi1pk = USER#<id>`) lists what belongs to a user (memberships, join and creation
//! requests); GSI2 lists pending creation requests (`PENDING`) and public workspaces (`PUBLIC`).

use chrono::{DateTime, SecondsFormat, Utc};
use tuilerie_core::ids::{
    CreationRequestId, Email, JoinRequestId, ReservationId, UserId, WorkspaceId,
};

/// Partition key attribute.
pub const PK: &str = "pk";
/// Sort key attribute.
pub const SK: &str = "sk";
/// First index: what belongs to a user.
pub const GSI1: &str = "gsi1";
/// Partition key of the first index.
pub const GSI1_PK: &str = "gsi1pk";
/// Sort key of the first index.
pub const GSI1_SK: &str = "gsi1sk";
/// Second index: pending creation requests and public workspaces.
pub const GSI2: &str = "gsi2";
/// Partition key of the second index.
pub const GSI2_PK: &str = "gsi2pk";
/// Sort key of the second index.
pub const GSI2_SK: &str = "gsi2sk";
/// Expiry time (epoch seconds) read by DynamoDB's time to live.
pub const TTL: &str = "expires_at_epoch";

/// GSI2 partition of pending creation requests.
pub const PENDING: &str = "PENDING";
/// GSI2 partition of public workspaces.
pub const PUBLIC: &str = "PUBLIC";

/// Sort key of a workspace's own item.
pub const META: &str = "META";
/// Sort key of a workspace's usage counters.
pub const USAGE: &str = "USAGE";
/// Sort key of a user's item and of an e-mail lookup item.
pub const SELF: &str = "SELF";
/// Sort key prefix of memberships.
pub const MEMBER_PREFIX: &str = "MEMBER#";
/// Sort key prefix of join requests.
pub const JOIN_PREFIX: &str = "JOIN#";
/// Sort key prefix of reservations.
pub const RES_PREFIX: &str = "RES#";
/// GSI1 sort key prefix of creation requests.
pub const CREQ_PREFIX: &str = "CREQ#";

/// Partition of a workspace.
pub fn workspace(id: &WorkspaceId) -> String {
    format!("WS#{id}")
}

/// Partition of a user (and GSI1 partition of what belongs to them).
pub fn user(id: &UserId) -> String {
    format!("USER#{id}")
}

/// Partition of an e-mail lookup item.
pub fn email(address: &Email) -> String {
    format!("EMAIL#{address}")
}

/// Partition of a creation request.
pub fn creation_request(id: &CreationRequestId) -> String {
    format!("{CREQ_PREFIX}{id}")
}

/// Sort key of a membership.
pub fn member(user: &UserId) -> String {
    format!("{MEMBER_PREFIX}{user}")
}

/// Sort key of a join request.
pub fn join(id: &JoinRequestId) -> String {
    format!("{JOIN_PREFIX}{id}")
}

/// Sort key of the guard that allows one pending join request per user and workspace.
pub fn join_pending(user: &UserId) -> String {
    format!("JOINPENDING#{user}")
}

/// Sort key of a reservation.
pub fn reservation(id: &ReservationId) -> String {
    format!("{RES_PREFIX}{id}")
}

/// A time as fixed-width text, so that text order is time order.
pub fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// An index sort key ordered by time, then identifier.
pub fn by_time(prefix: &str, at: &DateTime<Utc>, id: &str) -> String {
    format!("{prefix}{}#{id}", time(at))
}

/// Counter of used plus reserved amount of a quota.
pub fn held(quota: impl Into<tuilerie_core::quota::Quota>) -> String {
    format!("held_{}", quota.into())
}

/// Counter of the reserved amount of a quota.
pub fn reserved(quota: impl Into<tuilerie_core::quota::Quota>) -> String {
    format!("reserved_{}", quota.into())
}

/// Counter of the used amount of a quota.
pub fn used(quota: impl Into<tuilerie_core::quota::Quota>) -> String {
    format!("used_{}", quota.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn time_keys_sort_like_times() {
        let early = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 9).unwrap();
        let late = early + chrono::Duration::milliseconds(1_500);
        assert!(time(&early) < time(&late));
        assert_eq!(time(&early).len(), time(&late).len());
    }
}
