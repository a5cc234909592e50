//! Creation requests: stored, listed, approved atomically with the workspace and its first
//! owner, or rejected, each decision once.

use std::sync::Arc;

use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::request::CreationState;
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Visibility;

use super::fixtures::{approved, creation_request, member, rejected, user_id, workspace};

/// A stored request reads back equal.
pub async fn a_creation_request_is_stored_and_read_back(records: Arc<dyn Records>) {
    let mut request = creation_request("one", "ada", 5);
    request.visibility = Visibility::Public;
    request.justification = Some("Open data of the city".to_owned());
    records.put_creation_request(&request).await.unwrap();
    assert_eq!(
        records.creation_request(&request.id).await.unwrap(),
        Some(request.clone())
    );
    let other = creation_request("two", "ada", 6);
    assert_eq!(records.creation_request(&other.id).await.unwrap(), None);
}

/// Storing a second request with a taken id fails and keeps the first.
pub async fn a_creation_request_id_cannot_be_reused(records: Arc<dyn Records>) {
    let first = creation_request("one", "ada", 5);
    records.put_creation_request(&first).await.unwrap();
    let clash = creation_request("one", "grace", 6);
    let error = records.put_creation_request(&clash).await.unwrap_err();
    assert!(matches!(error, RecordsError::AlreadyExists), "{error:?}");
    assert_eq!(
        records.creation_request(&first.id).await.unwrap(),
        Some(first)
    );
}

/// Requests are listed per requester and while pending, oldest first.
pub async fn creation_requests_are_listed_by_requester_and_pending_oldest_first(
    records: Arc<dyn Records>,
) {
    // Stored out of time order on purpose.
    let ada_late = creation_request("c", "ada", 30);
    let grace = creation_request("b", "grace", 20);
    let ada_early = creation_request("a", "ada", 10);
    let ada_rejected = creation_request("d", "ada", 40);
    for request in [&ada_late, &grace, &ada_early, &ada_rejected] {
        records.put_creation_request(request).await.unwrap();
    }
    let ada_rejected = rejected(&ada_rejected, "Duplicate", 50);
    records
        .reject_creation_request(&ada_rejected)
        .await
        .unwrap();

    let by_ada = records.creation_requests_by(&user_id("ada")).await.unwrap();
    assert_eq!(
        by_ada,
        vec![ada_early.clone(), ada_late.clone(), ada_rejected]
    );
    let by_grace = records
        .creation_requests_by(&user_id("grace"))
        .await
        .unwrap();
    assert_eq!(by_grace, vec![grace.clone()]);
    assert!(records
        .creation_requests_by(&user_id("alan"))
        .await
        .unwrap()
        .is_empty());
    let pending = records.pending_creation_requests().await.unwrap();
    assert_eq!(pending, vec![ada_early, grace, ada_late]);
}

