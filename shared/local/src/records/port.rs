//! [`Records`] for [`SqliteRecords`]: each operation clones its arguments into a blocking
//! task running one function of the table modules.

use async_trait::async_trait;
use tuilerie_core::ids::{
    CreationRequestId, Email, JoinRequestId, ReservationId, UserId, WorkspaceId,
};
use tuilerie_core::ports::{Records, RecordsResult};
use tuilerie_core::quota::{Quota, Reservation, Usage};
use tuilerie_core::request::{CreationRequest, JoinRequest};
use tuilerie_core::role::Role;
use tuilerie_core::user::User;
use tuilerie_core::workspace::{Member, Workspace};

use super::{creation, joins, members, quotas, users, workspaces, SqliteRecords};

#[async_trait]
impl Records for SqliteRecords {
    async fn register_user(&self, user: &User) -> RecordsResult<User> {
        let user = user.clone();
        self.write(move |c| users::register(c, &user)).await
    }

    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>> {
        let id = id.clone();
        self.read(move |c| users::by_id(c, &id)).await
    }

    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>> {
        let email = email.clone();
        self.read(move |c| users::by_email(c, &email)).await
    }

    async fn put_creation_request(&self, request: &CreationRequest) -> RecordsResult<()> {
        let request = request.clone();
        self.write(move |c| creation::put(c, &request)).await
    }

    async fn creation_request(
        &self,
        id: &CreationRequestId,
    ) -> RecordsResult<Option<CreationRequest>> {
        let id = id.clone();
        self.read(move |c| creation::by_id(c, &id)).await
    }

    async fn creation_requests_by(
        &self,
        requester: &UserId,
    ) -> RecordsResult<Vec<CreationRequest>> {
        let requester = requester.clone();
        self.read(move |c| creation::by_requester(c, &requester))
            .await
    }

    async fn pending_creation_requests(&self) -> RecordsResult<Vec<CreationRequest>> {
        self.read(creation::pending_ones).await
    }

    async fn approve_creation_request(
        &self,
        decided: &CreationRequest,
        workspace: &Workspace,
        owner: &Member,
    ) -> RecordsResult<()> {
        let (decided, workspace, owner) = (decided.clone(), workspace.clone(), owner.clone());
        self.write(move |c| creation::approve(c, &decided, &workspace, &owner))
            .await
    }

    async fn reject_creation_request(&self, decided: &CreationRequest) -> RecordsResult<()> {
        let decided = decided.clone();
        self.write(move |c| creation::reject(c, &decided)).await
    }

    async fn workspace(&self, id: &WorkspaceId) -> RecordsResult<Option<Workspace>> {
        let id = id.clone();
        self.read(move |c| workspaces::by_id(c, &id)).await
    }

    async fn update_workspace(&self, workspace: &Workspace) -> RecordsResult<()> {
        let workspace = workspace.clone();
        self.write(move |c| workspaces::update(c, &workspace)).await
    }

    async fn delete_workspace(&self, id: &WorkspaceId) -> RecordsResult<()> {
        let id = id.clone();
        self.write(move |c| workspaces::delete(c, &id)).await
    }

    async fn public_workspaces(&self) -> RecordsResult<Vec<Workspace>> {
        self.read(workspaces::public_ones).await
    }

    async fn memberships_of(&self, user: &UserId) -> RecordsResult<Vec<Member>> {
        let user = user.clone();
        self.read(move |c| members::of_user(c, &user)).await
    }

    async fn member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> RecordsResult<Option<Member>> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.read(move |c| members::one(c, &workspace, &user)).await
    }

    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>> {
        let workspace = workspace.clone();
        self.read(move |c| members::of_workspace(c, &workspace))
            .await
    }

    async fn add_member(&self, member: &Member) -> RecordsResult<bool> {
        let member = member.clone();
        self.write(move |c| members::insert_if_absent(c, &member))
            .await
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.write(move |c| members::change_role(c, &workspace, &user, from, to))
            .await
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()> {
        let (workspace, user) = (workspace.clone(), user.clone());
        self.write(move |c| members::remove(c, &workspace, &user, expected))
            .await
    }

    async fn create_join_request(&self, request: &JoinRequest) -> RecordsResult<()> {
        let request = request.clone();
        self.write(move |c| joins::create(c, &request)).await
    }

    async fn join_request(
        &self,
        workspace: &WorkspaceId,
        id: &JoinRequestId,
    ) -> RecordsResult<Option<JoinRequest>> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.read(move |c| joins::one(c, &workspace, &id)).await
    }

    async fn join_requests(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<JoinRequest>> {
        let workspace = workspace.clone();
        self.read(move |c| joins::of_workspace(c, &workspace)).await
    }

    async fn join_requests_by(&self, user: &UserId) -> RecordsResult<Vec<JoinRequest>> {
        let user = user.clone();
        self.read(move |c| joins::of_requester(c, &user)).await
    }

    async fn close_join_request(
        &self,
        closed: &JoinRequest,
        new_member: Option<&Member>,
    ) -> RecordsResult<()> {
        let (closed, new_member) = (closed.clone(), new_member.cloned());
        self.write(move |c| joins::close(c, &closed, new_member.as_ref()))
            .await
    }

    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()> {
        let reservation = reservation.clone();
        self.write(move |c| quotas::reserve(c, &reservation, limit))
            .await
    }

    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.write(move |c| quotas::settle(c, &workspace, &id, true))
            .await
    }

    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.write(move |c| quotas::settle(c, &workspace, &id, false))
            .await
    }

    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>> {
        let workspace = workspace.clone();
        self.read(move |c| quotas::open(c, &workspace)).await
    }

    async fn free(&self, workspace: &WorkspaceId, quota: Quota, amount: u64) -> RecordsResult<()> {
        let workspace = workspace.clone();
        self.write(move |c| quotas::free(c, &workspace, quota, amount))
            .await
    }

    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage> {
        let workspace = workspace.clone();
        self.read(move |c| quotas::usage(c, &workspace)).await
    }
}
