//! Workspaces: updated, listed when public, deleted with everything they hold, and found from
//! a user's memberships.

use std::sync::Arc;

use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::quota::{Plan, Quota};
use tuilerie_core::role::Role;
use tuilerie_core::storage::StorageType;
use tuilerie_core::workspace::{Status, Visibility, WorkspaceChange};

use super::fixtures::{
    add, approved_workspace, join_request, reservation, reserved, used, user_id, workspace, MIB,
};

fn profile(name: Option<&str>, visibility: Option<Visibility>, by: &str) -> WorkspaceChange {
    WorkspaceChange::Profile {
        name: name.map(str::to_owned),
        description: None,
        visibility,
        by: user_id(by),
    }
}

/// Each change touches its own fields: an owner's edit the name, description and visibility;
/// a plan change the plan and limits; a status change the status.
pub async fn each_change_touches_only_its_own_fields(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let edit = WorkspaceChange::Profile {
        name: Some("Renamed".to_owned()),
        description: Some("New purpose".to_owned()),
        visibility: Some(Visibility::Public),
        by: user_id("ada"),
    };
    let renamed = records.update_workspace(&ws.id, &edit).await.unwrap();
    let planned = records
        .update_workspace(
            &ws.id,
            &WorkspaceChange::Plan {
                plan: Plan::Large,
                limits: Plan::Large.limits(),
            },
        )
        .await
        .unwrap();
    let suspended = records
        .update_workspace(&ws.id, &WorkspaceChange::Status(Status::Suspended))
        .await
        .unwrap();
    let mut expected = ws.clone();
    expected.name = "Renamed".to_owned();
    expected.description = "New purpose".to_owned();
    expected.visibility = Visibility::Public;
    assert_eq!(renamed, expected);
    expected.plan = Plan::Large;
    expected.limits = Plan::Large.limits();
    assert_eq!(planned, expected);
    expected.status = Status::Suspended;
    assert_eq!(suspended, expected);
    assert_eq!(
        records.workspace(&ws.id).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(records.public_workspaces().await.unwrap(), vec![expected]);
}

/// An owner's edit is refused, changing nothing, once its author is no longer an owner or the
/// workspace is suspended: both are checked by the write itself.
pub async fn an_owner_edit_is_checked_inside_the_write(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let error = records
        .update_workspace(&ws.id, &profile(Some("Mine"), None, "grace"))
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    records
        .update_workspace(&ws.id, &WorkspaceChange::Status(Status::Suspended))
        .await
        .unwrap();
    let error = records
        .update_workspace(&ws.id, &profile(Some("Late"), None, "ada"))
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    let stored = records.workspace(&ws.id).await.unwrap().unwrap();
    assert_eq!(stored.name, ws.name);
    assert_eq!(stored.status, Status::Suspended);
}

/// Owners' edits racing a suspension and a plan change never undo them: in every trial the
/// workspace ends suspended, on the new plan, with one of the owners' names.
pub async fn concurrent_edits_never_undo_each_other(records: Arc<dyn Records>) {
    const TRIALS: usize = 50;
    let mut reverted = 0;
    for trial in 0..TRIALS {
        let ws =
            approved_workspace(&*records, &format!("t{trial}"), "ada", Visibility::Private).await;
        let edits = (0..4).map(|i| {
            let records = Arc::clone(&records);
            let id = ws.id.clone();
            tokio::spawn(async move {
                records
                    .update_workspace(&id, &profile(Some(&format!("Edit {i}")), None, "ada"))
                    .await
            })
        });
        let edits: Vec<_> = edits.collect();
        let suspension = {
            let records = Arc::clone(&records);
            let id = ws.id.clone();
            tokio::spawn(async move {
                records
                    .update_workspace(&id, &WorkspaceChange::Status(Status::Suspended))
                    .await
            })
        };
        let plan = {
            let records = Arc::clone(&records);
            let id = ws.id.clone();
            tokio::spawn(async move {
                records
                    .update_workspace(
                        &id,
                        &WorkspaceChange::Plan {
                            plan: Plan::Large,
                            limits: Plan::Large.limits(),
                        },
                    )
                    .await
            })
        };
        suspension.await.unwrap().unwrap();
        plan.await.unwrap().unwrap();
        for edit in edits {
            // An edit may lose to the suspension (refused), never undo it.
            match edit.await.unwrap() {
                Ok(_) | Err(RecordsError::ConditionFailed) => {}
                Err(other) => panic!("{other:?}"),
            }
        }
        let stored = records.workspace(&ws.id).await.unwrap().unwrap();
        if stored.status != Status::Suspended || stored.plan != Plan::Large {
            reverted += 1;
        }
    }
    assert_eq!(reverted, 0, "{reverted} of {TRIALS} trials undid a change");
}

/// Changing a workspace that does not exist fails and creates nothing.
pub async fn updating_an_unknown_workspace_is_not_found(records: Arc<dyn Records>) {
    let ghost = workspace("ghost", "Ghost", Visibility::Public);
    let error = records
        .update_workspace(&ghost.id, &WorkspaceChange::Status(Status::Suspended))
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    assert_eq!(records.workspace(&ghost.id).await.unwrap(), None);
    assert!(records.public_workspaces().await.unwrap().is_empty());
}

/// Only public workspaces are listed, sorted by name.
pub async fn public_workspaces_lists_only_public_ones_by_name(records: Arc<dyn Records>) {
    let zeta = approved_workspace(&*records, "a", "ada", Visibility::Public).await;
    let zeta = records
        .update_workspace(&zeta.id, &profile(Some("Zeta"), None, "ada"))
        .await
        .unwrap();
    approved_workspace(&*records, "b", "ada", Visibility::Private).await;
    let alpha = approved_workspace(&*records, "c", "grace", Visibility::Public).await;
    let alpha = records
        .update_workspace(&alpha.id, &profile(Some("Alpha"), None, "grace"))
        .await
        .unwrap();
    let hidden = approved_workspace(&*records, "d", "grace", Visibility::Public).await;
    records
        .update_workspace(
            &hidden.id,
            &profile(None, Some(Visibility::Private), "grace"),
        )
        .await
        .unwrap();
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
