//! Bearer tokens: invalid, foreign and expired ones are refused; no token is anonymous.

use reqwest::Method;

use crate::helpers::{read, Team};

#[tokio::test(flavor = "multi_thread")]
async fn invalid_or_expired_tokens_are_refused_with_401() {
    let team = Team::new().await;
    let app = &team.app;
    let expired = tuilerie_api::TokenClaims::new(
        "sub-old",
        "old@test.tuilerie.local",
        false,
        chrono::Duration::hours(-2),
    );
    let expired = app.auth.issue(&expired).unwrap();
    let foreign = tuilerie_api::LocalAuthenticator::new(b"another secret")
        .issue(&tuilerie_api::TokenClaims::new(
            "sub-x",
            "x@test.tuilerie.local",
            true,
            chrono::Duration::hours(1),
        ))
        .unwrap();
    for header in [
        format!("Bearer {expired}"),
        format!("Bearer {foreign}"),
        "Bearer abc.def.ghi".to_owned(),
        "Basic dXNlcjpwYXNz".to_owned(),
        "Bearer".to_owned(),
    ] {
        let response = app
            .client
            .get(format!("{}/me", app.url))
            .header("authorization", &header)
            .send()
            .await
            .unwrap();
        let reply = read(response).await;
        assert_eq!(
            (reply.status, reply.code()),
            (401, "invalid_token"),
            "{header:.20}"
        );
    }
    let anonymous = app.call(None, Method::GET, "/me", None).await;
    assert_eq!(
        (anonymous.status, anonymous.code()),
        (401, "unauthenticated")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_signed_for_one_server_is_refused_by_another() {
    let first = crate::helpers::TestApp::spawn().await;
    let second = crate::helpers::TestApp::spawn().await;
    let ada = first.register("ada").await;
    let reply = second.call(Some(&ada), Method::GET, "/me", None).await;
    assert_eq!((reply.status, reply.code()), (401, "invalid_token"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_is_registered_on_their_first_call_and_found_by_email_afterwards() {
    let team = Team::new().await;
    let app = &team.app;
    let unseen = app.person("unseen", false);
    let before = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/members"),
            Some(serde_json::json!({ "emails": [unseen.email], "role": "viewer" })),
        )
        .await;
    assert_eq!(before.code(), "unknown_emails");
    let me = app.ok(Some(&unseen), Method::GET, "/me", None).await;
    assert_eq!(me.body["user"]["email"], unseen.email.as_str());
    assert_eq!(me.body["platform_admin"], false);
    app.add(&team.owner, &team.ws, vec![&unseen], "viewer")
        .await;
    let me = app.ok(Some(&unseen), Method::GET, "/me", None).await;
    assert_eq!(me.body["workspaces"][0]["role"], "viewer");
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_callers_are_asked_to_authenticate_before_their_body_is_read() {
    let team = Team::new().await;
    let app = &team.app;
    for (method, path, body) in [
        (Method::POST, "/workspace-requests".to_owned(), "{}"),
        (Method::POST, "/workspace-requests".to_owned(), "not json"),
        (Method::POST, team.path("/uploads"), "{\"size\": -1}"),
        (Method::PATCH, team.path(""), "[]"),
    ] {
        let reply = app
            .call_raw(
                None,
                method.clone(),
                &path,
                Some("application/json"),
                body.into(),
            )
            .await;
        assert_eq!(reply.status, 401, "{method} {path} {body}: {}", reply.body);
        assert_eq!(reply.code(), "unauthenticated");
        let plain = app
            .call_raw(None, method.clone(), &path, Some("text/plain"), body.into())
            .await;
        assert_eq!(plain.status, 401, "{method} {path} as text: {}", plain.body);
    }
}
