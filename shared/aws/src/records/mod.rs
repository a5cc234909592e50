//! The records port on one DynamoDB table.
//!
//! Layout (see [`keys`]): a workspace's items share the partition `WS#<id>` (`META`,
//! `MEMBER#<user>`, `JOIN#<id>`, `JOINPENDING#<user>`, `USAGE`, `RES#<id>`); users live under
//! `USER#<id>` with an `EMAIL#<address>` item to find them; creation requests under `CREQ#<id>`.
//! GSI1 lists what belongs to a user, GSI2 the pending creation requests and public
//! workspaces. Each operation is one conditional write or one transaction.

mod action;
mod codec;
mod creation;
mod errors;
mod joins;
pub mod keys;
mod members;
mod quotas;
mod store;
mod table;
mod users;
mod workspaces;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use tuilerie_core::ids::{
    CreationRequestId, Email, JoinRequestId, ReservationId, UserId, WorkspaceId,
};
use tuilerie_core::ports::{Records, RecordsResult};
use tuilerie_core::quota::{Quota, Reservation, Usage};
use tuilerie_core::request::{CreationRequest, JoinRequest};
use tuilerie_core::role::Role;
use tuilerie_core::user::User;
use tuilerie_core::workspace::{Member, Workspace};

pub use table::create_table;

/// The records port on a DynamoDB table created by [`create_table`].
#[derive(Debug, Clone)]
pub struct DynamoRecords {
    client: Client,
    table: String,
}

impl DynamoRecords {
    /// Records kept in `table`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }
}

#[async_trait]
impl Records for DynamoRecords {
    async fn register_user(&self, user: &User) -> RecordsResult<User> {
        users::register(self, user).await
    }

    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>> {
        users::by_id(self, id).await
    }

    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>> {
        users::by_email(self, email).await
    }

    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()> {
        creation::put(self, request).await
    }

    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>> {
        creation::get(self, id).await
    }

    async fn creation_requests_by(
        &self,
        requester: &UserId,
    ) -> RecordsResult<Vec<CreationRequest>> {
        creation::by(self, requester).await
    }

    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>> {
        creation::pending(self).await
    }

    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()> {
        creation::approve(self, decided, workspace, owner).await
    }

    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()> {
        creation::reject(self, decided).await
    }

    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>> {
        workspaces::get(self, id).await
    }

    async fn update_workspace(&self, workspace: &Workspace) -> RecordsResult<()> {
        workspaces::update(self, workspace).await
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()> {
        workspaces::delete(self, id).await
    }

    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>> {
        workspaces::public(self).await
    }

    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>> {
        members::of_user(self, user).await
    }

    async fn member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> RecordsResult<Option<Member>> {
        members::get(self, workspace, user).await
    }

    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>> {
        members::of_workspace(self, workspace).await
    }

    async fn add_member(&self, member: &Member) -> RecordsResult<bool> {
        members::add(self, member).await
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()> {
        members::change_role(self, workspace, user, from, to).await
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()> {
        members::remove(self, workspace, user, expected).await
    }

    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()> {
        joins::create(self, request).await
    }

    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>> {
        joins::get(self, workspace, id).await
    }

    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>> {
        joins::of_workspace(self, workspace).await
    }

    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>> {
        joins::of_user(self, user).await
    }

    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()> {
        joins::close(self, closed, new_member).await
    }

    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()> {
        quotas::reserve(self, reservation, limit).await
    }

    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        quotas::commit(self, workspace, id).await
    }

    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        quotas::release(self, workspace, id).await
    }

    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>> {
        quotas::open(self, workspace).await
    }

    async fn free(&self, workspace: &WorkspaceId, quota: Quota, amount: u64) -> RecordsResult<()> {
        quotas::free(self, workspace, quota, amount).await
    }

    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage> {
        quotas::usage(self, workspace).await
    }
}
