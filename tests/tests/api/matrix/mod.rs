//! The roles matrix: every endpoint × every kind of caller × the caller's own workspace (A) or
//! another one (B), each cell checked over HTTP; cells that change something get a fresh
//! fixture of their own.
//!
//! Columns A/B: for endpoints under `/workspaces/{ws}`, A is workspace W1 (public; owner,
//! admin, editor and viewer are its members) and B is workspace W2 (private; the outsider is
//! its editor). For `/workspace-requests/{id}`, A is a pending request of W1's owner and B a
//! pending request of the stranger. Other endpoints have column A only. A row may also name a
//! variant of an endpoint with a query string (`?status=pending`).

use futures::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Person, TestApp};

mod table;

use table::{cells, Cell, CALLERS};

/// Two workspaces with one member of each role, a pending join request, open reservations
/// and pending creation requests.
struct Fixture {
    app: TestApp,
    callers: Vec<Option<Person>>,
    w1: String,
    w2: String,
    extra1: Person,
    extra2: Person,
    recruit: Person,
    join1: String,
    reservation1: String,
    reservation2: String,
    request_of_owner: String,
    request_of_stranger: String,
    items1: Option<Items>,
    items2: Option<Items>,
}

/// An upload of a small file, the database it became and a generated sample of it.
struct Items {
    upload: String,
    database: String,
    pyramid: String,
}

/// A few features around Paris.
const PARIS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"nom":"Paris","population":2133111},"geometry":{"type":"Point","coordinates":[2.35,48.85]}},
{"type":"Feature","properties":{"nom":"Cité","population":null},"geometry":{"type":"Polygon","coordinates":[[[2.33,48.84],[2.37,48.84],[2.37,48.86],[2.33,48.86],[2.33,48.84]]]}}
]}"#;

/// Whether an endpoint acts on a pipeline item, so its fixture needs some.
fn needs_items(endpoint: &str) -> bool {
    ["/uploads/", "/databases/", "/pyramids/"]
        .iter()
        .any(|part| endpoint.contains(part))
}

