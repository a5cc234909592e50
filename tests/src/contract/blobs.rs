//! The object store contract, run on the local folder store and on S3 (moto): whole, ranged
//! and file reads, listings by prefix, deletes, and upload URLs a client sends bytes to.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use tuilerie_core::ports::{BlobError, Blobs};

/// Objects are written whole, read whole or by range, sized, and replaced by a new write.
pub async fn objects_are_written_and_read_back(blobs: Arc<dyn Blobs>) {
    let key = "ws_a/db_b/communes.fgb";
    assert_eq!(blobs.get(key).await.unwrap(), None);
    assert_eq!(blobs.size(key).await.unwrap(), None);
    let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    blobs.put(key, bytes.clone()).await.unwrap();
    assert_eq!(blobs.get(key).await.unwrap(), Some(bytes.clone()));
    assert_eq!(blobs.size(key).await.unwrap(), Some(10_000));
    assert_eq!(
        blobs.get_range(key, 100, 50).await.unwrap(),
        Some(bytes[100..150].to_vec())
    );
    // A range past the end is cut at the end.
    assert_eq!(
        blobs.get_range(key, 9_990, 100).await.unwrap(),
        Some(bytes[9_990..].to_vec())
    );
    assert_eq!(blobs.get_range("ws_a/none", 0, 10).await.unwrap(), None);
    // A range starting at the end or past it is refused, naming it.
    for offset in [10_000, 20_000] {
        let error = blobs.get_range(key, offset, 10).await.unwrap_err();
        assert!(
            matches!(error, BlobError::Range { offset: o, .. } if o == offset),
            "{error:?}"
        );
    }
    blobs.put(key, b"new".to_vec()).await.unwrap();
    assert_eq!(blobs.get(key).await.unwrap(), Some(b"new".to_vec()));
}

/// Files go in (the source is moved) and come out.
pub async fn files_go_in_and_come_out(blobs: Arc<dyn Blobs>) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("in.gpkg");
    std::fs::write(&source, vec![7u8; 300_000]).unwrap();
    let size = blobs.put_file("ws_a/up_b/in.gpkg", &source).await.unwrap();
    assert_eq!(size, 300_000);
    assert!(!source.exists(), "the source file is moved into the store");
    let target = dir.path().join("out.gpkg");
    assert!(blobs.get_file("ws_a/up_b/in.gpkg", &target).await.unwrap());
    assert_eq!(std::fs::read(&target).unwrap(), vec![7u8; 300_000]);
    assert!(!blobs
        .get_file("ws_a/up_b/none", &dir.path().join("none"))
        .await
        .unwrap());
}

/// Listings are by prefix and sorted; deletes remove one object and forgive absent ones.
pub async fn objects_are_listed_by_prefix_and_deleted(blobs: Arc<dyn Blobs>) {
    for key in [
        "ws_a/db_1/b.fgb",
        "ws_a/db_1/a.fgb",
        "ws_a/db_2/c.fgb",
        "ws_b/db_1/a.fgb",
    ] {
        blobs.put(key, key.as_bytes().to_vec()).await.unwrap();
    }
    let listed: Vec<(String, u64)> = blobs
        .list("ws_a/db_1/")
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.size))
        .collect();
    assert_eq!(
        listed,
        [
            ("ws_a/db_1/a.fgb".to_owned(), 15),
            ("ws_a/db_1/b.fgb".to_owned(), 15)
        ]
    );
    assert_eq!(blobs.list("ws_a/").await.unwrap().len(), 3);
    blobs.delete("ws_a/db_1/a.fgb").await.unwrap();
    blobs.delete("ws_a/db_1/a.fgb").await.unwrap();
    let keys: Vec<String> = blobs
        .list("ws_a/")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert_eq!(keys, ["ws_a/db_1/b.fgb", "ws_a/db_2/c.fgb"]);
    assert!(blobs.list("ws_c/").await.unwrap().is_empty());
}

/// Keys that could leave the store are refused before anything is touched.
pub async fn keys_outside_the_store_are_refused(blobs: Arc<dyn Blobs>) {
    for key in ["../escape", "/abs", "a//b", "", "a/./b"] {
        let error = blobs.put(key, vec![1]).await.unwrap_err();
        assert!(
            matches!(error, BlobError::InvalidKey(_)),
            "{key}: {error:?}"
        );
        let error = blobs.get(key).await.unwrap_err();
        assert!(
            matches!(error, BlobError::InvalidKey(_)),
            "{key}: {error:?}"
        );
    }
}

/// An upload URL takes the announced bytes from a client that has no credentials.
pub async fn an_upload_url_takes_the_announced_bytes(blobs: Arc<dyn Blobs>) {
    let key = "ws_a/up_b/communes.geojson";
    let body = br#"{"type":"FeatureCollection","features":[]}"#.to_vec();
    let target = blobs
        .upload_url(key, body.len() as u64, Utc::now() + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(target.method, "PUT");
    let answer = reqwest::Client::new()
        .put(&target.url)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_success(),
        "{}",
        answer.text().await.unwrap()
    );
    assert_eq!(blobs.get(key).await.unwrap(), Some(body));
}
