//! Workspaces: updated, listed when public, deleted with everything they hold, and found from
//! a user's memberships.

use std::sync::Arc;

use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::quota::{Plan, Quota};
use tuilerie_core::role::Role;
use tuilerie_core::storage::StorageType;
use tuilerie_core::workspace::{Status, Visibility};

use super::fixtures::{
    add, approved_workspace, join_request, reservation, reserved, used, user_id, workspace, MIB,
};

/// An update replaces name, description, visibility, plan, limits and status.
pub async fn updating_a_workspace_replaces_its_mutable_fields(records: Arc<dyn Records>) {
    let mut ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    ws.name = "Renamed".to_owned();
    ws.description = "New purpose".to_owned();
    ws.visibility = Visibility::Public;
    ws.plan = Plan::Large;
    ws.limits = Plan::Large.limits();
    ws.status = Status::Suspended;
    records.update_workspace(&ws).await.unwrap();
    assert_eq!(records.workspace(&ws.id).await.unwrap(), Some(ws.clone()));
    assert_eq!(records.public_workspaces().await.unwrap(), vec![ws]);
}

/// Updating a workspace that does not exist fails and creates nothing.
pub async fn updating_an_unknown_workspace_is_not_found(records: Arc<dyn Records>) {
    let ghost = workspace("ghost", "Ghost", Visibility::Public);
    let error = records.update_workspace(&ghost).await.unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    assert_eq!(records.workspace(&ghost.id).await.unwrap(), None);
    assert!(records.public_workspaces().await.unwrap().is_empty());
}

/// Only public workspaces are listed, sorted by name.
pub async fn public_workspaces_lists_only_public_ones_by_name(records: Arc<dyn Records>) {
    let mut zeta = approved_workspace(&*records, "a", "ada", Visibility::Public).await;
    zeta.name = "Zeta".to_owned();
    records.update_workspace(&zeta).await.unwrap();
    approved_workspace(&*records, "b", "ada", Visibility::Private).await;
    let mut alpha = approved_workspace(&*records, "c", "grace", Visibility::Public).await;
    alpha.name = "Alpha".to_owned();
    records.update_workspace(&alpha).await.unwrap();
    let mut hidden = approved_workspace(&*records, "d", "grace", Visibility::Public).await;
    hidden.visibility = Visibility::Private;
    records.update_workspace(&hidden).await.unwrap();
    assert_eq!(
        records.public_workspaces().await.unwrap(),
        vec![alpha, zeta]
    );
}

/// Deleting a workspace removes its members, join requests, usage and reservations, and
/// nothing of other workspaces.
pub async fn deleting_a_workspace_removes_members_requests_and_usage(records: Arc<dyn Records>) {
    let doomed = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let kept = approved_workspace(&*records, "two", "ada", Visibility::Public).await;
    for ws in [&doomed, &kept] {
        add(&*records, &ws.id, "grace", Role::Editor, 10).await;
        records
            .create_join_request(&join_request(&ws.id, "jr", "alan", 20))
            .await
            .unwrap();
        let used_part = reservation(&ws.id, "used", StorageType::Uploads, 3 * MIB, 30);
        records.reserve(&used_part, 90 * MIB).await.unwrap();
        records
            .commit_reservation(&ws.id, &used_part.id)
            .await
            .unwrap();
        let open = reservation(&ws.id, "open", StorageType::Uploads, MIB, 40);
        records.reserve(&open, 90 * MIB).await.unwrap();
    }
    records.delete_workspace(&doomed.id).await.unwrap();

    assert_eq!(records.workspace(&doomed.id).await.unwrap(), None);
    assert!(records.members(&doomed.id).await.unwrap().is_empty());
    assert!(records.join_requests(&doomed.id).await.unwrap().is_empty());
    assert!(records.reservations(&doomed.id).await.unwrap().is_empty());
    let usage = records.usage(&doomed.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (0, 0)
    );
    assert_eq!(
        records.public_workspaces().await.unwrap(),
        vec![kept.clone()]
    );
    let grace: Vec<_> = records
        .memberships_of(&user_id("grace"))
        .await
        .unwrap()
        .into_iter()
        .map(|member| member.workspace)
        .collect();
    assert_eq!(grace, vec![kept.id.clone()]);
    assert_eq!(
        records
            .join_requests_by(&user_id("alan"))
            .await
            .unwrap()
            .len(),
        1
    );

    assert_eq!(records.members(&kept.id).await.unwrap().len(), 2);
    assert_eq!(records.reservations(&kept.id).await.unwrap().len(), 1);
    let usage = records.usage(&kept.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (3 * MIB, MIB)
    );
}

/// A user's memberships cover every workspace they belong to, with their role in each.
pub async fn memberships_of_lists_every_workspace_of_a_user(records: Arc<dyn Records>) {
    let first = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let second = approved_workspace(&*records, "two", "grace", Visibility::Public).await;
    approved_workspace(&*records, "three", "grace", Visibility::Private).await;
    add(&*records, &second.id, "ada", Role::Viewer, 10).await;
    let mut mine: Vec<_> = records
        .memberships_of(&user_id("ada"))
        .await
        .unwrap()
        .into_iter()
        .map(|member| (member.workspace, member.role))
        .collect();
    mine.sort();
    assert_eq!(
        mine,
        vec![(first.id, Role::Owner), (second.id, Role::Viewer)]
    );
    assert_eq!(
        records
            .memberships_of(&user_id("grace"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(records
        .memberships_of(&user_id("nobody"))
        .await
        .unwrap()
        .is_empty());
}