async fn items(app: &TestApp, who: &Person, ws: &str) -> Items {
    let ticket = app
        .ok(
            Some(who),
            Method::POST,
            format!("/workspaces/{ws}/uploads"),
            Some(json!({
                "file_name": "paris.geojson",
                "size": PARIS.len(),
                "then": { "sample": { "max_zoom": 3, "point": [2.35, 48.85] } }
            })),
        )
        .await;
    let url = ticket.body["upload_url"].as_str().unwrap();
    let put = app.client.put(url).body(PARIS).send().await.unwrap();
    assert_eq!(put.status(), 200);
    let upload = ticket.body["upload"]["id"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let now = app
            .ok(
                Some(who),
                Method::GET,
                format!("/workspaces/{ws}/uploads/{upload}"),
                None,
            )
            .await
            .body;
        assert_ne!(now["state"], "failed", "{now}");
        if let Some(pyramid) = now["pyramid"].as_str() {
            let state = app
                .ok(
                    Some(who),
                    Method::GET,
                    format!("/workspaces/{ws}/pyramids/{pyramid}"),
                    None,
                )
                .await
                .body;
            assert_ne!(state["state"], "failed", "{state}");
            if state["state"] == "generated" {
                return Items {
                    database: now["database"].as_str().unwrap().to_owned(),
                    pyramid: pyramid.to_owned(),
                    upload,
                };
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the fixture's sample was not generated");
}

impl Fixture {
    async fn build(with_items: bool) -> Fixture {
        let app = TestApp::spawn().await;
        let names = [
            "owner", "admin", "editor", "viewer", "outsider", "stranger", "owner2", "extra1",
            "extra2", "recruit",
        ];
        let people: Vec<Person> =
            futures::future::join_all(names.iter().map(|name| app.register(name))).await;
        let [owner, admin, editor, viewer, outsider, stranger, owner2, extra1, extra2, recruit] =
            <[Person; 10]>::try_from(people).unwrap();
        let padmin = app.platform_admin("padmin").await;
        let (w1, w2, request_of_owner, request_of_stranger) = tokio::join!(
            app.workspace(&owner, &padmin, "W1", true),
            app.workspace(&owner2, &padmin, "W2", false),
            app.creation_request(&owner, "Owner's next", false),
            app.creation_request(&stranger, "Stranger's own", false),
        );
        tokio::join!(
            app.add(&owner, &w1, vec![&admin], "admin"),
            app.add(&owner, &w1, vec![&editor], "editor"),
            app.add(&owner, &w1, vec![&viewer, &extra1], "viewer"),
            app.add(&owner2, &w2, vec![&outsider], "editor"),
            app.add(&owner2, &w2, vec![&extra2], "viewer"),
        );
        let reserve = json!({ "quota": "uploads", "amount": 1000 });
        let (join1, reservation1, reservation2) = tokio::join!(
            app.ok(
                Some(&stranger),
                Method::POST,
                format!("/workspaces/{w1}/join-requests"),
                Some(json!({}))
            ),
            app.ok(
                Some(&editor),
                Method::POST,
                format!("/workspaces/{w1}/reservations"),
                Some(reserve.clone())
            ),
            app.ok(
                Some(&outsider),
                Method::POST,
                format!("/workspaces/{w2}/reservations"),
                Some(reserve)
            ),
        );
        let (items1, items2) = if with_items {
            let (one, two) = tokio::join!(items(&app, &owner, &w1), items(&app, &owner2, &w2));
            (Some(one), Some(two))
        } else {
            (None, None)
        };
        let callers = vec![
            Some(owner),
            Some(admin),
            Some(editor),
            Some(viewer),
            Some(outsider),
            Some(stranger),
            None,
            Some(padmin),
        ];
        Fixture {
            app,
            callers,
            w1,
            w2,
            extra1,
            extra2,
            recruit,
            join1: join1.id(),
            reservation1: reservation1.id(),
            reservation2: reservation2.id(),
            request_of_owner,
            request_of_stranger,
            items1,
            items2,
        }
    }

    /// The concrete path of an endpoint for column A (`other == false`) or B.
    fn path(&self, template: &str, other: bool) -> String {
        let (ws, user, reservation) = if other {
            (&self.w2, &self.extra2, &self.reservation2)
        } else {
            (&self.w1, &self.extra1, &self.reservation1)
        };
        let id = if template.starts_with("/workspace-requests/") {
            if other {
                &self.request_of_stranger
            } else {
                &self.request_of_owner
            }
        } else if template.contains("/reservations/") {
            reservation
        } else if needs_items(template) {
            let items = if other { &self.items2 } else { &self.items1 };
            let items = items.as_ref().unwrap();
            if template.contains("/uploads/") {
                &items.upload
            } else if template.contains("/databases/") {
                &items.database
            } else {
                &items.pyramid
            }
        } else {
            &self.join1
        };
        template
            .replace("{ws}", ws)
            .replace("{user}", &user.sub)
            .replace("{id}", id)
            .replace("{z}/{x}/{y}", "3/4/2")
    }

    /// The body each endpoint is called with.
    fn body(&self, method: &str, template: &str) -> Option<Value> {
        let body = match (method, template) {
            ("POST", "/workspace-requests") => {
                json!({ "name": "Another", "visibility": "private" })
            }
            (_, "/workspace-requests/{id}/approve") => json!({ "plan": "test" }),
            (_, "/workspace-requests/{id}/reject") => json!({ "reason": "not now" }),
            ("PATCH", "/workspaces/{ws}") => json!({ "description": "changed" }),
            (_, "/workspaces/{ws}/limits") => json!({ "plan": "standard" }),
            (_, "/workspaces/{ws}/status") => json!({ "status": "suspended" }),
            ("POST", "/workspaces/{ws}/members") => {
                json!({ "emails": [self.recruit.email], "role": "viewer" })
            }
            ("PATCH", "/workspaces/{ws}/members/{user}") => json!({ "role": "editor" }),
            ("POST", "/workspaces/{ws}/join-requests") => json!({ "message": "hello" }),
            (_, "/workspaces/{ws}/join-requests/{id}/accept") => json!({}),
            ("POST", "/workspaces/{ws}/reservations") => {
                json!({ "quota": "uploads", "amount": 1000 })
            }
            ("POST", "/workspaces/{ws}/uploads") => {
                json!({ "file_name": "paris.geojson", "size": PARIS.len() })
            }
            ("POST", "/workspaces/{ws}/databases/{id}/pyramids") => json!({ "max_zoom": 3 }),
            _ => return None,
        };
        Some(body)
    }

    async fn status(&self, caller: usize, endpoint: &str, other: bool) -> u16 {
        let (method, template) = endpoint.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = self.body(method.as_str(), template);
        self.app
            .call(
                self.callers[caller].as_ref(),
                method,
                &self.path(template, other),
                body,
            )
            .await
            .status
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_roles_matrix_holds_over_http() {
    let cells = cells();
    let total = cells.len();
    let (reads, writes): (Vec<&Cell>, Vec<&Cell>) = cells
        .iter()
        .partition(|cell| cell.endpoint.starts_with("GET "));
    let shared = Fixture::build(true).await;
    let mut results = Vec::with_capacity(total);
    for cell in reads {
        let actual = shared.status(cell.caller, cell.endpoint, cell.other).await;
        results.push((cell, actual));
    }
    let written: Vec<(&Cell, u16)> = stream::iter(writes)
        .map(|cell| async move {
            let fixture = Fixture::build(needs_items(cell.endpoint)).await;
            (
                cell,
                fixture.status(cell.caller, cell.endpoint, cell.other).await,
            )
        })
        .buffer_unordered(6)
        .collect()
        .await;
    results.extend(written);
    let mismatches: Vec<String> = results
        .iter()
        .filter(|(cell, actual)| cell.expected != *actual)
        .map(|(cell, actual)| {
            format!(
                "{} [{}] as {}: expected {}, got {}",
                cell.endpoint,
                if cell.other { "B" } else { "A" },
                CALLERS[cell.caller],
                cell.expected,
                actual
            )
        })
        .collect();
    println!(
        "roles matrix: {} cells tested / {} cells, {} mismatches",
        results.len(),
        total,
        mismatches.len()
    );
    assert_eq!(results.len(), total);
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}
