//! Workspace settings and suspension.

use reqwest::Method;
use serde_json::json;

use crate::helpers::Team;

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
async fn limits_no_counter_can_hold_are_refused_and_every_read_keeps_working() {
    let team = Team::new().await;
    let app = &team.app;
    for limits in [
        json!({ "uploads": u64::MAX, "databases": 1, "pyramids": 1, "styles": 1, "streams": 1 }),
        json!({ "uploads": 1, "databases": 1, "pyramids": 1, "styles": 9_007_199_254_740_993u64, "streams": 1 }),
        json!({ "uploads": 1, "databases": 1, "pyramids": 1, "styles": 1, "streams": u64::MAX }),
    ] {
        let reply = app
            .call(
                Some(&team.padmin),
                Method::PUT,
                team.path("/limits"),
                Some(json!({ "plan": "custom", "limits": limits })),
            )
            .await;
        assert_eq!(reply.status, 422, "{limits}: {}", reply.body);
        assert!(reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limits."));
    }
    let most = 9_007_199_254_740_992u64;
    app.ok(
        Some(&team.padmin),
        Method::PUT,
        team.path("/limits"),
        Some(json!({ "plan": "custom", "limits": {
            "uploads": most, "databases": most, "pyramids": most, "styles": most, "streams": 1000
        } })),
    )
    .await;
    for path in [
        "/me".to_owned(),
        "/workspaces".to_owned(),
        team.path(""),
        team.path("/usage"),
    ] {
        app.ok(Some(&team.owner), Method::GET, &path, None).await;
    }
}
