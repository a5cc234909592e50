//! The membership Lambda end to end: real API Gateway events, the API router, and the records
//! on DynamoDB (emulated by moto).
#![allow(clippy::expect_used)]

use axum::body::to_bytes;
use serde_json::{json, Value};
use tower::ServiceExt;
use tuilerie_app::App;
use tuilerie_aws::records::create_table;
use tuilerie_membership::Config;
use tuilerie_tests::moto::Moto;

const GET_ME: &str = include_str!("../../events/apigw-v2-get-me.json");
const ANONYMOUS: &str = include_str!("../../events/apigw-v2-anonymous-workspaces.json");
const POST_REQUEST: &str = include_str!("../../events/apigw-v2-post-workspace-request.json");

async fn lambda_app() -> axum::Router {
    let moto = Moto::start().await;
    let client = moto.dynamodb().await;
    let table = moto.unique_name("records");
    create_table(&client, &table).await.expect("create table");
    let config = Config::from_env(|name| (name == "TABLE_NAME").then(|| table.clone()))
        .expect("the table name");
    App::build(config.app(moto.sdk_config().await))
        .await
        .expect("the Lambda's application")
        .router()
}

/// Sends an API Gateway v2 event through the app; returns the status and JSON body.
async fn invoke(app: &axum::Router, event: &str) -> (u16, Value) {
    let request = lambda_http::request::from_str(event).expect("a valid API Gateway event");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).expect("JSON body")
    };
    (status, json)
}

/// The GET /me event rewritten as another route, method and body, same caller.
fn admin_event(method: &str, path: &str, body: Option<Value>) -> String {
    let mut event: Value = serde_json::from_str(GET_ME).expect("event");
    event["rawPath"] = json!(path);
    event["routeKey"] = json!(format!("{method} {path}"));
    event["requestContext"]["routeKey"] = event["routeKey"].clone();
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    if let Some(body) = body {
        event["headers"]["content-type"] = json!("application/json");
        event["body"] = json!(body.to_string());
    }
    event.to_string()
}

/// The POST request event's caller, asking for another route.
fn alice_event(method: &str, path: &str) -> String {
    let mut event: Value = serde_json::from_str(POST_REQUEST).expect("event");
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    event.as_object_mut().expect("object").remove("body");
    event.to_string()
}

#[tokio::test]
async fn a_caller_verified_by_the_gateway_is_registered_with_the_claims_groups() {
    let app = lambda_app().await;
    let (status, body) = invoke(&app, GET_ME).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "admin@example.org");
    assert_eq!(body["user"]["id"], "8f0c1a2e-5b6d-4c7e-9f10-111213141516");
    assert_eq!(body["platform_admin"], true);
}

#[tokio::test]
async fn a_request_without_gateway_claims_is_anonymous_even_with_a_bearer_header() {
    let app = lambda_app().await;
    let (status, body) = invoke(&app, ANONYMOUS).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "unauthenticated");

    let mut forged: Value = serde_json::from_str(ANONYMOUS).expect("event");
    forged["headers"]["authorization"] = json!("Bearer eyJhbGciOiJub25lIn0.e30.");
    let (status, _) = invoke(&app, &forged.to_string()).await;
    assert_eq!(
        status, 401,
        "a header alone must not authenticate behind the gateway"
    );
}

#[tokio::test]
async fn a_workspace_requested_and_approved_through_lambda_events_is_stored_in_dynamodb() {
    let app = lambda_app().await;
    let (status, request) = invoke(&app, POST_REQUEST).await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["name"], "Réseau cyclable");
    let id = request["id"].as_str().expect("request id");

    let approve = admin_event(
        "POST",
        &format!("/workspace-requests/{id}/approve"),
        Some(json!({"plan": "test"})),
    );
    let (status, workspace) = invoke(&app, &approve).await;
    assert_eq!(status, 200, "{workspace}");

    let (status, mine) = invoke(&app, &alice_event("GET", "/workspaces")).await;
    assert_eq!(status, 200, "{mine}");
    let mine = mine.as_array().expect("a list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], workspace["id"]);
    assert_eq!(mine[0]["role"], "owner");
    assert_eq!(mine[0]["name"], "Réseau cyclable");
}
