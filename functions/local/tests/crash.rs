//! The server killed (SIGKILL) while a job integrates, while it tiles and right after the bytes
//! came, then started again on the same data directory: every job ends `generated` or
//! `failed` with a report, nothing is lost, and the quotas count exactly the bytes stored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{json, Value};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every commune of France as a Lambert-93 GeoPackage (about 27 MB), written once by GDAL.
fn france() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tuilerie-crash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let python = repository().join(".venv/bin/python");
        assert!(python.exists(), "run scripts/tools first");
        let status = Command::new(python)
            .arg(repository().join("shared/geo/tests/fixtures/communes.py"))
            .arg(&dir)
            .args(["--prefix", "", "--formats", "gpkg2154", "--no-reference"])
            .status()
            .unwrap();
        assert!(status.success());
        dir.join("communes_2154.gpkg")
    })
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tuilerie"))
            .args(["serve", "--port", "0", "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut url = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("Tuilerie is listening on ") {
                url = Some(rest.split_whitespace().next().unwrap().to_owned());
            }
            if line.contains("Press Ctrl-C to stop.") {
                break;
            }
        }
        // Keep reading, so the server's later output never meets a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url: url.expect("the server did not start"),
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn token(data: &Path, email: &str, admin: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tuilerie"));
    command
        .args(["token", "--email", email, "--data"])
        .arg(data);
    if admin {
        command.arg("--admin");
    }
    let out = String::from_utf8(command.output().unwrap().stdout).unwrap();
    out.split_whitespace()
        .find(|word| word.starts_with("eyJ"))
        .unwrap()
        .to_owned()
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path} answered {status}: {body}");
        body
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }
}

/// How far a job must get before the server is killed.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// As soon as the bytes are in.
    BytesIn,
    /// While the upload is being integrated.
    Integrating,
    /// While the pyramid is being tiled, some way in.
    Tiling,
}

async fn kill_and_resume(moment: Moment) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bytes = std::fs::read(france()).unwrap();
    let server = Server::start(&data);
    let owner = token(&data, "owner@crash.local", false);
    let admin = token(&data, "admin@crash.local", true);
    let http = reqwest::Client::new();
    let as_owner = |url: &str| Client {
        http: http.clone(),
        url: url.to_owned(),
        token: owner.clone(),
    };
    let client = as_owner(&server.url);
    let request = client
        .call(
            reqwest::Method::POST,
            "/workspace-requests",
            Some(json!({ "name": "Crash", "visibility": "private" })),
        )
        .await;
    let approve = Client {
        http: http.clone(),
        url: server.url.clone(),
        token: admin,
    };
    let ws = approve
        .call(
            reqwest::Method::POST,
            &format!(
                "/workspace-requests/{}/approve",
                request["id"].as_str().unwrap()
            ),
            Some(json!({ "plan": "standard" })),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = client
        .call(
            reqwest::Method::POST,
            &format!("/workspaces/{ws}/uploads"),
            Some(json!({
                "file_name": "communes.gpkg",
                "size": bytes.len(),
                "then": { "pyramid": { "min_zoom": 0, "max_zoom": 11 } }
            })),
        )
        .await;
    let upload = ticket["upload"]["id"].as_str().unwrap().to_owned();
    let put = http
        .put(ticket["upload_url"].as_str().unwrap())
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    let upload_path = format!("/workspaces/{ws}/uploads/{upload}");
    let mut reached = false;
    for _ in 0..3000 {
        let now = client.get(&upload_path).await;
        reached = match moment {
            Moment::BytesIn => true,
            Moment::Integrating => now["state"] == "integrating",
            Moment::Tiling => match now["pyramid"].as_str() {
                Some(pyramid) => {
                    let p = client
                        .get(&format!("/workspaces/{ws}/pyramids/{pyramid}"))
                        .await;
                    p["state"] == "tiling" && p["progress"].as_f64().unwrap() > 0.2
                }
                None => false,
            },
        };
        if reached {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(reached, "the job never got to {moment:?}");
    server.kill();

    let server = Server::start(&data);
    let client = as_owner(&server.url);
    let mut last = Value::Null;
    for _ in 0..1200 {
        last = client.get(&upload_path).await;
        if last["state"] == "failed" {
            panic!("{moment:?}: the upload failed after the restart: {last}");
        }
        if let Some(pyramid) = last["pyramid"].as_str() {
            let p = client
                .get(&format!("/workspaces/{ws}/pyramids/{pyramid}"))
                .await;
            if p["state"] == "generated" {
                let usage = client.get(&format!("/workspaces/{ws}/usage")).await;
                let quota = |name: &str| {
                    usage["quotas"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|q| q["quota"] == name)
                        .unwrap()
                        .clone()
                };
                let archive = data
                    .join("objects/pyramids")
                    .join(format!("{ws}/{pyramid}.pmtiles"));
                let stored = std::fs::metadata(&archive).unwrap().len();
                assert_eq!(p["size"], stored, "{moment:?}");
                assert_eq!(quota("pyramids")["used"], stored, "{moment:?}: {usage}");
                for name in ["uploads", "databases"] {
                    assert_eq!(quota(name)["used"], 0, "{moment:?}: {usage}");
                }
                for name in ["uploads", "databases", "pyramids"] {
                    assert_eq!(quota(name)["reserved"], 0, "{moment:?}: {usage}");
                }
                // Nothing left behind: no upload file, no database file, no scratch.
                for store in ["uploads", "databases"] {
                    let left: Vec<_> = walk(&data.join("objects").join(store));
                    assert!(left.is_empty(), "{moment:?}: {store} still holds {left:?}");
                }
                return;
            }
            assert_ne!(p["state"], "failed", "{moment:?}: {p}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{moment:?}: the job did not end after the restart: {last}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_once_the_bytes_are_in_the_job_resumes_to_a_pyramid() {
    kill_and_resume(Moment::BytesIn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_integrating_the_job_resumes_to_a_pyramid() {
    kill_and_resume(Moment::Integrating).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_tiling_the_job_resumes_to_a_pyramid() {
    kill_and_resume(Moment::Tiling).await;
}
