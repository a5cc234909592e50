//! Members: listed, added if absent, re-roled and removed under the one-owner invariant.

use std::sync::Arc;

use tokio::sync::Barrier;
use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Visibility;

use super::fixtures::{add, approved_workspace, member, owners, role_of, user_id};

/// Members come back in join order, whatever the insertion order.
pub async fn members_are_listed_by_join_time(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Viewer, 30).await;
    add(&*records, &ws.id, "alan", Role::Editor, 20).await;
    let members = records.members(&ws.id).await.unwrap();
    let names: Vec<_> = members.iter().map(|m| m.user.as_str().to_owned()).collect();
    assert_eq!(names, ["ada", "alan", "grace"]);
    assert_eq!(members[1], member(&ws.id, "alan", Role::Editor, 20));
    assert_eq!(
        records.member(&ws.id, &user_id("grace")).await.unwrap(),
        Some(member(&ws.id, "grace", Role::Viewer, 30))
    );
    assert_eq!(
        records.member(&ws.id, &user_id("nobody")).await.unwrap(),
        None
    );
}

/// Adding someone already in the workspace changes nothing.
pub async fn adding_an_existing_member_returns_false_and_keeps_their_role(
    records: Arc<dyn Records>,
) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Viewer, 10).await;
    let added = records
        .add_member(&member(&ws.id, "grace", Role::Admin, 20))
        .await
        .unwrap();
    assert!(!added);
    let owner_again = records
        .add_member(&member(&ws.id, "ada", Role::Viewer, 20))
        .await
        .unwrap();
    assert!(!owner_again);
    assert_eq!(
        records.member(&ws.id, &user_id("grace")).await.unwrap(),
        Some(member(&ws.id, "grace", Role::Viewer, 10))
    );
    assert_eq!(role_of(&*records, &ws.id, "ada").await, Some(Role::Owner));
    assert_eq!(records.members(&ws.id).await.unwrap().len(), 2);
}

/// A role changes only from the role the caller saw, and only for a member.
pub async fn change_role_needs_the_expected_role(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Viewer, 10).await;
    records
        .change_role(&ws.id, &user_id("grace"), Role::Viewer, Role::Editor)
        .await
        .unwrap();
    assert_eq!(
        role_of(&*records, &ws.id, "grace").await,
        Some(Role::Editor)
    );

    let stale = records
        .change_role(&ws.id, &user_id("grace"), Role::Viewer, Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(stale, RecordsError::ConditionFailed), "{stale:?}");
    assert_eq!(
        role_of(&*records, &ws.id, "grace").await,
        Some(Role::Editor)
    );

    let absent = records
        .change_role(&ws.id, &user_id("nobody"), Role::Viewer, Role::Editor)
        .await
        .unwrap_err();
    assert!(
        matches!(absent, RecordsError::ConditionFailed),
        "{absent:?}"
    );
    assert_eq!(
        records.member(&ws.id, &user_id("nobody")).await.unwrap(),
        None
    );

    records
        .change_role(&ws.id, &user_id("grace"), Role::Editor, Role::Owner)
        .await
        .unwrap();
    assert_eq!(owners(&*records, &ws.id).await, 2);
}

/// The only owner cannot be given another role.
pub async fn the_last_owner_cannot_be_demoted(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Admin, 10).await;
    for to in [Role::Admin, Role::Editor, Role::Viewer] {
        let error = records
            .change_role(&ws.id, &user_id("ada"), Role::Owner, to)
            .await
            .unwrap_err();
        assert!(matches!(error, RecordsError::LastOwner), "{error:?}");
    }
    assert_eq!(role_of(&*records, &ws.id, "ada").await, Some(Role::Owner));
}

/// The only owner cannot be removed.
pub async fn the_last_owner_cannot_be_removed(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Admin, 10).await;
    let error = records
        .remove_member(&ws.id, &user_id("ada"), Role::Owner)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::LastOwner), "{error:?}");
    assert_eq!(role_of(&*records, &ws.id, "ada").await, Some(Role::Owner));
    assert_eq!(records.members(&ws.id).await.unwrap().len(), 2);
}

/// With two owners, one may step down, then the other is protected.
pub async fn two_owners_can_be_demoted_one_at_a_time_until_one_is_left(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Owner, 10).await;
    add(&*records, &ws.id, "alan", Role::Owner, 20).await;
    records
        .change_role(&ws.id, &user_id("ada"), Role::Owner, Role::Admin)
        .await
        .unwrap();
    records
        .remove_member(&ws.id, &user_id("grace"), Role::Owner)
        .await
        .unwrap();
    let error = records
        .change_role(&ws.id, &user_id("alan"), Role::Owner, Role::Editor)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::LastOwner), "{error:?}");
    assert_eq!(owners(&*records, &ws.id).await, 1);
    assert_eq!(role_of(&*records, &ws.id, "alan").await, Some(Role::Owner));
    assert_eq!(role_of(&*records, &ws.id, "ada").await, Some(Role::Admin));
    assert_eq!(role_of(&*records, &ws.id, "grace").await, None);
}

