//! The ports: what the use cases need from the outside world.
//!
//! Each port has a local adapter (SQLite, files) and an AWS adapter (DynamoDB, S3, ...), and
//! both pass the same contract tests. Every [`Records`] operation is atomic: DynamoDB does it in
//! one conditional write or one transaction, SQLite in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ids::{CreationRequestId, Email, JoinRequestId, ReservationId, UserId, WorkspaceId};
use crate::quota::{Quota, Reservation, Usage};
use crate::request::{CreationRequest, JoinRequest};
use crate::role::Role;
use crate::user::User;
use crate::workspace::{Member, Workspace};

/// Result of a records operation.
pub type RecordsResult<T> = std::result::Result<T, RecordsError>;

/// Why a records operation did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordsError {
    /// The item to read or change does not exist.
    #[error("record not found")]
    NotFound,
    /// The item is not in the expected state any more (compare-and-set failed).
    #[error("record changed concurrently or is not in the expected state")]
    ConditionFailed,
    /// An item with the same key already exists.
    #[error("record already exists")]
    AlreadyExists,
    /// The change would leave a workspace without an owner.
    #[error("the workspace would have no owner left")]
    LastOwner,
    /// A reservation would exceed the limit.
    #[error("quota exceeded: {held} held of {limit}")]
    QuotaExceeded {
        /// Used plus reserved before this reservation.
        held: u64,
        /// The limit.
        limit: u64,
    },
    /// The back end is temporarily unavailable (throttling, timeout, connection).
    #[error("records back end temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The back end failed permanently (bad request, corrupt data).
    #[error("records back end failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The metadata store.
#[async_trait]
pub trait Records: Send + Sync {
    /// Stores a user on first sight; later calls update the e-mail address. Returns the stored
    /// user (with their original registration time).
    async fn register_user(&self, user: &User) -> RecordsResult<User>;
    /// A user by identifier.
    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>>;
    /// A user by e-mail address.
    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>>;

    /// Stores a new creation request ([`RecordsError::AlreadyExists`] if the id is taken).
    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()>;
    /// A creation request by identifier.
    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>>;
    /// Every creation request made by a user, oldest first.
    async fn creation_requests_by(&self, requester: &UserId)
        -> RecordsResult<Vec<CreationRequest>>;
    /// Every creation request still pending, oldest first.
    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>>;
    /// Atomically: marks the pending request as decided (`decided` carries the approved state),
    /// creates the workspace and makes `owner` its first owner.
    /// [`RecordsError::ConditionFailed`] if the request is no longer pending.
    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()>;
    /// Marks a pending request as rejected (`decided` carries the reason).
    /// [`RecordsError::ConditionFailed`] if it is no longer pending.
    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()>;

    /// A workspace by identifier.
    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>>;
    /// Replaces a workspace's mutable fields (name, description, visibility, plan, limits,
    /// status). [`RecordsError::NotFound`] if it does not exist.
    async fn update_workspace(&self, workspace: &Workspace) -> RecordsResult<()>;
    /// Deletes a workspace with its members, join requests, usage and reservations.
    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()>;
    /// Every public workspace, by name.
    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>>;
    /// Every membership of a user.
    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>>;

    /// One membership.
    async fn member(&self, workspace: &WorkspaceId, user: &UserId)
        -> RecordsResult<Option<Member>>;
    /// Every member of a workspace, by join time.
    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>>;
    /// Adds a member unless the user already is one; returns whether they were added.
    async fn add_member(&self, member: &Member) -> RecordsResult<bool>;
    /// Changes a member's role from `from` to `to`. [`RecordsError::ConditionFailed`] if their
    /// role is not `from` (or they are gone); [`RecordsError::LastOwner`] if no owner would be
    /// left.
    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()>;
    /// Removes a member whose role is `expected`; same errors as [`Records::change_role`].
    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()>;

    /// Stores a new pending join request. [`RecordsError::AlreadyExists`] if the user already
    /// has a pending request for this workspace.
    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()>;
    /// A join request by identifier.
    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>>;
    /// Every join request of a workspace, oldest first.
    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>>;
    /// Every join request made by a user, oldest first.
    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>>;
    /// Atomically closes a pending join request (`closed` carries the new state) and, when
    /// given, adds the new member (kept as is if already a member).
    /// [`RecordsError::ConditionFailed`] if the request is no longer pending.
    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()>;

    /// Reserves `reservation.amount` of a quota if used + reserved + amount ≤ `limit`.
    /// [`RecordsError::QuotaExceeded`] otherwise, with what was held.
    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()>;
    /// Turns a reservation into usage. [`RecordsError::NotFound`] if it was already committed,
    /// released or never existed.
    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation>;
    /// Gives a reservation back. [`RecordsError::NotFound`] as for commit.
    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation>;
    /// Open reservations of a workspace.
    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>>;
    /// Frees used amount (data deleted). [`RecordsError::ConditionFailed`] if less is used.
    async fn free(&self, workspace: &WorkspaceId, quota: Quota, amount: u64) -> RecordsResult<()>;
    /// What a workspace uses and reserves.
    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage>;
}

/// The time, so tests control it.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// New identifiers, so tests control them.
pub trait Ids: Send + Sync {
    /// A fresh unique suffix for an identifier (lowercase ASCII letters and digits).
    fn fresh(&self) -> String;
}

/// Random identifiers (UUID v4 without dashes).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl Ids for RandomIds {
    fn fresh(&self) -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }
}
