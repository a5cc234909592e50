//! The whole records store, for callers that need every aggregate, and [`Ports`], one
//! implementation of each port.

use std::sync::Arc;

use super::{
    BlobStores, Clock, CreationRequestRecords, Ids, ItemRecords, JoinRequestRecords, MemberRecords,
    QuotaRecords, TileArchives, UserRecords, Workflows, WorkspaceRecords,
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
    + ItemRecords
{
}

impl<T> Records for T where
    T: UserRecords
        + CreationRequestRecords
        + WorkspaceRecords
        + MemberRecords
        + JoinRequestRecords
        + QuotaRecords
        + ItemRecords
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
    /// Data items and where their bytes are.
    pub pipeline: PipelinePorts,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// New identifiers.
    pub ids: Arc<dyn Ids>,
}

impl Ports {
    /// Every records port from one store, with a clock and identifiers.
    pub fn new(
        records: Arc<dyn Records>,
        pipeline: PipelinePorts,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn Ids>,
    ) -> Self {
        Self {
            users: records.clone(),
            creation_requests: records.clone(),
            workspaces: records.clone(),
            members: records.clone(),
            join_requests: records.clone(),
            quotas: records,
            pipeline,
            clock,
            ids,
        }
    }
}

/// What the pipeline needs beyond the workspace records: its items, the object stores, the
/// job runner and tile reads.
#[derive(Clone)]
pub struct PipelinePorts {
    /// Uploads, databases, pyramids.
    pub items: Arc<dyn ItemRecords>,
    /// One object store per storage type.
    pub blobs: BlobStores,
    /// Starts and stops jobs.
    pub workflows: Arc<dyn Workflows>,
    /// Reads tiles of stored archives.
    pub archives: Arc<dyn TileArchives>,
}
