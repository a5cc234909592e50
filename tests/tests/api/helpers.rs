//! Each test gets its own server: the real router over SQLite in a fresh temporary directory,
//! on a random port, with its own token secret.

use reqwest::Method;
use serde_json::{json, Value};
use tempfile::TempDir;
use tuilerie_api::{LocalAuthenticator, TokenClaims};
use tuilerie_app::{App, Config};

/// A running server and a client for it.
pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub auth: LocalAuthenticator,
    _dir: TempDir,
}

/// A user of the platform, with a valid token.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub sub: String,
    pub token: String,
}

/// An answer of the server.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub warning: bool,
}

impl Reply {
    /// The error code of a failed answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The `id` of the answered object.
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
            .to_owned()
    }
}

impl TestApp {
    /// Starts a server over a fresh SQLite file, built as `tuilerie serve` builds it.
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let secret = fresh_secret();
        let app = App::build(Config::Local {
            records: dir.path().join("records.sqlite"),
            secret: secret.as_bytes().to_vec(),
            data: dir.path().to_path_buf(),
            jobs: 2,
        })
        .await
        .unwrap();
        let auth = LocalAuthenticator::new(secret.as_bytes());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        app.listening_on(&url).await.unwrap();
        let router = app.router();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        TestApp {
            url,
            client: reqwest::Client::new(),
            auth,
            _dir: dir,
        }
    }

    /// A token for `name@test.tuilerie.local`, not yet registered.
    pub fn person(&self, name: &str, platform_admin: bool) -> Person {
        let email = format!("{name}@test.tuilerie.local");
        let sub = format!("sub-{name}");
        let claims = TokenClaims::new(&sub, &email, platform_admin, chrono::Duration::hours(1));
        Person {
            token: self.auth.issue(&claims).unwrap(),
            email,
            sub,
        }
    }

    /// A user registered by their first call.
    pub async fn register(&self, name: &str) -> Person {
        let person = self.person(name, false);
        self.ok(Some(&person), Method::GET, "/me", None).await;
        person
    }

    /// A registered platform administrator.
    pub async fn platform_admin(&self, name: &str) -> Person {
        let person = self.person(name, true);
        self.ok(Some(&person), Method::GET, "/me", None).await;
        person
    }

    /// Sends a request; a body is sent as JSON.
    pub async fn call(
        &self,
        who: Option<&Person>,
        method: Method,
        path: impl AsRef<str>,
        body: Option<Value>,
    ) -> Reply {
        let path = path.as_ref();
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(person) = who {
            request = request.bearer_auth(&person.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    /// Sends a request that must succeed.
    pub async fn ok(
        &self,
        who: Option<&Person>,
        method: Method,
        path: impl AsRef<str>,
        body: Option<Value>,
    ) -> Reply {
        let path = path.as_ref();
        let reply = self.call(who, method.clone(), path, body).await;
        assert!(
            (200..300).contains(&reply.status),
            "{method} {path} answered {}: {}",
            reply.status,
            reply.body
        );
        reply
    }

    /// Asks for a workspace as `owner` and has `platform_admin` approve it on the test plan.
    pub async fn workspace(
        &self,
        owner: &Person,
        platform_admin: &Person,
        name: &str,
        public: bool,
    ) -> String {
        let request = self.creation_request(owner, name, public).await;
        let approved = self
            .ok(
                Some(platform_admin),
                Method::POST,
                &format!("/workspace-requests/{request}/approve"),
                Some(json!({ "plan": "test" })),
            )
            .await;
        approved.body["id"].as_str().unwrap().to_owned()
    }

    /// A pending creation request by `requester`.
    pub async fn creation_request(&self, requester: &Person, name: &str, public: bool) -> String {
        let body = if public {
            json!({ "name": name, "visibility": "public", "justification": "Open data for everyone to join." })
        } else {
            json!({ "name": name, "visibility": "private" })
        };
        self.ok(
            Some(requester),
            Method::POST,
            "/workspace-requests",
            Some(body),
        )
        .await
        .id()
    }

    /// Adds members with one role.
    pub async fn add(&self, by: &Person, workspace: &str, people: Vec<&Person>, role: &str) {
        let emails: Vec<&str> = people.iter().map(|person| person.email.as_str()).collect();
        self.ok(
            Some(by),
            Method::POST,
            &format!("/workspaces/{workspace}/members"),
            Some(json!({ "emails": emails, "role": role })),
        )
        .await;
    }

    /// The role of a user in a workspace, as its member list says.
    pub async fn role_of(
        &self,
        reader: &Person,
        workspace: &str,
        person: &Person,
    ) -> Option<String> {
        let members = self
            .ok(
                Some(reader),
                Method::GET,
                &format!("/workspaces/{workspace}/members"),
                None,
            )
            .await;
        members.body.as_array().unwrap().iter().find_map(|member| {
            (member["user"] == person.sub.as_str())
                .then(|| member["role"].as_str().unwrap().to_owned())
        })
    }
}

/// Reads an answer, checking every failure has the JSON error shape.
pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let warning = response
        .headers()
        .get("tuilerie-quota-warning")
        .is_some_and(|value| value == "true");
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let bytes = response.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let body = if text.is_empty() {
        Value::Null
    } else if !json && status < 400 {
        // A tile or another binary answer: its size only.
        json!({ "bytes": bytes.len() })
    } else {
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("answer {status} is not JSON ({error}): {text}"))
    };
    if status >= 400 {
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "answer {status} lacks the error shape: {body}"
        );
    }
    Reply {
        status,
        body,
        warning,
    }
}

/// A secret of this server only, so its tokens are valid nowhere else.
fn fresh_secret() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-secret-{nanos}")
}

/// A server with a platform administrator and a workspace owned by `owner`.
pub struct Team {
    pub app: TestApp,
    pub owner: Person,
    pub padmin: Person,
    pub ws: String,
}

impl Team {
    /// A fresh server with a public workspace (test plan) owned by `owner`.
    pub async fn new() -> Team {
        let app = TestApp::spawn().await;
        let owner = app.register("owner").await;
        let padmin = app.platform_admin("padmin").await;
        let ws = app.workspace(&owner, &padmin, "Team", true).await;
        Team {
            app,
            owner,
            padmin,
            ws,
        }
    }

    /// Registers a user and adds them with a role.
    pub async fn member(&self, name: &str, role: &str) -> Person {
        let person = self.app.register(name).await;
        self.app
            .add(&self.owner, &self.ws, vec![&person], role)
            .await;
        person
    }

    /// A path under the workspace, e.g. `/members`.
    pub fn path(&self, rest: &str) -> String {
        format!("/workspaces/{}{rest}", self.ws)
    }
}

impl TestApp {
    /// Sends a raw body with an optional content type.
    pub async fn call_raw(
        &self,
        who: Option<&Person>,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(person) = who {
            request = request.bearer_auth(&person.token);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        read(request.body(body).send().await.unwrap()).await
    }
}

/// One quota's figures (`used`, `reserved`, `limit`, ...) in a usage answer.
pub fn quota_of(usage: &Value, quota: &str) -> Value {
    usage["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|status| status["quota"] == quota)
        .unwrap_or_else(|| panic!("no {quota} quota in {usage}"))
        .clone()
}