/// Two owners demoting each other at the same moment leave exactly one owner.
pub async fn concurrent_demotions_of_two_owners_leave_exactly_one(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Owner, 10).await;
    let barrier = Arc::new(Barrier::new(2));
    let tasks: Vec<_> = ["ada", "grace"]
        .into_iter()
        .map(|name| {
            let (records, barrier, ws) =
                (Arc::clone(&records), Arc::clone(&barrier), ws.id.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                records
                    .change_role(&ws, &user_id(name), Role::Owner, Role::Viewer)
                    .await
            })
        })
        .collect();
    let outcomes = collect(tasks).await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Err(RecordsError::LastOwner))),
        "{outcomes:?}"
    );
    assert_eq!(owners(&*records, &ws.id).await, 1);
}

/// Two owners removed at the same moment leave exactly one owner.
pub async fn concurrent_removals_of_two_owners_leave_exactly_one(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Owner, 10).await;
    let barrier = Arc::new(Barrier::new(2));
    let tasks: Vec<_> = ["ada", "grace"]
        .into_iter()
        .map(|name| {
            let (records, barrier, ws) =
                (Arc::clone(&records), Arc::clone(&barrier), ws.id.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                records
                    .remove_member(&ws, &user_id(name), Role::Owner)
                    .await
            })
        })
        .collect();
    let outcomes = collect(tasks).await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(owners(&*records, &ws.id).await, 1);
    assert_eq!(records.members(&ws.id).await.unwrap().len(), 1);
}

/// Removal happens only for the role the caller saw, then the member is gone.
pub async fn remove_member_needs_the_expected_role(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    add(&*records, &ws.id, "grace", Role::Editor, 10).await;
    let stale = records
        .remove_member(&ws.id, &user_id("grace"), Role::Viewer)
        .await
        .unwrap_err();
    assert!(matches!(stale, RecordsError::ConditionFailed), "{stale:?}");
    assert_eq!(
        role_of(&*records, &ws.id, "grace").await,
        Some(Role::Editor)
    );
    records
        .remove_member(&ws.id, &user_id("grace"), Role::Editor)
        .await
        .unwrap();
    assert_eq!(role_of(&*records, &ws.id, "grace").await, None);
    assert!(records
        .memberships_of(&user_id("grace"))
        .await
        .unwrap()
        .is_empty());
    let gone = records
        .remove_member(&ws.id, &user_id("grace"), Role::Editor)
        .await
        .unwrap_err();
    assert!(matches!(gone, RecordsError::ConditionFailed), "{gone:?}");
}

/// Owners of another workspace do not keep this one's last owner replaceable.
pub async fn owners_of_other_workspaces_do_not_count(records: Arc<dyn Records>) {
    let mine = approved_workspace(&*records, "mine", "ada", Visibility::Private).await;
    let theirs = approved_workspace(&*records, "theirs", "grace", Visibility::Private).await;
    add(&*records, &theirs.id, "ada", Role::Owner, 10).await;
    add(&*records, &mine.id, "grace", Role::Viewer, 20).await;
    let error = records
        .change_role(&mine.id, &user_id("ada"), Role::Owner, Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::LastOwner), "{error:?}");
    let error = records
        .remove_member(&mine.id, &user_id("ada"), Role::Owner)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::LastOwner), "{error:?}");
    records
        .change_role(&theirs.id, &user_id("ada"), Role::Owner, Role::Editor)
        .await
        .unwrap();
    assert_eq!(owners(&*records, &mine.id).await, 1);
    assert_eq!(owners(&*records, &theirs.id).await, 1);
}

/// The same user added several times at once is added once, with one of the roles asked.
pub async fn concurrent_adds_of_one_user_add_them_once(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let roles = [Role::Viewer, Role::Editor, Role::Admin, Role::Viewer];
    let barrier = Arc::new(Barrier::new(roles.len()));
    let tasks: Vec<_> = roles
        .into_iter()
        .enumerate()
        .map(|(index, role)| {
            let (records, barrier) = (Arc::clone(&records), Arc::clone(&barrier));
            let newcomer = member(&ws.id, "grace", role, 10 + index as i64);
            tokio::spawn(async move {
                barrier.wait().await;
                records.add_member(&newcomer).await
            })
        })
        .collect();
    let mut added = 0;
    for task in tasks {
        if task.await.unwrap().unwrap() {
            added += 1;
        }
    }
    assert_eq!(added, 1);
    assert_eq!(records.members(&ws.id).await.unwrap().len(), 2);
    assert!(role_of(&*records, &ws.id, "grace").await.is_some());
}

async fn collect(
    tasks: Vec<tokio::task::JoinHandle<Result<(), RecordsError>>>,
) -> Vec<Result<(), RecordsError>> {
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}
