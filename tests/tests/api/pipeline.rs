//! The pipeline over HTTP on the local server: real files (French communes written by GDAL in
//! Lambert-93), uploaded through the upload URL, integrated, tiled, previewed and counted.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{quota_of, Person, Team};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    let venv = repository().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/tools first",
        venv.display()
    );
    venv
}

/// Communes of Île-de-France as a Lambert-93 GeoPackage and a zipped Lambert-93 Shapefile,
/// written once per test run by GDAL.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tuilerie-pipeline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let status = std::process::Command::new(python())
            .arg(repository().join("shared/geo/tests/fixtures/communes.py"))
            .arg(&dir)
            .args(["--prefix", "75,77,78,91,92,93,94,95"])
            .args(["--formats", "shp,gpkg2154", "--no-reference"])
            .status()
            .unwrap();
        assert!(status.success(), "writing the fixtures failed");
        dir
    })
}

/// Announces a file and PUTs its bytes to the upload URL, without a token (the URL is
/// signed); the upload as answered.
async fn upload(
    team: &Team,
    who: &Person,
    name: &str,
    bytes: Vec<u8>,
    then: Option<Value>,
) -> Value {
    let mut body = json!({ "file_name": name, "size": bytes.len() });
    if let Some(then) = then {
        body["then"] = then;
    }
    let ticket = team
        .app
        .ok(Some(who), Method::POST, team.path("/uploads"), Some(body))
        .await;
    assert_eq!(ticket.status, 201);
    assert_eq!(ticket.body["upload_method"], "PUT");
    assert_eq!(ticket.body["upload"]["state"], "awaiting_bytes");
    let url = ticket.body["upload_url"].as_str().unwrap();
    let put = team.app.client.put(url).body(bytes).send().await.unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    ticket.body["upload"].clone()
}

