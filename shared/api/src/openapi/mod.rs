//! The OpenAPI 3.1 document, generated from the table of endpoints.

use serde_json::{json, Map, Value};

use crate::endpoints::endpoints;

mod schemas;

use schemas::{response_schema, schemas};

/// The whole document served at `/openapi.json`.
pub fn document() -> Value {
    let mut paths = Map::new();
    for endpoint in endpoints() {
        let parameters: Vec<Value> = path_parameters(endpoint.path)
            .map(|name| {
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } })
            })
            .collect();
        let mut responses = Map::new();
        let mut success = if endpoint.success == 204 {
            json!({ "description": "Done." })
        } else {
            json!({ "description": "Success.", "content": { "application/json": { "schema": response_schema(endpoint.response) } } })
        };
        if endpoint.path.starts_with("/workspaces/{ws}") {
            success["headers"] = json!({ (crate::warning::QUOTA_WARNING_HEADER): {
                "description": "Present, with `true`, when a quota of the workspace is at 90 % or more.",
                "schema": { "type": "string", "enum": ["true"] }
            } });
        }
        responses.insert(endpoint.success.to_string(), success);
        responses.insert(
            "default".to_owned(),
            json!({ "description": "An error.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
        let mut operation = json!({
            "operationId": operation_id(endpoint.method.as_str(), endpoint.path),
            "summary": endpoint.summary,
            "description": format!("Who may call it: {}.", endpoint.access),
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(body) = endpoint.body {
            operation["requestBody"] = json!({
                "required": !matches!(body, "NewJoinRequest" | "JoinAcceptance"),
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{body}") } } }
            });
        }
        if endpoint.access == "anyone" {
            operation["security"] = json!([]);
        }
        let item = paths
            .entry(endpoint.path.to_owned())
            .or_insert_with(|| json!({}));
        item[endpoint.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tuilerie API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Workspaces, members, requests and quotas of Tuilerie. Errors answer `{\"error\": {\"code\", \"message\", \"details\"}}`; responses under /workspaces/{ws} carry `tuilerie-quota-warning: true` when a quota is at 90 % or more."
        },
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" }
            },
            "schemas": schemas(),
        }
    })
}

/// The `{name}` parameters of a path.
fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

/// A stable operation id such as `post_workspaces_ws_members`.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            id.push('_');
            id.push_str(word);
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_documented_with_its_body_schema() {
        let document = document();
        for endpoint in endpoints() {
            let operation =
                &document["paths"][endpoint.path][endpoint.method.as_str().to_ascii_lowercase()];
            assert_eq!(operation["summary"], endpoint.summary, "{endpoint:?}");
            if let Some(body) = endpoint.body {
                assert!(
                    document["components"]["schemas"][body].is_object(),
                    "{endpoint:?} names a missing schema {body}"
                );
            }
        }
    }

    #[test]
    fn every_answer_schema_is_defined() {
        let document = document();
        for endpoint in endpoints() {
            let name = endpoint.response.trim_end_matches("[]");
            assert!(
                name.is_empty() || document["components"]["schemas"][name].is_object(),
                "{endpoint:?} answers a missing schema {name}"
            );
        }
    }

    #[test]
    fn answers_about_a_workspace_document_the_quota_warning_header() {
        let document = document();
        let answer = &document["paths"]["/workspaces/{ws}/usage"]["get"]["responses"]["200"];
        assert!(answer["headers"]["tuilerie-quota-warning"].is_object());
        let mine = &document["paths"]["/workspaces"]["get"]["responses"]["200"];
        assert!(mine["headers"].is_null());
    }

    #[test]
    fn path_parameters_are_declared() {
        let document = document();
        let operation = &document["paths"]["/workspaces/{ws}/members/{user}"]["patch"];
        let names: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ws", "user"]);
    }
}
