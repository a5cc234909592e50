//! Quota books: usage counters and reservations.

use async_trait::async_trait;

use super::RecordsResult;
use crate::ids::{ReservationId, WorkspaceId};
use crate::quota::{Reservation, Usage};
use crate::storage::StorageType;

/// The records of quota use.
#[async_trait]
pub trait QuotaRecords: Send + Sync {
    /// Reserves `reservation.amount` bytes if used + reserved + amount ≤ `limit`.
    /// [`super::RecordsError::QuotaExceeded`] otherwise, with what was held.
    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()>;
    /// Turns a reservation into usage. [`super::RecordsError::NotFound`] if it was already
    /// committed, released or never existed.
    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation>;
    /// Turns a reservation into `amount` of usage and gives the rest back, for work that
    /// reserved an estimate. [`super::RecordsError::ConditionFailed`] if `amount` is more
    /// than was reserved; [`super::RecordsError::NotFound`] as for commit.
    async fn commit_reservation_as(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
        amount: u64,
    ) -> RecordsResult<Reservation>;
    /// Gives a reservation back. [`super::RecordsError::NotFound`] as for commit.
    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation>;
    /// Releases the reservations of every workspace that expired before `now`, oldest first,
    /// at most `limit`: their amounts are given back. The ones released.
    async fn release_expired(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> RecordsResult<Vec<Reservation>>;
    /// Open reservations of a workspace.
    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>>;
    /// Frees used bytes (data deleted). [`super::RecordsError::ConditionFailed`] if less is
    /// used.
    async fn free(
        &self,
        workspace: &WorkspaceId,
        storage: StorageType,
        amount: u64,
    ) -> RecordsResult<()>;
    /// What a workspace uses and reserves.
    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage>;
}
