//! Domain values for the contract cases: fixed times, users, workspaces, members, requests and
//! reservations built from short names.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuilerie_core::ids::{
    CreationRequestId, Email, JoinRequestId, ReservationId, UserId, WorkspaceId,
};
use tuilerie_core::ports::Records;
use tuilerie_core::quota::{Plan, Quota, Reservation, Usage};
use tuilerie_core::request::{CreationRequest, CreationState, JoinRequest, JoinState};
use tuilerie_core::role::Role;
use tuilerie_core::storage::StorageType;
use tuilerie_core::user::User;
use tuilerie_core::workspace::{Member, Status, Visibility, Workspace};

/// One mebibyte, the unit of the quota cases.
pub const MIB: u64 = 1_048_576;

/// A fixed instant, `seconds` after 2026-01-01T00:00:00Z.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(seconds)
}

/// The user id `name`.
pub fn user_id(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

/// The e-mail address `name@example.org`.
pub fn email(name: &str) -> Email {
    Email::parse(&format!("{name}@example.org")).unwrap()
}

/// The workspace id `ws_<suffix>`.
pub fn workspace_id(suffix: &str) -> WorkspaceId {
    WorkspaceId::generate(suffix)
}

/// A user named `name`, registered at `at(seconds)`.
pub fn user(name: &str, seconds: i64) -> User {
    User {
        id: user_id(name),
        email: email(name),
        registered_at: at(seconds),
    }
}

/// An active workspace on the test plan, created at `at(0)`.
pub fn workspace(suffix: &str, name: &str, visibility: Visibility) -> Workspace {
    Workspace {
        id: workspace_id(suffix),
        name: name.to_owned(),
        description: format!("About {name}"),
        visibility,
        plan: Plan::Test,
        limits: Plan::Test.limits(),
        status: Status::Active,
        created_at: at(0),
    }
}

/// The membership of user `name` in `workspace`, joined at `at(seconds)`.
pub fn member(workspace: &WorkspaceId, name: &str, role: Role, seconds: i64) -> Member {
    Member {
        workspace: workspace.clone(),
        user: user_id(name),
        email: email(name),
        role,
        joined_at: at(seconds),
    }
}

/// A pending request by `requester` to create a private workspace, made at `at(seconds)`.
pub fn creation_request(suffix: &str, requester: &str, seconds: i64) -> CreationRequest {
    CreationRequest {
        id: CreationRequestId::generate(suffix),
        requester: user_id(requester),
        requester_email: email(requester),
        name: format!("Workspace {suffix}"),
        description: format!("Data of {requester}"),
        visibility: Visibility::Private,
        expected_streams: 2,
        expected_volume_bytes: 50 * MIB,
        justification: None,
        state: CreationState::Pending,
        created_at: at(seconds),
        decided_at: None,
    }
}

/// The request approved at `at(seconds)` into `workspace` on the test plan.
pub fn approved(
    request: &CreationRequest,
    workspace: &WorkspaceId,
    seconds: i64,
) -> CreationRequest {
    CreationRequest {
        state: CreationState::Approved {
            workspace: workspace.clone(),
            plan: Plan::Test,
        },
        decided_at: Some(at(seconds)),
        ..request.clone()
    }
}

/// The request rejected at `at(seconds)` for `reason`.
pub fn rejected(request: &CreationRequest, reason: &str, seconds: i64) -> CreationRequest {
    CreationRequest {
        state: CreationState::Rejected {
            reason: reason.to_owned(),
        },
        decided_at: Some(at(seconds)),
        ..request.clone()
    }
}

/// A pending request by `requester` to join `workspace`, made at `at(seconds)`.
pub fn join_request(
    workspace: &WorkspaceId,
    suffix: &str,
    requester: &str,
    seconds: i64,
) -> JoinRequest {
    JoinRequest {
        id: JoinRequestId::generate(suffix),
        workspace: workspace.clone(),
        requester: user_id(requester),
        requester_email: email(requester),
        message: Some(format!("{requester} would like to join")),
        state: JoinState::Pending,
        created_at: at(seconds),
        closed_at: None,
    }
}

/// The join request closed in `state` at `at(seconds)`.
pub fn closed(request: &JoinRequest, state: JoinState, seconds: i64) -> JoinRequest {
    JoinRequest {
        state,
        closed_at: Some(at(seconds)),
        ..request.clone()
    }
}

/// A reservation `rs_<suffix>` of `amount` against `quota`, made at `at(seconds)`, expiring an
/// hour later.
pub fn reservation(
    workspace: &WorkspaceId,
    suffix: &str,
    quota: StorageType,
    amount: u64,
    seconds: i64,
) -> Reservation {
    Reservation {
        holder: None,
        id: ReservationId::generate(suffix),
        workspace: workspace.clone(),
        quota,
        amount,
        created_at: at(seconds),
        expires_at: at(seconds + 3_600),
    }
}

/// Used amount of a quota (0 when absent).
pub fn used(usage: &Usage, quota: Quota) -> u64 {
    usage.used.get(&quota).copied().unwrap_or(0)
}

/// Reserved amount of a quota (0 when absent).
pub fn reserved(usage: &Usage, quota: Quota) -> u64 {
    usage.reserved.get(&quota).copied().unwrap_or(0)
}

/// Creates workspace `ws_<suffix>` through an approved creation request, with `owner` as its
/// first owner (joined at `at(1)`), and returns it.
pub async fn approved_workspace(
    records: &dyn Records,
    suffix: &str,
    owner: &str,
    visibility: Visibility,
) -> Workspace {
    let request = creation_request(suffix, owner, 0);
    records.put_creation_request(&request).await.unwrap();
    let workspace = workspace(suffix, &format!("Workspace {suffix}"), visibility);
    let decided = approved(&request, &workspace.id, 1);
    let first = member(&workspace.id, owner, Role::Owner, 1);
    records
        .approve_creation_request(&decided, &workspace, &first)
        .await
        .unwrap();
    workspace
}

/// Adds `name` to `workspace` with `role`, joined at `at(seconds)`; fails if already a member.
pub async fn add(
    records: &dyn Records,
    workspace: &WorkspaceId,
    name: &str,
    role: Role,
    seconds: i64,
) {
    let added = records
        .add_member(&member(workspace, name, role, seconds))
        .await
        .unwrap();
    assert!(added, "{name} was already a member of {workspace}");
}

/// The role of `name` in `workspace`, if a member.
pub async fn role_of(records: &dyn Records, workspace: &WorkspaceId, name: &str) -> Option<Role> {
    records
        .member(workspace, &user_id(name))
        .await
        .unwrap()
        .map(|member| member.role)
}

/// How many owners `workspace` has.
pub async fn owners(records: &dyn Records, workspace: &WorkspaceId) -> usize {
    records
        .members(workspace)
        .await
        .unwrap()
        .iter()
        .filter(|member| member.role == Role::Owner)
        .count()
}
