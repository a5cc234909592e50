//! The OpenAPI document served by the API.

use reqwest::Method;

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
            let name = reference.rsplit('/').next().unwrap();
            assert_eq!(name, body);
            assert!(
                document["components"]["schemas"][name]["properties"].is_object(),
                "{name}"
            );
        }
    }
}
