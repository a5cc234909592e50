//! Data items: created once, moved by compare-and-set, listed by workspace and when
//! unfinished.

use std::sync::Arc;

use tuilerie_core::ids::{DatabaseId, PyramidId, UploadId, WorkspaceId};
use tuilerie_core::item::{Item, Pyramid, PyramidKind, PyramidState, Tiling};
use tuilerie_core::ports::{Records, RecordsError};

use super::fixtures::{at, user_id, workspace_id};

/// A queued pyramid `py_<suffix>` of workspace `ws`.
pub fn pyramid(ws: &WorkspaceId, suffix: &str) -> Pyramid {
    Pyramid {
        id: PyramidId::generate(suffix),
        workspace: ws.clone(),
        database: DatabaseId::generate(suffix),
        kind: PyramidKind::Full,
        tiling: Tiling::default(),
        point: None,
        state: PyramidState::Queued,
        progress: 0.0,
        attempts: 0,
        upload: Some(UploadId::generate(suffix)),
        size: 0,
        tiles: 0,
        zooms: None,
        bounds: None,
        report: None,
        validated_as: None,
        created_by: user_id("ada"),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// An item is created at version 1, read back as written, and its id is never reused.
pub async fn an_item_is_created_once_at_version_one(records: Arc<dyn Records>) {
    let ws = workspace_id("one");
    let item = Item::Pyramid(pyramid(&ws, "a"));
    records.create_item(&item).await.unwrap();
    let read = records.item(&ws, "py_a").await.unwrap().unwrap();
    assert_eq!((read.item, read.version), (item.clone(), 1));
    let error = records.create_item(&item).await.unwrap_err();
    assert!(matches!(error, RecordsError::AlreadyExists), "{error:?}");
    assert!(records
        .item(&workspace_id("two"), "py_a")
        .await
        .unwrap()
        .is_none());
}

/// A write names the version it read: a stale one changes nothing.
pub async fn writes_compare_the_version_they_read(records: Arc<dyn Records>) {
    let ws = workspace_id("one");
    let mut item = pyramid(&ws, "a");
    records
        .create_item(&Item::Pyramid(item.clone()))
        .await
        .unwrap();
    item.state = PyramidState::Tiling;
    assert_eq!(
        records
            .update_item(&Item::Pyramid(item.clone()), 1)
            .await
            .unwrap(),
        2
    );
    let mut stale = item.clone();
    stale.state = PyramidState::Failed;
    let error = records
        .update_item(&Item::Pyramid(stale), 1)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    let read = records.item(&ws, "py_a").await.unwrap().unwrap();
    assert_eq!((read.item, read.version), (Item::Pyramid(item.clone()), 2));
    let error = records.delete_item(&ws, "py_a", 1).await.unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    records.delete_item(&ws, "py_a", 2).await.unwrap();
    assert!(records.item(&ws, "py_a").await.unwrap().is_none());
    let error = records
        .update_item(&Item::Pyramid(item), 2)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    let error = records.delete_item(&ws, "py_a", 2).await.unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
}

/// Items are listed per workspace; unfinished ones across workspaces, as their state says.
pub async fn items_are_listed_by_workspace_and_when_unfinished(records: Arc<dyn Records>) {
    let (one, two) = (workspace_id("one"), workspace_id("two"));
    let mut done = pyramid(&one, "b");
    done.state = PyramidState::Generated;
    for item in [pyramid(&one, "a"), done, pyramid(&two, "c")] {
        records.create_item(&Item::Pyramid(item)).await.unwrap();
    }
    let listed: Vec<String> = records
        .items(&one)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.item.id().to_owned())
        .collect();
    assert_eq!(listed, ["py_a", "py_b"]);
    let mut unfinished: Vec<String> = records
        .unfinished_items()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.item.id().to_owned())
        .collect();
    unfinished.sort();
    assert_eq!(unfinished, ["py_a", "py_c"]);
    let found = records.item(&one, "py_a").await.unwrap().unwrap();
    let Item::Pyramid(mut finished) = found.item else {
        panic!("not a pyramid");
    };
    finished.state = PyramidState::Cancelled;
    records
        .update_item(&Item::Pyramid(finished), found.version)
        .await
        .unwrap();
    let unfinished: Vec<String> = records
        .unfinished_items()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.item.id().to_owned())
        .collect();
    assert_eq!(unfinished, ["py_c"]);
}

/// Concurrent read-modify-write loops lose no write: each of N writers adds one tile.
pub async fn concurrent_compare_and_set_loses_no_write(records: Arc<dyn Records>) {
    const WRITERS: u64 = 16;
    let ws = workspace_id("one");
    records
        .create_item(&Item::Pyramid(pyramid(&ws, "a")))
        .await
        .unwrap();
    let writers = (0..WRITERS).map(|_| {
        let records = Arc::clone(&records);
        let ws = ws.clone();
        tokio::spawn(async move {
            loop {
                let found = records.item(&ws, "py_a").await.unwrap().unwrap();
                let Item::Pyramid(mut p) = found.item else {
                    panic!("not a pyramid");
                };
                p.tiles += 1;
                match records.update_item(&Item::Pyramid(p), found.version).await {
                    Ok(_) => return,
                    Err(RecordsError::ConditionFailed) => continue,
                    Err(other) => panic!("{other:?}"),
                }
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let found = records.item(&ws, "py_a").await.unwrap().unwrap();
    let Item::Pyramid(p) = found.item else {
        panic!("not a pyramid");
    };
    assert_eq!(p.tiles, WRITERS);
    assert_eq!(found.version, WRITERS + 1);
}
