//! The OpenAPI document served by the API: valid OpenAPI 3.1, complete, and true to the
//! answers the server really gives.

use std::path::PathBuf;
use std::process::Command;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::Team;

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_endpoint_and_body_schema() {
    let team = Team::new().await;
    let document = team
        .app
        .ok(None, Method::GET, "/openapi.json", None)
        .await
        .body;
    assert_eq!(document["openapi"], "3.1.0");
    for endpoint in tuilerie_api::endpoints::endpoints() {
        let operation =
            &document["paths"][endpoint.path][endpoint.method.as_str().to_ascii_lowercase()];
        assert!(operation.is_object(), "{endpoint:?} missing");
        if let Some(body) = endpoint.body {
            let reference = operation["requestBody"]["content"]["application/json"]["schema"]
                ["$ref"]
                .as_str()
                .unwrap();
            assert_eq!(reference.rsplit('/').next().unwrap(), body);
            assert!(
                document["components"]["schemas"][body]["properties"].is_object(),
                "{body}"
            );
        }
    }
}

/// The directory of the Python test tools.
fn tools_dir() -> PathBuf {
    let dir = std::env::var_os("TUILERIE_TOOLS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin"),
        PathBuf::from,
    );
    assert!(
        dir.join("openapi-spec-validator").is_file(),
        "openapi-spec-validator not found in {}: run scripts/test to install the test tools",
        dir.display()
    );
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_passes_an_independent_validator() {
    let team = Team::new().await;
    let document = team
        .app
        .ok(None, Method::GET, "/openapi.json", None)
        .await
        .body;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&document).unwrap()).unwrap();
    let output = Command::new(tools_dir().join("openapi-spec-validator"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "openapi-spec-validator refused the document:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Checks a value against the subset of JSON Schema the document uses; returns what differs.
fn check(schemas: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return check(schemas, &schemas[name], value, at, errors);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options
            .iter()
            .filter(|option| {
                let mut inner = Vec::new();
                check(schemas, option, value, at, &mut inner);
                inner.is_empty()
            })
            .count();
        if matching != 1 {
            errors.push(format!("{at}: {matching} of oneOf match {value}"));
        }
        return;
    }
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let fits = allowed.is_empty()
        || allowed.contains(&kind)
        || (kind == "integer" && allowed.contains(&"number"));
    if !fits {
        errors.push(format!("{at}: {kind} where {allowed:?} is expected"));
        return;
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if !schema["const"].is_null() && schema["const"] != *value {
        errors.push(format!("{at}: {value} is not {}", schema["const"]));
    }
    if let Some(required) = schema["required"].as_array() {
        for name in required.iter().filter_map(Value::as_str) {
            if value.get(name).is_none() {
                errors.push(format!("{at}: `{name}` is missing"));
            }
        }
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for (name, property) in properties {
            if let Some(inner) = object.get(name) {
                check(schemas, property, inner, &format!("{at}.{name}"), errors);
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (index, item) in array.iter().enumerate() {
            check(schemas, items, item, &format!("{at}[{index}]"), errors);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn real_answers_match_their_documented_schemas() {
    let team = Team::new().await;
    let app = &team.app;
    let editor = team.member("editor", "editor").await;
    let carol = app.register("carol").await;
    let document = app.ok(None, Method::GET, "/openapi.json", None).await.body;
    let schemas = &document["components"]["schemas"];
    let pending_request = app.creation_request(&carol, "Carol's", false).await;
    let join = app
        .ok(
            Some(&carol),
            Method::POST,
            team.path("/join-requests"),
            Some(json!({ "message": "hi" })),
        )
        .await
        .id();
    let reservation = app
        .ok(
            Some(&editor),
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "uploads", "amount": 5 })),
        )
        .await
        .id();
    let calls = [
        (&team.owner, Method::GET, "/me".to_owned(), None),
        (&carol, Method::GET, "/directory".to_owned(), None),
        (&team.owner, Method::GET, "/workspaces".to_owned(), None),
        (&carol, Method::GET, "/join-requests".to_owned(), None),
        (
            &team.padmin,
            Method::GET,
            "/workspace-requests?status=pending".to_owned(),
            None,
        ),
        (
            &team.owner,
            Method::GET,
            "/workspace-requests".to_owned(),
            None,
        ),
        (
            &team.padmin,
            Method::POST,
            format!("/workspace-requests/{pending_request}/reject"),
            Some(json!({ "reason": "no" })),
        ),
        (&team.owner, Method::GET, team.path(""), None),
        (
            &team.owner,
            Method::PATCH,
            team.path(""),
            Some(json!({ "description": "d" })),
        ),
        (
            &team.padmin,
            Method::PUT,
            team.path("/limits"),
            Some(json!({ "plan": "standard" })),
        ),
        (&team.owner, Method::GET, team.path("/members"), None),
        (
            &team.owner,
            Method::PATCH,
            team.path(&format!("/members/{}", editor.sub)),
            Some(json!({ "role": "viewer" })),
        ),
        (
            &team.owner,
            Method::PATCH,
            team.path(&format!("/members/{}", editor.sub)),
            Some(json!({ "role": "editor" })),
        ),
        (&team.owner, Method::GET, team.path("/join-requests"), None),
        (
            &team.owner,
            Method::POST,
            team.path(&format!("/join-requests/{join}/accept")),
            None,
        ),
        (
            &team.owner,
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [carol.email], "role": "viewer" })),
        ),
        (&editor, Method::GET, team.path("/usage"), None),
        (
            &editor,
            Method::POST,
            team.path(&format!("/reservations/{reservation}/commit")),
            None,
        ),
        (
            &editor,
            Method::POST,
            team.path("/reservations"),
            Some(json!({ "quota": "styles", "amount": 1 })),
        ),
        (
            &team.owner,
            Method::POST,
            "/workspace-requests".to_owned(),
            Some(json!({ "name": "x", "visibility": "private" })),
        ),
        (
            &carol,
            Method::DELETE,
            team.path("/reservations/rs_nothing"),
            None,
        ),
    ];
    let mut noticed = Vec::new();
    let wrong = json!({ "id": 3, "state": { "status": "lost" } });
    check(
        schemas,
        &json!({ "$ref": "#/components/schemas/JoinRequest" }),
        &wrong,
        "wrong",
        &mut noticed,
    );
    assert!(
        noticed.len() >= 3,
        "the checker misses differences: {noticed:?}"
    );
    let endpoints = tuilerie_api::endpoints::endpoints();
    let mut errors = Vec::new();
    for (who, method, path, body) in calls {
        let reply = app.call(Some(who), method.clone(), &path, body).await;
        let bare = path.split('?').next().unwrap();
        let endpoint = endpoints
            .iter()
            .find(|endpoint| {
                endpoint.method.as_str() == method.as_str()
                    && endpoint.path.split('/').count() == bare.split('/').count()
                    && endpoint
                        .path
                        .split('/')
                        .zip(bare.split('/'))
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .unwrap();
        let operation = &document["paths"][endpoint.path][method.as_str().to_ascii_lowercase()];
        let answer = &operation["responses"][reply.status.to_string()];
        let answer = if answer.is_null() {
            &operation["responses"]["default"]
        } else {
            answer
        };
        let schema = &answer["content"]["application/json"]["schema"];
        check(
            schemas,
            schema,
            &reply.body,
            &format!("{method} {bare} ({})", reply.status),
            &mut errors,
        );
    }
    assert!(
        errors.is_empty(),
        "answers differ from the document:\n{}",
        errors.join("\n")
    );
}
