//! Join requests to public workspaces.

use reqwest::Method;
use serde_json::json;

use crate::helpers::Team;

#[tokio::test(flavor = "multi_thread")]
async fn a_join_request_carries_its_message_and_is_accepted_as_viewer_by_default() {
    let team = Team::new().await;
    let app = &team.app;
    let carol = app.register("carol").await;
    let request = app
        .ok(
            Some(&carol),
            Method::POST,
            team.path("/join-requests"),
            Some(json!({ "message": "I map rivers" })),
        )
        .await;
    assert_eq!(request.status, 201);
    assert_eq!(request.body["message"], "I map rivers");
    assert_eq!(request.body["state"]["status"], "pending");
    let listed = app
        .ok(
            Some(&team.owner),
            Method::GET,
            team.path("/join-requests"),
            None,
        )
        .await;
    assert_eq!(listed.body[0]["id"], request.body["id"]);
    assert_eq!(listed.body[0]["requester_email"], carol.email.as_str());
    let directory = app.ok(Some(&carol), Method::GET, "/directory", None).await;
    assert_eq!(directory.body[0]["join_request_pending"], true);
    let id = request.id();
    let accepted = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/join-requests/{id}/accept")),
            None,
        )
        .await;
    assert_eq!(
        accepted.body["state"],
        json!({ "status": "accepted", "role": "viewer" })
    );
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &carol).await.as_deref(),
        Some("viewer")
    );
    app.ok(Some(&carol), Method::GET, team.path(""), None).await;
    let mine = app
        .ok(Some(&carol), Method::GET, "/join-requests", None)
        .await;
    assert_eq!(mine.body[0]["state"]["status"], "accepted");
    let again = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/join-requests/{id}/decline")),
            None,
        )
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_accepts_with_the_role_they_choose_among_editor_and_viewer() {
    let team = Team::new().await;
    let app = &team.app;
    let admin = team.member("admin", "admin").await;
    let dan = app.register("dan").await;
    let id = app
        .ok(Some(&dan), Method::POST, team.path("/join-requests"), None)
        .await
        .id();
    let as_admin = app
        .call(
            Some(&admin),
            Method::POST,
            team.path(&format!("/join-requests/{id}/accept")),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(as_admin.status, 403);
    app.ok(
        Some(&admin),
        Method::POST,
        team.path(&format!("/join-requests/{id}/accept")),
        Some(json!({ "role": "editor" })),
    )
    .await;
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &dan).await.as_deref(),
        Some("editor")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_requester_stays_outside_and_may_ask_again() {
    let team = Team::new().await;
    let app = &team.app;
    let erin = app.register("erin").await;
    let id = app
        .ok(Some(&erin), Method::POST, team.path("/join-requests"), None)
        .await
        .id();
    let declined = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/join-requests/{id}/decline")),
            None,
        )
        .await;
    assert_eq!(declined.body["state"]["status"], "declined");
    assert_eq!(
        app.call(Some(&erin), Method::GET, team.path(""), None)
            .await
            .status,
        404
    );
    let accept = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/join-requests/{id}/accept")),
            None,
        )
        .await;
    assert_eq!(accept.status, 409);
    assert_eq!(app.role_of(&team.owner, &team.ws, &erin).await, None);
    let again = app
        .call(Some(&erin), Method::POST, team.path("/join-requests"), None)
        .await;
    assert_eq!(again.status, 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_requester_withdraws_and_the_request_can_no_longer_be_accepted() {
    let team = Team::new().await;
    let app = &team.app;
    let fay = app.register("fay").await;
    let id = app
        .ok(Some(&fay), Method::POST, team.path("/join-requests"), None)
        .await
        .id();
    let withdrawn = app
        .ok(
            Some(&fay),
            Method::POST,
            team.path(&format!("/join-requests/{id}/withdraw")),
            None,
        )
        .await;
    assert_eq!(withdrawn.body["state"]["status"], "withdrawn");
    let accept = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/join-requests/{id}/accept")),
            None,
        )
        .await;
    assert_eq!(accept.status, 409);
    assert_eq!(app.role_of(&team.owner, &team.ws, &fay).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn join_requests_refuse_private_workspaces_members_and_duplicates() {
    let team = Team::new().await;
    let app = &team.app;
    let gus = app.register("gus").await;
    let private = app
        .workspace(&team.owner, &team.padmin, "Private", false)
        .await;
    let to_private = app
        .call(
            Some(&gus),
            Method::POST,
            format!("/workspaces/{private}/join-requests"),
            None,
        )
        .await;
    assert_eq!(to_private.status, 404);
    let to_unknown = app
        .call(
            Some(&gus),
            Method::POST,
            "/workspaces/ws_doesnotexist/join-requests",
            None,
        )
        .await;
    assert_eq!(to_unknown.status, 404);
    assert_eq!(to_private.code(), to_unknown.code());
    let member = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/join-requests"),
            None,
        )
        .await;
    assert_eq!(member.status, 409);
    app.ok(
        Some(&gus),
        Method::POST,
        team.path("/join-requests"),
        Some(json!({})),
    )
    .await;
    let duplicate = app
        .call(
            Some(&gus),
            Method::POST,
            team.path("/join-requests"),
            Some(json!({ "message": "again" })),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    let listed = app
        .ok(
            Some(&team.owner),
            Method::GET,
            team.path("/join-requests"),
            None,
        )
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(listed.body[0]["message"], serde_json::Value::Null);
}
