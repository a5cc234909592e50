//! Join requests: one pending per user and workspace, closed once, accepted together with the
//! new membership.

use std::sync::Arc;

use tokio::sync::Barrier;
use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::request::JoinState;
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Visibility;

use super::fixtures::{add, approved_workspace, closed, join_request, member, role_of, user_id};

/// A request reads back equal and is listed per workspace and per requester, oldest first.
pub async fn a_join_request_is_stored_and_listed(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let other = approved_workspace(&*records, "two", "ada", Visibility::Public).await;
    let late = join_request(&ws.id, "late", "grace", 30);
    let early = join_request(&ws.id, "early", "alan", 10);
    let elsewhere = join_request(&other.id, "elsewhere", "grace", 20);
    for request in [&late, &early, &elsewhere] {
        records.create_join_request(request).await.unwrap();
    }
    assert_eq!(
        records.join_request(&ws.id, &late.id).await.unwrap(),
        Some(late.clone())
    );
    assert_eq!(
        records.join_request(&other.id, &late.id).await.unwrap(),
        None
    );
    assert_eq!(
        records.join_requests(&ws.id).await.unwrap(),
        vec![early.clone(), late.clone()]
    );
    assert_eq!(
        records.join_requests_by(&user_id("grace")).await.unwrap(),
        vec![elsewhere, late]
    );
    assert!(records
        .join_requests_by(&user_id("ada"))
        .await
        .unwrap()
        .is_empty());
}

/// A second pending request of the same user for the same workspace is refused.
pub async fn only_one_pending_join_request_per_user_and_workspace(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let other = approved_workspace(&*records, "two", "ada", Visibility::Public).await;
    records
        .create_join_request(&join_request(&ws.id, "first", "grace", 10))
        .await
        .unwrap();
    let error = records
        .create_join_request(&join_request(&ws.id, "second", "grace", 20))
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::AlreadyExists), "{error:?}");
    records
        .create_join_request(&join_request(&other.id, "third", "grace", 30))
        .await
        .unwrap();
    records
        .create_join_request(&join_request(&ws.id, "fourth", "alan", 40))
        .await
        .unwrap();
    assert_eq!(records.join_requests(&ws.id).await.unwrap().len(), 2);
    assert_eq!(
        records
            .join_requests_by(&user_id("grace"))
            .await
            .unwrap()
            .len(),
        2
    );
}

/// Once the pending request is closed, the user may ask again.
pub async fn a_new_join_request_is_allowed_after_closing_the_previous_one(
    records: Arc<dyn Records>,
) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let first = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&first).await.unwrap();
    records
        .close_join_request(&closed(&first, JoinState::Withdrawn, 15), None)
        .await
        .unwrap();
    let second = join_request(&ws.id, "second", "grace", 20);
    records.create_join_request(&second).await.unwrap();
    let listed = records.join_requests(&ws.id).await.unwrap();
    assert_eq!(
        listed,
        vec![closed(&first, JoinState::Withdrawn, 15), second]
    );
}

/// Acceptance closes the request and adds the member in one step.
pub async fn accepting_a_join_request_adds_the_member_atomically(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let request = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&request).await.unwrap();
    let accepted = closed(&request, JoinState::Accepted { role: Role::Editor }, 20);
    let newcomer = member(&ws.id, "grace", Role::Editor, 20);
    records
        .close_join_request(&accepted, Some(&newcomer))
        .await
        .unwrap();
    assert_eq!(
        records.join_request(&ws.id, &request.id).await.unwrap(),
        Some(accepted)
    );
    assert_eq!(
        records.member(&ws.id, &user_id("grace")).await.unwrap(),
        Some(newcomer)
    );
}

