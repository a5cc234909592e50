//! Workspace creation requests and their decisions by platform administrators.

use reqwest::Method;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_request_makes_its_requester_the_first_owner_and_cannot_be_decided_twice() {
    let app = TestApp::spawn().await;
    let ada = app.register("ada").await;
    let padmin = app.platform_admin("padmin").await;
    let id = app.creation_request(&ada, "Rivers", false).await;
    let pending = app
        .ok(
            Some(&padmin),
            Method::GET,
            "/workspace-requests?status=pending",
            None,
        )
        .await;
    assert_eq!(pending.body[0]["id"], id.as_str());
    let listing = app
        .call(
            Some(&ada),
            Method::GET,
            "/workspace-requests?status=pending",
            None,
        )
        .await;
    assert_eq!(listing.status, 403);
    let approved = app
        .ok(
            Some(&padmin),
            Method::POST,
            format!("/workspace-requests/{id}/approve"),
            Some(json!({ "plan": "test" })),
        )
        .await;
    let ws = approved.body["id"].as_str().unwrap().to_owned();
    assert_eq!(approved.body["plan"], "test");
    let mine = app
        .ok(
            Some(&ada),
            Method::GET,
            format!("/workspace-requests/{id}"),
            None,
        )
        .await;
    assert_eq!(
        mine.body["state"],
        json!({ "status": "approved", "workspace": ws, "plan": "test" })
    );
    let workspaces = app.ok(Some(&ada), Method::GET, "/workspaces", None).await;
    assert_eq!(workspaces.body[0]["id"], ws.as_str());
    assert_eq!(workspaces.body[0]["role"], "owner");
    for (action, body) in [
        ("approve", json!({ "plan": "large" })),
        ("reject", json!({ "reason": "too late" })),
    ] {
        let second = app
            .call(
                Some(&padmin),
                Method::POST,
                format!("/workspace-requests/{id}/{action}"),
                Some(body),
            )
            .await;
        assert_eq!(second.status, 409, "second {action}: {:?}", second.body);
    }
    let pending = app
        .ok(
            Some(&padmin),
            Method::GET,
            "/workspace-requests?status=pending",
            None,
        )
        .await;
    assert_eq!(pending.body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejection_shows_its_reason_to_the_requester_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let ada = app.register("ada").await;
    let padmin = app.platform_admin("padmin").await;
    let id = app.creation_request(&ada, "Rivers", true).await;
    let empty = app
        .call(
            Some(&padmin),
            Method::POST,
            format!("/workspace-requests/{id}/reject"),
            Some(json!({ "reason": "  " })),
        )
        .await;
    assert_eq!(empty.status, 422);
    app.ok(
        Some(&padmin),
        Method::POST,
        format!("/workspace-requests/{id}/reject"),
        Some(json!({ "reason": "Use the regional workspace" })),
    )
    .await;
    let mine = app
        .ok(Some(&ada), Method::GET, "/workspace-requests", None)
        .await;
    assert_eq!(
        mine.body[0]["state"],
        json!({ "status": "rejected", "reason": "Use the regional workspace" })
    );
    let approve = app
        .call(
            Some(&padmin),
            Method::POST,
            format!("/workspace-requests/{id}/approve"),
            Some(json!({ "plan": "test" })),
        )
        .await;
    assert_eq!(approve.status, 409);
    let workspaces = app.ok(Some(&ada), Method::GET, "/workspaces", None).await;
    assert_eq!(workspaces.body, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_workspace_request_needs_a_justification() {
    let app = TestApp::spawn().await;
    let ada = app.register("ada").await;
    let reply = app
        .call(
            Some(&ada),
            Method::POST,
            "/workspace-requests",
            Some(json!({ "name": "Open", "visibility": "public" })),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["error"]["details"]["field"], "justification");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_user_waits_for_at_most_five_workspace_decisions() {
    let app = TestApp::spawn().await;
    let ada = app.register("ada").await;
    for i in 0..5 {
        app.ok(
            Some(&ada),
            Method::POST,
            "/workspace-requests",
            Some(json!({ "name": format!("Ask {i}"), "visibility": "private" })),
        )
        .await;
    }
    let refused = app
        .call(
            Some(&ada),
            Method::POST,
            "/workspace-requests",
            Some(json!({ "name": "One more", "visibility": "private" })),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 5"));
    // Someone else is not held back.
    let bob = app.register("bob").await;
    app.ok(
        Some(&bob),
        Method::POST,
        "/workspace-requests",
        Some(json!({ "name": "Bob's", "visibility": "private" })),
    )
    .await;
}