/// Polls `path` until `done` holds; the last answer and every distinct progress seen.
async fn wait(
    team: &Team,
    who: &Person,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> (Value, Vec<f64>) {
    let mut seen: Vec<f64> = Vec::new();
    for _ in 0..1200 {
        let reply = team.app.ok(Some(who), Method::GET, path, None).await;
        if let Some(p) = reply.body["progress"].as_f64() {
            if seen.last() != Some(&p) {
                seen.push(p);
            }
        }
        if done(&reply.body) {
            return (reply.body, seen);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never got there");
}

fn final_state(item: &Value) -> bool {
    matches!(
        item["state"].as_str(),
        Some("generated" | "failed" | "cancelled")
    )
}

/// Waits for an upload to lead to a pyramid, then for the pyramid to end.
async fn pyramid_of(team: &Team, who: &Person, upload: &Value) -> (Value, Vec<f64>) {
    let path = team.path(&format!("/uploads/{}", upload["id"].as_str().unwrap()));
    let (upload, _) = wait(team, who, &path, |u| {
        u["pyramid"].is_string() || u["state"] == "failed"
    })
    .await;
    assert!(upload["pyramid"].is_string(), "no pyramid: {upload}");
    let id = upload["pyramid"].as_str().unwrap();
    wait(
        team,
        who,
        &team.path(&format!("/pyramids/{id}")),
        final_state,
    )
    .await
}

fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    (x, y)
}

/// Decodes a tile with mapbox-vector-tile (Python), an independent decoder: features per layer.
fn decode(tile: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tile.mvt");
    std::fs::write(&path, tile).unwrap();
    let script = "import gzip,json,sys,mapbox_vector_tile as m\n\
        b=open(sys.argv[1],'rb').read()\n\
        b=gzip.decompress(b) if b[:2]==b'\\x1f\\x8b' else b\n\
        print(json.dumps({k:len(v['features']) for k,v in m.decode(b).items()}))";
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn usage_of(team: &Team) -> Value {
    team.app
        .ok(Some(&team.owner), Method::GET, team.path("/usage"), None)
        .await
        .body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lambert_93_geopackage_becomes_a_pyramid_whose_tiles_decode_and_count_exactly() {
    let team = Team::new().await;
    let editor = team.member("editor", "editor").await;
    let bytes = std::fs::read(fixtures().join("communes_2154.gpkg")).unwrap();
    let upload = upload(
        &team,
        &editor,
        "communes idf.gpkg",
        bytes,
        Some(json!({ "pyramid": { "min_zoom": 0, "max_zoom": 10 } })),
    )
    .await;
    let (pyramid, progress) = pyramid_of(&team, &editor, &upload).await;
    assert_eq!(pyramid["state"], "generated", "{pyramid}");
    assert_eq!(pyramid["kind"], "full");
    assert_eq!(pyramid["zooms"], json!([0, 10]));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&1.0));

    let (x, y) = tile_of(2.35, 48.85, 9);
    let id = pyramid["id"].as_str().unwrap();
    let tile = team
        .app
        .client
        .get(format!(
            "{}{}",
            team.app.url,
            team.path(&format!("/pyramids/{id}/tiles/9/{x}/{y}"))
        ))
        .bearer_auth(&editor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(tile.status(), 200);
    let decoded = decode(&tile.bytes().await.unwrap());
    assert!(decoded["communes"].as_u64().unwrap() > 10, "{decoded}");
    // Outside the data: no tile.
    let empty = team
        .app
        .call(
            Some(&editor),
            Method::GET,
            team.path(&format!("/pyramids/{id}/tiles/9/0/0")),
            None,
        )
        .await;
    assert_eq!(empty.status, 204);

    // The upload and the database are gone; the pyramid is counted with its size exactly.
    let upload_now = team
        .app
        .ok(
            Some(&editor),
            Method::GET,
            team.path(&format!("/uploads/{}", upload["id"].as_str().unwrap())),
            None,
        )
        .await
        .body;
    assert_eq!(upload_now["state"], "integrated");
    assert_eq!(upload_now["stored"], 0);
    let database = team
        .app
        .ok(
            Some(&editor),
            Method::GET,
            team.path(&format!(
                "/databases/{}",
                upload_now["database"].as_str().unwrap()
            )),
            None,
        )
        .await
        .body;
    assert_eq!(database["state"], "deleted");
    assert_eq!(database["layers"][0]["source_crs"], "EPSG:2154");
    assert!(database["layers"][0]["features"].as_u64().unwrap() > 1000);
    let usage = usage_of(&team).await;
    assert_eq!(quota_of(&usage, "uploads")["used"], 0, "{usage}");
    assert_eq!(quota_of(&usage, "databases")["used"], 0, "{usage}");
    assert_eq!(
        quota_of(&usage, "pyramids")["used"],
        pyramid["size"],
        "{usage}"
    );
    for quota in ["uploads", "databases", "pyramids"] {
        assert_eq!(quota_of(&usage, quota)["reserved"], 0, "{usage}");
    }
    assert!(pyramid["size"].as_u64().unwrap() > 10_000);

    // Deleting the pyramid gives its bytes back.
    team.app
        .ok(
            Some(&editor),
            Method::DELETE,
            team.path(&format!("/pyramids/{id}")),
            None,
        )
        .await;
    assert_eq!(quota_of(&usage_of(&team).await, "pyramids")["used"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_zipped_shapefile_sample_is_validated_into_the_full_pyramid() {
    let team = Team::new().await;
    let bytes = std::fs::read(fixtures().join("communes_shp.zip")).unwrap();
    let upload = upload(
        &team,
        &team.owner,
        "communes_shp.zip",
        bytes,
        Some(json!({ "sample": { "max_zoom": 11, "point": [2.35, 48.85] } })),
    )
    .await;
    let (sample, _) = pyramid_of(&team, &team.owner, &upload).await;
    assert_eq!(sample["state"], "generated", "{sample}");
    assert_eq!(sample["kind"], "sample");
    let database = sample["database"].as_str().unwrap();
    let kept = team
        .app
        .ok(
            Some(&team.owner),
            Method::GET,
            team.path(&format!("/databases/{database}")),
            None,
        )
        .await
        .body;
    assert_eq!(kept["state"], "ready", "a sample keeps its database");
    let usage_before = usage_of(&team).await;
    assert_eq!(quota_of(&usage_before, "databases")["used"], kept["size"]);

    let full = team
        .app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path(&format!(
                "/pyramids/{}/validate",
                sample["id"].as_str().unwrap()
            )),
            None,
        )
        .await;
    assert_eq!(full.status, 202);
    assert_eq!(full.body["kind"], "full");
    let path = team.path(&format!("/pyramids/{}", full.body["id"].as_str().unwrap()));
    let (full, _) = wait(&team, &team.owner, &path, final_state).await;
    assert_eq!(full["state"], "generated", "{full}");
    let usage = usage_of(&team).await;
    assert_eq!(quota_of(&usage, "databases")["used"], 0, "{usage}");
    let both = sample["size"].as_u64().unwrap() + full["size"].as_u64().unwrap();
    assert_eq!(quota_of(&usage, "pyramids")["used"], both, "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_malformed_upload_fails_with_a_report_and_stays_counted_until_deleted() {
    let team = Team::new().await;
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..3000u32).map(|i| (i * 7919 % 251) as u8));
    let size = bytes.len() as u64;
    let upload = upload(
        &team,
        &team.owner,
        "broken.gpkg",
        bytes,
        Some(json!({ "pyramid": {} })),
    )
    .await;
    let path = team.path(&format!("/uploads/{}", upload["id"].as_str().unwrap()));
    let (failed, _) = wait(&team, &team.owner, &path, |u| u["state"] == "failed").await;
    let report = &failed["report"];
    assert_eq!(report["failure"], "InvalidInput", "{report}");
    assert_eq!(report["failed_step"], 2);
    assert_eq!(report["input_kept"], true);
    assert!(
        report["cause"].as_str().unwrap().contains("broken.gpkg"),
        "{report}"
    );
    assert!(!report["fix"].as_str().unwrap().is_empty());
    assert_eq!(report["steps"][0]["state"], "done");
    assert_eq!(report["steps"][1]["state"], "failed");
    let usage = usage_of(&team).await;
    assert_eq!(quota_of(&usage, "uploads")["used"], size, "{usage}");
    assert_eq!(quota_of(&usage, "databases")["reserved"], 0, "{usage}");
    // Retrying the same bytes fails the same way; deleting gives the bytes back.
    let retried = team
        .app
        .ok(
            Some(&team.owner),
            Method::POST,
            format!("{path}/retry"),
            None,
        )
        .await;
    assert_eq!(retried.status, 202);
    let (again, _) = wait(&team, &team.owner, &path, |u| u["state"] == "failed").await;
    assert_eq!(again["attempts"], 1);
    team.app
        .ok(Some(&team.owner), Method::DELETE, &path, None)
        .await;
    let usage = usage_of(&team).await;
    assert_eq!(quota_of(&usage, "uploads")["used"], 0, "{usage}");
    assert_eq!(quota_of(&usage, "uploads")["reserved"], 0, "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn more_bytes_than_announced_are_refused_and_nothing_is_kept() {
    let team = Team::new().await;
    let ticket = team
        .app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path("/uploads"),
            Some(json!({ "file_name": "a.geojson", "size": 10 })),
        )
        .await;
    let url = ticket.body["upload_url"].as_str().unwrap().to_owned();
    let put = team
        .app
        .client
        .put(&url)
        .body(vec![b'x'; 11])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 422);
    let message = put.text().await.unwrap();
    assert!(
        message.contains("more bytes than the 10 announced"),
        "{message}"
    );
    let short = team
        .app
        .client
        .put(&url)
        .body(vec![b'x'; 9])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    // A tampered URL is refused.
    let tampered = url.replace("length=10", "length=11");
    let forged = team
        .app
        .client
        .put(&tampered)
        .body(vec![b'x'; 11])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let upload = team
        .app
        .ok(
            Some(&team.owner),
            Method::GET,
            team.path(&format!(
                "/uploads/{}",
                ticket.body["upload"]["id"].as_str().unwrap()
            )),
            None,
        )
        .await;
    assert_eq!(upload.body["state"], "awaiting_bytes");
    let usage = usage_of(&team).await;
    assert_eq!(quota_of(&usage, "uploads")["used"], 0);
    assert_eq!(quota_of(&usage, "uploads")["reserved"], 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_upload_beyond_the_quota_is_refused_with_the_figures() {
    let team = Team::new().await;
    let reply = team
        .app
        .call(
            Some(&team.owner),
            Method::POST,
            team.path("/uploads"),
            Some(json!({ "file_name": "big.gpkg", "size": 200_000_000u64 })),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.code(), "quota_exceeded");
    assert_eq!(reply.body["error"]["details"]["needed"], 200_000_000u64);
    let viewer = team.member("viewer", "viewer").await;
    let refused = team
        .app
        .call(
            Some(&viewer),
            Method::POST,
            team.path("/uploads"),
            Some(json!({ "file_name": "a.gpkg", "size": 10 })),
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_running_pyramid_is_cancelled_and_gives_its_reservation_back() {
    let team = Team::new().await;
    let bytes = std::fs::read(fixtures().join("communes_2154.gpkg")).unwrap();
    let upload = upload(&team, &team.owner, "communes.gpkg", bytes, None).await;
    let path = team.path(&format!("/uploads/{}", upload["id"].as_str().unwrap()));
    let (integrated, _) = wait(&team, &team.owner, &path, |u| u["state"] == "integrated").await;
    let database = integrated["database"].as_str().unwrap();
    let pyramid = team
        .app
        .ok(
            Some(&team.owner),
            Method::POST,
            team.path(&format!("/databases/{database}/pyramids")),
            Some(json!({ "max_zoom": 16, "preset": "keep_all" })),
        )
        .await;
    assert_eq!(pyramid.status, 202);
    let id = pyramid.body["id"].as_str().unwrap();
    let pyramid_path = team.path(&format!("/pyramids/{id}"));
    wait(&team, &team.owner, &pyramid_path, |p| {
        p["state"] == "tiling"
    })
    .await;
    let cancelled = team
        .app
        .ok(
            Some(&team.owner),
            Method::POST,
            format!("{pyramid_path}/cancel"),
            None,
        )
        .await;
    assert_eq!(cancelled.body["state"], "cancelled");
    // Within seconds the reservation is back and nothing of the pyramid is counted.
    let mut released = false;
    for _ in 0..100 {
        let usage = usage_of(&team).await;
        if quota_of(&usage, "pyramids")["reserved"] == 0 {
            assert_eq!(quota_of(&usage, "pyramids")["used"], 0);
            released = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(released, "the pyramid's reservation was not given back");
    let after = team
        .app
        .ok(Some(&team.owner), Method::GET, &pyramid_path, None)
        .await;
    assert_eq!(after.body["state"], "cancelled");
    let tile = team
        .app
        .call(
            Some(&team.owner),
            Method::GET,
            format!("{pyramid_path}/tiles/0/0/0"),
            None,
        )
        .await;
    assert_eq!(tile.status, 409);
}