/// Acceptance of someone who became a member meanwhile keeps their membership.
pub async fn accepting_keeps_an_existing_member_as_is(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let request = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&request).await.unwrap();
    add(&*records, &ws.id, "grace", Role::Admin, 15).await;
    let accepted = closed(&request, JoinState::Accepted { role: Role::Viewer }, 20);
    records
        .close_join_request(&accepted, Some(&member(&ws.id, "grace", Role::Viewer, 20)))
        .await
        .unwrap();
    assert_eq!(
        records.member(&ws.id, &user_id("grace")).await.unwrap(),
        Some(member(&ws.id, "grace", Role::Admin, 15))
    );
    assert_eq!(
        records.join_request(&ws.id, &request.id).await.unwrap(),
        Some(accepted)
    );
}

/// A declined request adds nobody.
pub async fn declining_adds_nobody(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let request = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&request).await.unwrap();
    let declined = closed(&request, JoinState::Declined, 20);
    records.close_join_request(&declined, None).await.unwrap();
    assert_eq!(role_of(&*records, &ws.id, "grace").await, None);
    assert_eq!(
        records.join_request(&ws.id, &request.id).await.unwrap(),
        Some(declined)
    );
}

/// Closing a request that is no longer pending fails and adds nobody.
pub async fn a_closed_join_request_cannot_be_closed_again(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let request = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&request).await.unwrap();
    let declined = closed(&request, JoinState::Declined, 20);
    records.close_join_request(&declined, None).await.unwrap();
    let late = closed(&request, JoinState::Accepted { role: Role::Viewer }, 30);
    let error = records
        .close_join_request(&late, Some(&member(&ws.id, "grace", Role::Viewer, 30)))
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    assert_eq!(role_of(&*records, &ws.id, "grace").await, None);
    assert_eq!(
        records.join_request(&ws.id, &request.id).await.unwrap(),
        Some(declined)
    );
}

/// Several requests of one user sent at once leave exactly one pending.
pub async fn concurrent_join_requests_of_one_user_leave_one_pending(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let barrier = Arc::new(Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|index| {
            let (records, barrier) = (Arc::clone(&records), Arc::clone(&barrier));
            let request = join_request(&ws.id, &format!("r{index}"), "grace", index);
            tokio::spawn(async move {
                barrier.wait().await;
                records.create_join_request(&request).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => created += 1,
            Err(RecordsError::AlreadyExists) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(created, 1);
    let pending: Vec<_> = records
        .join_requests(&ws.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|request| request.state == JoinState::Pending)
        .collect();
    assert_eq!(pending.len(), 1);
}

/// An acceptance and a decline at the same moment: one wins, and the member exists exactly
/// when the acceptance won.
pub async fn concurrent_accept_and_decline_close_the_request_once(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Public).await;
    let request = join_request(&ws.id, "first", "grace", 10);
    records.create_join_request(&request).await.unwrap();
    let accepted = closed(&request, JoinState::Accepted { role: Role::Editor }, 20);
    let declined = closed(&request, JoinState::Declined, 20);
    let newcomer = member(&ws.id, "grace", Role::Editor, 20);
    let barrier = Arc::new(Barrier::new(2));
    let accept = {
        let (records, barrier, accepted) =
            (Arc::clone(&records), Arc::clone(&barrier), accepted.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            records.close_join_request(&accepted, Some(&newcomer)).await
        })
    };
    let decline = {
        let (records, barrier, declined) =
            (Arc::clone(&records), Arc::clone(&barrier), declined.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            records.close_join_request(&declined, None).await
        })
    };
    let outcomes = [accept.await.unwrap(), decline.await.unwrap()];
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    for outcome in &outcomes {
        if let Err(error) = outcome {
            assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
        }
    }
    let stored = records
        .join_request(&ws.id, &request.id)
        .await
        .unwrap()
        .unwrap();
    let grace = role_of(&*records, &ws.id, "grace").await;
    if outcomes[0].is_ok() {
        assert_eq!((stored, grace), (accepted, Some(Role::Editor)));
    } else {
        assert_eq!((stored, grace), (declined, None));
    }
}
