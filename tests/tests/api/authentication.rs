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
