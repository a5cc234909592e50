//! The invariants of membership, each attacked over HTTP.

use reqwest::Method;
use serde_json::json;

use crate::helpers::Team;

#[tokio::test(flavor = "multi_thread")]
async fn the_last_owner_can_neither_leave_nor_be_demoted_nor_removed() {
    let team = Team::new().await;
    let app = &team.app;
    let owner = &team.owner;
    let leave = app
        .call(Some(owner), Method::POST, team.path("/leave"), None)
        .await;
    assert_eq!(
        (leave.status, leave.code()),
        (409, "last_owner"),
        "{:?}",
        leave.body
    );
    let demote = app
        .call(
            Some(owner),
            Method::PATCH,
            team.path(&format!("/members/{}", owner.sub)),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(demote.status, 403, "{:?}", demote.body);
    let remove = app
        .call(
            Some(owner),
            Method::DELETE,
            team.path(&format!("/members/{}", owner.sub)),
            None,
        )
        .await;
    assert_eq!(remove.status, 403, "{:?}", remove.body);
    assert_eq!(
        app.role_of(owner, &team.ws, owner).await.as_deref(),
        Some("owner")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_owners_leaving_at_once_leave_one_owner_behind() {
    let team = Team::new().await;
    let app = &team.app;
    let second = team.member("second", "owner").await;
    let (a, b) = tokio::join!(
        app.call(Some(&team.owner), Method::POST, team.path("/leave"), None),
        app.call(Some(&second), Method::POST, team.path("/leave"), None),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409], "{:?} {:?}", a.body, b.body);
    let stayed = if a.status == 409 {
        &team.owner
    } else {
        &second
    };
    let members = app
        .ok(Some(stayed), Method::GET, team.path("/members"), None)
        .await;
    let owners = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count();
    assert_eq!(owners, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_may_demote_another_owner_but_then_cannot_leave() {
    let team = Team::new().await;
    let app = &team.app;
    let second = team.member("second", "owner").await;
    app.ok(
        Some(&team.owner),
        Method::PATCH,
        team.path(&format!("/members/{}", second.sub)),
        Some(json!({ "role": "editor" })),
    )
    .await;
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &second).await.as_deref(),
        Some("editor")
    );
    let leave = app
        .call(Some(&team.owner), Method::POST, team.path("/leave"), None)
        .await;
    assert_eq!(leave.status, 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_changes_their_own_role() {
    let team = Team::new().await;
    let app = &team.app;
    let admin = team.member("admin", "admin").await;
    let editor = team.member("editor", "editor").await;
    for (person, role, wanted) in [
        (&team.owner, "owner", "viewer"),
        (&admin, "admin", "owner"),
        (&editor, "editor", "admin"),
    ] {
        let reply = app
            .call(
                Some(person),
                Method::PATCH,
                team.path(&format!("/members/{}", person.sub)),
                Some(json!({ "role": wanted })),
            )
            .await;
        assert_eq!(
            reply.status, 403,
            "{role} changed their own role: {:?}",
            reply.body
        );
        assert_eq!(
            app.role_of(&team.owner, &team.ws, person).await.as_deref(),
            Some(role)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_never_act_on_owners_or_admins_nor_grant_those_roles() {
    let team = Team::new().await;
    let app = &team.app;
    let admin = team.member("admin", "admin").await;
    let admin2 = team.member("admin2", "admin").await;
    let viewer = team.member("viewer", "viewer").await;
    let newcomer = app.register("newcomer").await;
    let member = |person: &crate::helpers::Person| team.path(&format!("/members/{}", person.sub));
    let attempts = [
        (
            Method::PATCH,
            member(&team.owner),
            Some(json!({ "role": "viewer" })),
        ),
        (
            Method::PATCH,
            member(&admin2),
            Some(json!({ "role": "viewer" })),
        ),
        (Method::DELETE, member(&team.owner), None),
        (Method::DELETE, member(&admin2), None),
        (
            Method::PATCH,
            member(&viewer),
            Some(json!({ "role": "admin" })),
        ),
        (
            Method::PATCH,
            member(&viewer),
            Some(json!({ "role": "owner" })),
        ),
        (
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [newcomer.email], "role": "admin" })),
        ),
        (
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [newcomer.email], "role": "owner" })),
        ),
    ];
    for (method, path, body) in attempts {
        let reply = app
            .call(Some(&admin), method.clone(), &path, body.clone())
            .await;
        assert_eq!(
            reply.status, 403,
            "admin {method} {path} {body:?}: {:?}",
            reply.body
        );
    }
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &team.owner)
            .await
            .as_deref(),
        Some("owner")
    );
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &admin2).await.as_deref(),
        Some("admin")
    );
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &viewer).await.as_deref(),
        Some("viewer")
    );
    assert_eq!(app.role_of(&team.owner, &team.ws, &newcomer).await, None);
    app.ok(
        Some(&admin),
        Method::PATCH,
        member(&viewer),
        Some(json!({ "role": "editor" })),
    )
    .await;
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &viewer).await.as_deref(),
        Some("editor")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn several_emails_are_added_at_once_with_the_same_role() {
    let team = Team::new().await;
    let app = &team.app;
    let people = [
        app.register("ann").await,
        app.register("ben").await,
        app.register("cat").await,
    ];
    let emails: Vec<String> = people.iter().map(|p| p.email.to_uppercase()).collect();
    let reply = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": emails, "role": "editor" })),
        )
        .await;
    assert_eq!(
        reply.body["added"].as_array().unwrap().len(),
        3,
        "{:?}",
        reply.body
    );
    for person in &people {
        assert_eq!(
            app.role_of(&team.owner, &team.ws, person).await.as_deref(),
            Some("editor")
        );
    }
    let again = app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [people[0].email], "role": "viewer" })),
        )
        .await;
    assert_eq!(again.body["added"].as_array().unwrap().len(), 0);
    assert_eq!(again.body["already_members"][0], people[0].email.as_str());
    assert_eq!(
        app.role_of(&team.owner, &team.ws, &people[0])
            .await
            .as_deref(),
        Some("editor")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_email_is_refused_by_name_and_nothing_is_added() {
    let team = Team::new().await;
    let app = &team.app;
    let known = app.register("known").await;
    let reply = app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/members"),
            Some(json!({ "emails": [known.email, "ghost@nowhere.example"], "role": "viewer" })),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (422, "unknown_emails"),
        "{:?}",
        reply.body
    );
    assert_eq!(
        reply.body["error"]["details"]["unknown_emails"],
        json!(["ghost@nowhere.example"])
    );
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ghost@nowhere.example"));
    assert_eq!(app.role_of(&team.owner, &team.ws, &known).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_removed_member_loses_access_at_once() {
    let team = Team::new().await;
    let app = &team.app;
    let editor = team.member("editor", "editor").await;
    app.ok(Some(&editor), Method::GET, team.path(""), None)
        .await;
    app.ok(
        Some(&team.owner),
        Method::DELETE,
        team.path(&format!("/members/{}", editor.sub)),
        None,
    )
    .await;
    let reply = app
        .call(Some(&editor), Method::GET, team.path(""), None)
        .await;
    assert_eq!(reply.status, 404);
    let leave = app
        .call(Some(&editor), Method::POST, team.path("/leave"), None)
        .await;
    assert_eq!(leave.status, 404);
}
