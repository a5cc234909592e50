//! Racing reservations over HTTP never exceed a quota (held under the cap of open
//! reservations per workspace, so every refusal is the quota's).

use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{quota_of, Team};

const MIB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_racing_reservations_never_overshoot_the_uploads_quota() {
    let team = Team::new().await;
    let app = &team.app;
    let editor = team.member("editor", "editor").await;
    let limits = json!({ "plan": "custom", "limits": { "uploads": 50 * MIB, "databases": MIB, "pyramids": MIB, "styles": MIB, "streams": 2 } });
    app.ok(
        Some(&team.padmin),
        Method::PUT,
        team.path("/limits"),
        Some(limits),
    )
    .await;
    let path = team.path("/reservations");
    let replies = join_all((0..200).map(|i| {
        let who = if i % 2 == 0 { &team.owner } else { &editor };
        app.call(
            Some(who),
            Method::POST,
            &path,
            Some(json!({ "quota": "uploads", "amount": MIB })),
        )
    }))
    .await;
    let accepted = replies.iter().filter(|reply| reply.status == 201).count() as u64;
    let refused = replies
        .iter()
        .filter(|reply| reply.status == 409 && reply.code() == "quota_exceeded")
        .count() as u64;
    let usage = app
        .ok(Some(&team.owner), Method::GET, team.path("/usage"), None)
        .await;
    let uploads = quota_of(&usage.body, "uploads");
    let reserved = uploads["reserved"].as_u64().unwrap();
    let overshoot = reserved.saturating_sub(50 * MIB);
    println!("quota race: 200 × 1 MiB against 50 MiB: accepted {accepted}, refused {refused}, reserved {reserved} bytes, overshoot {overshoot}");
    assert_eq!(
        accepted + refused,
        200,
        "every answer is an acceptance or a quota refusal"
    );
    assert_eq!(accepted, 50);
    assert_eq!(reserved, accepted * MIB);
    assert_eq!(overshoot, 0);
    assert_eq!(
        usage.body["reservations"].as_array().unwrap().len() as u64,
        accepted
    );
}