/// Approval stores the decision, the workspace and its first owner together.
pub async fn approval_creates_the_workspace_and_its_first_owner(records: Arc<dyn Records>) {
    let request = creation_request("one", "ada", 5);
    records.put_creation_request(&request).await.unwrap();
    let created = workspace("one", "Rivers", Visibility::Private);
    let decided = approved(&request, &created.id, 9);
    let owner = member(&created.id, "ada", Role::Owner, 9);
    records
        .approve_creation_request(&decided, &created, &owner)
        .await
        .unwrap();

    assert_eq!(
        records.creation_request(&request.id).await.unwrap(),
        Some(decided)
    );
    assert_eq!(
        records.workspace(&created.id).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(
        records.members(&created.id).await.unwrap(),
        vec![owner.clone()]
    );
    assert_eq!(
        records.memberships_of(&user_id("ada")).await.unwrap(),
        vec![owner]
    );
    assert!(records
        .pending_creation_requests()
        .await
        .unwrap()
        .is_empty());
}

/// Approving a decided request fails and leaves no trace of the second workspace.
pub async fn a_second_approval_fails_and_creates_no_second_workspace(records: Arc<dyn Records>) {
    let request = creation_request("one", "ada", 5);
    records.put_creation_request(&request).await.unwrap();
    let first = workspace("first", "First", Visibility::Private);
    let first_decision = approved(&request, &first.id, 9);
    records
        .approve_creation_request(
            &first_decision,
            &first,
            &member(&first.id, "ada", Role::Owner, 9),
        )
        .await
        .unwrap();

    let second = workspace("second", "Second", Visibility::Public);
    let error = records
        .approve_creation_request(
            &approved(&request, &second.id, 12),
            &second,
            &member(&second.id, "ada", Role::Owner, 12),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    assert_eq!(records.workspace(&second.id).await.unwrap(), None);
    assert!(records.members(&second.id).await.unwrap().is_empty());
    assert!(records.public_workspaces().await.unwrap().is_empty());
    assert_eq!(
        records.memberships_of(&user_id("ada")).await.unwrap().len(),
        1
    );
    assert_eq!(
        records.creation_request(&request.id).await.unwrap(),
        Some(first_decision)
    );
}

/// Two approvals of one request at the same time create one workspace.
pub async fn concurrent_approvals_create_exactly_one_workspace(records: Arc<dyn Records>) {
    let request = creation_request("one", "ada", 5);
    records.put_creation_request(&request).await.unwrap();
    let attempts: Vec<_> = ["left", "right"]
        .into_iter()
        .map(|suffix| {
            let records = Arc::clone(&records);
            let created = workspace(suffix, suffix, Visibility::Private);
            let decided = approved(&request, &created.id, 9);
            let owner = member(&created.id, "ada", Role::Owner, 9);
            tokio::spawn(async move {
                records
                    .approve_creation_request(&decided, &created, &owner)
                    .await
            })
        })
        .collect();
    let mut accepted = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(()) => accepted += 1,
            Err(RecordsError::ConditionFailed) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(accepted, 1);
    let stored = records
        .creation_request(&request.id)
        .await
        .unwrap()
        .unwrap();
    let CreationState::Approved {
        workspace: winner, ..
    } = stored.state
    else {
        panic!("request not approved: {stored:?}");
    };
    let memberships = records.memberships_of(&user_id("ada")).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].workspace, winner);
    let loser = if winner.as_str() == "ws_left" {
        "ws_right"
    } else {
        "ws_left"
    };
    let loser = tuilerie_core::ids::WorkspaceId::parse(loser).unwrap();
    assert_eq!(records.workspace(&loser).await.unwrap(), None);
}

/// A rejection stores the reason; a second decision of either kind fails.
pub async fn rejection_records_the_reason_and_only_once(records: Arc<dyn Records>) {
    let request = creation_request("one", "ada", 5);
    records.put_creation_request(&request).await.unwrap();
    let decided = rejected(&request, "Please use the shared workspace", 9);
    records.reject_creation_request(&decided).await.unwrap();
    assert_eq!(
        records.creation_request(&request.id).await.unwrap(),
        Some(decided)
    );
    let again = rejected(&request, "Changed my mind", 12);
    let error = records.reject_creation_request(&again).await.unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    let stored = records
        .creation_request(&request.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.state,
        CreationState::Rejected {
            reason: "Please use the shared workspace".to_owned()
        }
    );
    assert!(records
        .pending_creation_requests()
        .await
        .unwrap()
        .is_empty());
}

/// Approving a rejected request fails and creates nothing.
pub async fn a_rejected_request_cannot_be_approved(records: Arc<dyn Records>) {
    let request = creation_request("one", "ada", 5);
    records.put_creation_request(&request).await.unwrap();
    records
        .reject_creation_request(&rejected(&request, "No", 9))
        .await
        .unwrap();
    let created = workspace("one", "Rivers", Visibility::Private);
    let error = records
        .approve_creation_request(
            &approved(&request, &created.id, 12),
            &created,
            &member(&created.id, "ada", Role::Owner, 12),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    assert_eq!(records.workspace(&created.id).await.unwrap(), None);
    assert!(records.members(&created.id).await.unwrap().is_empty());
}
