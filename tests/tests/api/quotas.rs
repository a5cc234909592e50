//! Quotas over HTTP: exact refusals and the 90 % warning header.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{quota_of, Team};

const MIB: u64 = 1024 * 1024;

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
    let styles = quota_of(&usage.body, "styles");
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

#[tokio::test(flavor = "multi_thread")]
async fn only_the_member_who_made_a_reservation_settles_it() {
    let team = Team::new().await;
    let app = &team.app;
    let ada = team.member("ada", "editor").await;
    let bob = team.member("bob", "editor").await;
    let made = app
        .ok(
            Some(&ada),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": 1000 })),
        )
        .await;
    assert_eq!(made.body["holder"], ada.sub);
    let id = made.id();
    for (method, path) in [
        (
            Method::POST,
            team.path(&format!("/reservations/{id}/commit")),
        ),
        (Method::DELETE, team.path(&format!("/reservations/{id}"))),
    ] {
        for other in [&bob, &team.owner] {
            let refused = app.call(Some(other), method.clone(), &path, None).await;
            assert_eq!(refused.status, 403, "{method} {path}: {}", refused.body);
        }
    }
    let usage = app
        .ok(Some(&ada), Method::GET, team.path("/usage"), None)
        .await;
    assert_eq!(quota_of(&usage.body, "uploads")["reserved"], 1000);
    app.ok(
        Some(&ada),
        Method::POST,
        team.path(&format!("/reservations/{id}/commit")),
        None,
    )
    .await;
    let usage = app
        .ok(Some(&ada), Method::GET, team.path("/usage"), None)
        .await;
    assert_eq!(quota_of(&usage.body, "uploads")["used"], 1000);
    let too_much = app
        .call(
            Some(&ada),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": u64::MAX })),
        )
        .await;
    assert_eq!(too_much.status, 422, "{}", too_much.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_holds_at_most_a_hundred_open_reservations() {
    let team = Team::new().await;
    let app = &team.app;
    let body = json!({ "quota": "styles", "amount": 1 });
    for _ in 0..100 {
        app.ok(
            Some(&team.owner),
            Method::POST,
            team.path("/reservations"),
            Some(body.clone()),
        )
        .await;
    }
    let refused = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/reservations"),
            Some(body),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 100"));
}
