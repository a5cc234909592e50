//! Malformed requests answer a 4xx JSON error, never a 500 or plain text.

use reqwest::Method;
use serde_json::json;

use crate::helpers::Team;

const JSON: Option<&str> = Some("application/json");

/// Method, path, content type, body, expected status and error code.
type Case<'a> = (Method, String, Option<&'a str>, String, u16, &'a str);

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_a_json_client_error() {
    let team = Team::new().await;
    let app = &team.app;
    let member = team.member("member", "viewer").await;
    let long = "x".repeat(81);
    let ws = |rest: &str| team.path(rest);
    let member_path = ws(&format!("/members/{}", member.sub));
    let requests = "/workspace-requests".to_owned();
    let valid = r#"{"name":"a","visibility":"private"}"#.to_owned();
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        (Method::POST, requests.clone(), JSON, "{bad".into(), 400, "bad_json"),
        (Method::POST, requests.clone(), JSON, "".into(), 400, "bad_json"),
        (Method::POST, requests.clone(), None, valid.clone(), 415, "unsupported_media_type"),
        (Method::POST, requests.clone(), Some("text/plain"), valid, 415, "unsupported_media_type"),
        (Method::POST, requests.clone(), JSON, "{}".into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, "[]".into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, r#"{"name":3,"visibility":"private"}"#.into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, r#"{"name":"a","visibility":"secret"}"#.into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, r#"{"name":"a","visibility":"private","colour":"red"}"#.into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, r#"{"name":"a","visibility":"private","expected_streams":-1}"#.into(), 422, "invalid_body"),
        (Method::POST, requests.clone(), JSON, json!({ "name": long, "visibility": "private" }).to_string(), 422, "invalid_input"),
        (Method::POST, requests.clone(), JSON, json!({ "name": "   ", "visibility": "private" }).to_string(), 422, "invalid_input"),
        (Method::POST, requests.clone(), JSON, json!({ "name": "a", "visibility": "private", "justification": "j".repeat(2001) }).to_string(), 422, "invalid_input"),
        (Method::PATCH, ws(""), JSON, json!({ "name": long }).to_string(), 422, "invalid_input"),
        (Method::PATCH, ws(""), JSON, r#"{"visibility":true}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/members"), JSON, r#"{"emails":"a@b.org","role":"viewer"}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/members"), JSON, r#"{"emails":["a@b.org"],"role":"superuser"}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/members"), JSON, r#"{"emails":[],"role":"viewer"}"#.into(), 422, "invalid_input"),
        (Method::POST, ws("/members"), JSON, r#"{"emails":["not an address"],"role":"viewer"}"#.into(), 422, "invalid_input"),
        (Method::POST, ws("/members"), JSON, r#"{"role":"viewer"}"#.into(), 422, "invalid_body"),
        (Method::PATCH, member_path.clone(), JSON, r#"{"role":null}"#.into(), 422, "invalid_body"),
        (Method::PATCH, member_path, JSON, r#"{"role":"OWNER!"}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"uploads","amount":"ten"}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"uploads","amount":-5}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"uploads","amount":0}"#.into(), 422, "invalid_input"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"uploads","amount":1e400}"#.into(), 400, "bad_json"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"streams","amount":1}"#.into(), 422, "invalid_input"),
        (Method::POST, ws("/reservations"), JSON, r#"{"quota":"bytes","amount":1}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/join-requests"), JSON, r#"{"message":42}"#.into(), 422, "invalid_body"),
        (Method::POST, ws("/join-requests"), Some("text/plain"), "hello".into(), 415, "unsupported_media_type"),
        (Method::GET, "/workspaces/ws_doesnotexist".into(), None, "".into(), 404, "not_found"),
        (Method::GET, "/workspaces/not-an-id".into(), None, "".into(), 404, "not_found"),
        (Method::GET, format!("/workspaces/{}", "w".repeat(5000)), None, "".into(), 404, "not_found"),
        (Method::GET, "/workspaces/%FF%FE".into(), None, "".into(), 400, "bad_path"),
        (Method::GET, "/workspace-requests/cr_nothing".into(), None, "".into(), 404, "not_found"),
        (Method::GET, "/workspace-requests?status=everything".into(), None, "".into(), 400, "bad_query"),
        (Method::GET, "/workspace-requests?colour=red".into(), None, "".into(), 400, "bad_query"),
        (Method::PATCH, ws("/members/nobody"), JSON, r#"{"role":"viewer"}"#.into(), 404, "not_found"),
        (Method::DELETE, ws("/members/nobody"), None, "".into(), 404, "not_found"),
        (Method::POST, ws("/join-requests/jr_nothing/accept"), None, "".into(), 404, "not_found"),
        (Method::POST, ws("/join-requests/xx/decline"), None, "".into(), 404, "not_found"),
        (Method::POST, ws("/reservations/rs_nothing/commit"), None, "".into(), 404, "not_found"),
        (Method::DELETE, ws("/reservations/bogus"), None, "".into(), 404, "not_found"),
        (Method::GET, "/no/such/route".into(), None, "".into(), 404, "route_not_found"),
        (Method::PUT, "/me".into(), None, "".into(), 405, "method_not_allowed"),
        (Method::DELETE, "/workspaces".into(), None, "".into(), 405, "method_not_allowed"),
        (Method::GET, ws("/leave"), None, "".into(), 405, "method_not_allowed"),
    ];
    let total = cases.len();
    for (method, path, content_type, body, status, code) in cases {
        let reply = app
            .call_raw(
                Some(&team.owner),
                method.clone(),
                &path,
                content_type,
                body.clone().into_bytes(),
            )
            .await;
        assert_eq!(
            (reply.status, reply.code()),
            (status, code),
            "{method} {} with {body:.80}: {:?}",
            &path[..path.len().min(80)],
            reply.body
        );
    }
    println!("bad input: {total} malformed requests answered 4xx JSON");
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_administrators_inputs_are_checked_too() {
    let team = Team::new().await;
    let app = &team.app;
    let padmin = &team.padmin;
    let id = app.creation_request(&team.owner, "Next", false).await;
    let cases = [
        (
            format!("/workspace-requests/{id}/approve"),
            Method::POST,
            json!({ "plan": "gold" }),
        ),
        (
            format!("/workspace-requests/{id}/approve"),
            Method::POST,
            json!({ "plan": "custom", "limits": { "uploads": -1 } }),
        ),
        (
            format!("/workspace-requests/{id}/reject"),
            Method::POST,
            json!({ "reason": "r".repeat(1001) }),
        ),
        (
            format!("/workspace-requests/{id}/reject"),
            Method::POST,
            json!({}),
        ),
        (team.path("/limits"), Method::PUT, json!({ "limits": {} })),
        (
            team.path("/status"),
            Method::PUT,
            json!({ "status": "frozen" }),
        ),
    ];
    for (path, method, body) in cases {
        let reply = app
            .call(Some(padmin), method.clone(), &path, Some(body.clone()))
            .await;
        assert_eq!(
            reply.status, 422,
            "{method} {path} {body}: {:?}",
            reply.body
        );
    }
    let pending = app
        .ok(
            Some(padmin),
            Method::GET,
            format!("/workspace-requests/{id}"),
            None,
        )
        .await;
    assert_eq!(pending.body["state"]["status"], "pending");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_method_names_the_allowed_ones() {
    let team = Team::new().await;
    let response = team
        .app
        .client
        .put(format!("{}{}", team.app.url, team.path("/members")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let team = Team::new().await;
    let big = format!(
        r#"{{"name":"{}","visibility":"private"}}"#,
        "a".repeat(tuilerie_api::BODY_LIMIT)
    );
    let reply = team
        .app
        .call_raw(
            Some(&team.owner),
            Method::POST,
            "/workspace-requests",
            JSON,
            big.into_bytes(),
        )
        .await;
    assert_eq!((reply.status, reply.code()), (413, "payload_too_large"));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_content_types_with_parameters_or_suffixes_are_accepted() {
    let team = Team::new().await;
    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
    ] {
        let reply = team
            .app
            .call_raw(
                Some(&team.owner),
                Method::PATCH,
                &team.path(""),
                Some(content_type),
                br#"{"description":"via a parameterised content type"}"#.to_vec(),
            )
            .await;
        assert_eq!(reply.status, 200, "{content_type}: {:?}", reply.body);
    }
}
