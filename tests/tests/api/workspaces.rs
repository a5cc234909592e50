//! Creation requests, workspace settings, suspension, quotas and the 90 % warning.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Team, TestApp};

const MIB: u64 = 1024 * 1024;

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
async fn only_the_owner_renames_and_deletes_and_deleted_workspaces_vanish() {
    let team = Team::new().await;
    let app = &team.app;
    let admin = team.member("admin", "admin").await;
    let renamed = app
        .ok(
            Some(&team.owner),
            Method::PATCH,
            team.path(""),
            Some(json!({ "name": "Rivières", "visibility": "private" })),
        )
        .await;
    assert_eq!(renamed.body["name"], "Rivières");
    assert_eq!(renamed.body["visibility"], "private");
    let directory = app.ok(Some(&admin), Method::GET, "/directory", None).await;
    assert_eq!(directory.body, json!([]));
    assert_eq!(
        app.call(Some(&admin), Method::DELETE, team.path(""), None)
            .await
            .status,
        403
    );
    app.ok(Some(&team.owner), Method::DELETE, team.path(""), None)
        .await;
    for person in [&team.owner, &admin] {
        assert_eq!(
            app.call(Some(person), Method::GET, team.path(""), None)
                .await
                .status,
            404
        );
        let mine = app.ok(Some(person), Method::GET, "/workspaces", None).await;
        assert_eq!(mine.body, json!([]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_workspace_refuses_every_write_and_keeps_its_data_readable() {
    let team = Team::new().await;
    let app = &team.app;
    let editor = team.member("editor", "editor").await;
    let newcomer = app.register("newcomer").await;
    let reservation = app
        .ok(
            Some(&editor),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": 10 })),
        )
        .await
        .id();
    let suspended = app
        .ok(
            Some(&team.padmin),
            Method::PUT,
            team.path("/status"),
            Some(json!({ "status": "suspended" })),
        )
        .await;
    assert_eq!(suspended.body["status"], "suspended");
    let writes = [
        (
            &team.owner,
            Method::PATCH,
            team.path(""),
            Some(json!({ "name": "New name" })),
        ),
        (&team.owner, Method::DELETE, team.path(""), None),
        (
            &team.owner,
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [newcomer.email], "role": "viewer" })),
        ),
        (
            &team.owner,
            Method::PATCH,
            team.path(&format!("/members/{}", editor.sub)),
            Some(json!({ "role": "viewer" })),
        ),
        (
            &team.owner,
            Method::DELETE,
            team.path(&format!("/members/{}", editor.sub)),
            None,
        ),
        (&editor, Method::POST, team.path("/leave"), None),
        (&newcomer, Method::POST, team.path("/join-requests"), None),
        (
            &editor,
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": 10 })),
        ),
        (
            &editor,
            Method::POST,
            team.path(&format!("/reservations/{reservation}/commit")),
            None,
        ),
    ];
    for (who, method, path, body) in writes {
        let reply = app.call(Some(who), method.clone(), &path, body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (409, "workspace_suspended"),
            "{method} {path}: {:?}",
            reply.body
        );
    }
    for path in [team.path(""), team.path("/members"), team.path("/usage")] {
        app.ok(Some(&editor), Method::GET, &path, None).await;
    }
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &editor).await.as_deref(),
        Some("editor")
    );
    app.ok(
        Some(&team.padmin),
        Method::PUT,
        team.path("/status"),
        Some(json!({ "status": "active" })),
    )
    .await;
    app.ok(
        Some(&team.owner),
        Method::PATCH,
        team.path(""),
        Some(json!({ "name": "New name" })),
    )
    .await;
    app.ok(
        Some(&editor),
        Method::POST,
        team.path(&format!("/reservations/{reservation}/commit")),
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_carry_the_quota_warning_from_ninety_percent_on() {
    let team = Team::new().await;
    let app = &team.app;
    let stranger = app.register("stranger").await;
    let limits = json!({ "plan": "custom", "limits": { "uploads": 100 * MIB, "databases": MIB, "pyramids": MIB, "styles": MIB, "streams": 2 } });
    app.ok(
        Some(&team.padmin),
        Method::PUT,
        team.path("/limits"),
        Some(limits),
    )
    .await;
    let reserve = |amount: u64| {
        app.call(
            Some(&team.owner),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": amount })),
        )
    };
    let below = reserve(89 * MIB).await;
    assert_eq!(below.status, 201);
    assert!(!below.warning);
    let view = app
        .ok(Some(&team.owner), Method::GET, team.path(""), None)
        .await;
    assert!(!view.warning);
    assert_eq!(view.body["quota_warning"], false);
    let reaching = reserve(MIB).await;
    assert_eq!(reaching.status, 201);
    assert!(
        reaching.warning,
        "the reservation reaching 90 % carries the warning"
    );
    for path in [team.path(""), team.path("/members"), team.path("/usage")] {
        let reply = app.ok(Some(&team.owner), Method::GET, &path, None).await;
        assert!(reply.warning, "{path} lacks the warning header");
    }
    let usage = app
        .ok(Some(&team.owner), Method::GET, team.path("/usage"), None)
        .await;
    assert_eq!(usage.body["quota_warning"], true);
    let hidden = app
        .call(Some(&stranger), Method::GET, team.path(""), None)
        .await;
    assert_eq!(hidden.status, 404);
    assert!(
        !hidden.warning,
        "a 404 must not reveal the workspace through the warning"
    );
    let mine = app
        .ok(Some(&team.owner), Method::GET, "/workspaces", None)
        .await;
    assert_eq!(mine.body[0]["quota_warning"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reservation_beyond_the_quota_says_how_much_is_needed_and_free() {
    let team = Team::new().await;
    let app = &team.app;
    let too_much = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "styles", "amount": 90_000_001u64 })),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.code()),
        (409, "quota_exceeded"),
        "{:?}",
        too_much.body
    );
    assert_eq!(
        too_much.body["error"]["details"],
        json!({ "quota": "styles", "needed": 90_000_001u64, "free": 90_000_000u64, "limit": 90_000_000u64 })
    );
    let id = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "styles", "amount": 1000 })),
        )
        .await
        .id();
    let committed = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/reservations/{id}/commit")),
            None,
        )
        .await;
    assert_eq!(committed.body["amount"], 1000);
    let usage = app
        .ok(Some(&team.owner), Method::GET, team.path("/usage"), None)
        .await;
    let styles = usage.body["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["quota"] == "styles")
        .unwrap()
        .clone();
    assert_eq!(
        (styles["used"].as_u64(), styles["reserved"].as_u64()),
        (Some(1000), Some(0))
    );
    let twice = app
        .call(
            Some(&team.owner),
            Method::DELETE,
            team.path(&format!("/reservations/{id}")),
            None,
        )
        .await;
    assert_eq!(twice.status, 404);
}
