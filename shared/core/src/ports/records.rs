//! The whole records store, for callers that need every aggregate, and [`Ports`], one
//! implementation of each port.

use std::sync::Arc;

use super::{
    Clock, CreationRequestRecords, Ids, JoinRequestRecords, MemberRecords, QuotaRecords,
    UserRecords, WorkspaceRecords,
};

/// Every records capability: what a store implements, and what a caller needing all of them
/// (seeding, cleanup, contract tests) asks for. Implemented for anything that has them all.
pub trait Records:
    UserRecords
    + CreationRequestRecords
    + WorkspaceRecords
    + MemberRecords
    + JoinRequestRecords
    + QuotaRecords
{
}

impl<T> Records for T where
    T: UserRecords
        + CreationRequestRecords
        + WorkspaceRecords
        + MemberRecords
        + JoinRequestRecords
        + QuotaRecords
{
}

/// One implementation of each port, from which every service takes what it needs.
#[derive(Clone)]
pub struct Ports {
    /// Users.
    pub users: Arc<dyn UserRecords>,
    /// Workspace creation requests.
    pub creation_requests: Arc<dyn CreationRequestRecords>,
    /// Workspaces.
    pub workspaces: Arc<dyn WorkspaceRecords>,
    /// Memberships.
    pub members: Arc<dyn MemberRecords>,
    /// Join requests.
    pub join_requests: Arc<dyn JoinRequestRecords>,
    /// Quota books.
    pub quotas: Arc<dyn QuotaRecords>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// New identifiers.
    pub ids: Arc<dyn Ids>,
}

impl Ports {
    /// Every records port from one store, with a clock and identifiers.
    pub fn new(records: Arc<dyn Records>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self {
            users: records.clone(),
            creation_requests: records.clone(),
            workspaces: records.clone(),
            members: records.clone(),
            join_requests: records.clone(),
            quotas: records,
            clock,
            ids,
        }
    }
}
