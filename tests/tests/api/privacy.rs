//! A workspace the caller may not see answers exactly like one that does not exist.

use reqwest::Method;
use serde_json::{json, Value};
use tuilerie_api::endpoints::endpoints;

use crate::helpers::Team;

/// A well-formed body for each endpoint that takes one.
fn body(schema: &str) -> Value {
    match schema {
        "WorkspacePatch" => json!({ "description": "d" }),
        "Approval" => json!({ "plan": "test" }),
        "StatusChange" => json!({ "status": "suspended" }),
        "NewMembers" => json!({ "emails": ["someone@test.tuilerie.local"], "role": "viewer" }),
        "RoleChange" => json!({ "role": "editor" }),
        "NewJoinRequest" => json!({ "message": "hello" }),
        "JoinAcceptance" => json!({ "role": "viewer" }),
        "NewReservation" => json!({ "quota": "uploads", "amount": 1 }),
        "NewUpload" => json!({ "file_name": "a.geojson", "size": 10 }),
        "NewPyramid" => json!({ "max_zoom": 3 }),
        other => panic!("no body for {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_workspace_and_a_missing_one_answer_alike_on_every_endpoint() {
    let team = Team::new().await;
    let app = &team.app;
    let hidden = app
        .workspace(&team.owner, &team.padmin, "Hidden", false)
        .await;
    let member = team.member("member", "viewer").await;
    let stranger = app.register("stranger").await;
    let missing = "ws_0000000000000000000000000000dead";
    let mut compared = 0;
    for endpoint in endpoints() {
        if !endpoint.path.starts_with("/workspaces/{ws}") {
            continue;
        }
        let method = Method::from_bytes(endpoint.method.as_str().as_bytes()).unwrap();
        let path = |ws: &str| {
            endpoint
                .path
                .replace("{ws}", ws)
                .replace("{user}", &member.sub)
                .replace("{id}", "jr_0000")
        };
        let payload = endpoint.body.map(body);
        let seen = app
            .call(
                Some(&stranger),
                method.clone(),
                path(&hidden),
                payload.clone(),
            )
            .await;
        let unseen = app
            .call(Some(&stranger), method.clone(), path(missing), payload)
            .await;
        let message = |reply: &crate::helpers::Reply, ws: &str| {
            reply.body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .replace(ws, "{ws}")
        };
        assert_eq!(
            (
                seen.status,
                seen.code(),
                message(&seen, &hidden),
                seen.warning
            ),
            (
                unseen.status,
                unseen.code(),
                message(&unseen, missing),
                unseen.warning
            ),
            "{endpoint:?} tells a hidden workspace from a missing one"
        );
        assert!(seen.status >= 400, "{endpoint:?} let a stranger in");
        compared += 1;
    }
    assert!(compared >= 18, "only {compared} endpoints compared");
}
