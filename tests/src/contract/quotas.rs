//! Quota bookkeeping: reservations held against a limit, then committed or released once;
//! used amounts freed.

use std::sync::Arc;

use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::quota::Quota;
use tuilerie_core::storage::StorageType;
use tuilerie_core::workspace::Visibility;

use super::fixtures::{self, approved_workspace, reservation, reserved, used, MIB};

const LIMIT: u64 = 10 * MIB;

/// A new workspace uses and reserves nothing.
pub async fn a_fresh_workspace_uses_nothing(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let usage = records.usage(&ws.id).await.unwrap();
    for quota in Quota::ALL {
        assert_eq!(
            (used(&usage, quota), reserved(&usage, quota)),
            (0, 0),
            "{quota}"
        );
    }
    assert!(records.reservations(&ws.id).await.unwrap().is_empty());
}

/// Reserved amounts move to used on commit and disappear on release.
pub async fn reserve_commit_and_release_keep_the_books(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let kept = reservation(&ws.id, "kept", StorageType::Uploads, 3 * MIB, 10);
    let dropped = reservation(&ws.id, "dropped", StorageType::Uploads, 2 * MIB, 20);
    records.reserve(&kept, LIMIT).await.unwrap();
    records.reserve(&dropped, LIMIT).await.unwrap();
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (0, 5 * MIB)
    );
    assert_eq!(
        records.reservations(&ws.id).await.unwrap(),
        vec![kept.clone(), dropped.clone()]
    );

    assert_eq!(
        records.commit_reservation(&ws.id, &kept.id).await.unwrap(),
        kept
    );
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (3 * MIB, 2 * MIB)
    );

    assert_eq!(
        records
            .release_reservation(&ws.id, &dropped.id)
            .await
            .unwrap(),
        dropped
    );
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (3 * MIB, 0)
    );
    assert!(records.reservations(&ws.id).await.unwrap().is_empty());

    records
        .free(&ws.id, StorageType::Uploads, MIB)
        .await
        .unwrap();
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::UPLOADS),
            reserved(&usage, Quota::UPLOADS)
        ),
        (2 * MIB, 0)
    );
}

/// A reservation that would pass the limit is refused with the amount held, and changes
/// nothing.
pub async fn a_reservation_over_the_limit_is_refused_with_what_is_held(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let committed = reservation(&ws.id, "committed", StorageType::Pyramids, 4 * MIB, 10);
    records.reserve(&committed, LIMIT).await.unwrap();
    records
        .commit_reservation(&ws.id, &committed.id)
        .await
        .unwrap();
    let open = reservation(&ws.id, "open", StorageType::Pyramids, 5 * MIB, 20);
    records.reserve(&open, LIMIT).await.unwrap();

    let greedy = reservation(&ws.id, "greedy", StorageType::Pyramids, MIB + 1, 30);
    let error = records.reserve(&greedy, LIMIT).await.unwrap_err();
    match error {
        RecordsError::QuotaExceeded { held, limit } => {
            assert_eq!((held, limit), (9 * MIB, LIMIT));
        }
        other => panic!("unexpected error {other:?}"),
    }
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::PYRAMIDS),
            reserved(&usage, Quota::PYRAMIDS)
        ),
        (4 * MIB, 5 * MIB)
    );
    assert_eq!(records.reservations(&ws.id).await.unwrap(), vec![open]);
    let error = records
        .commit_reservation(&ws.id, &greedy.id)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
}

/// Filling the quota exactly is allowed; one more byte is not.
pub async fn a_reservation_up_to_the_limit_is_accepted(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let first = reservation(&ws.id, "first", StorageType::Styles, LIMIT - MIB, 10);
    records.reserve(&first, LIMIT).await.unwrap();
    let exact = reservation(&ws.id, "exact", StorageType::Styles, MIB, 20);
    records.reserve(&exact, LIMIT).await.unwrap();
    let byte = reservation(&ws.id, "byte", StorageType::Styles, 1, 30);
    let error = records.reserve(&byte, LIMIT).await.unwrap_err();
    assert!(
        matches!(error, RecordsError::QuotaExceeded { held, limit } if held == LIMIT && limit == LIMIT),
        "{error:?}"
    );
    records
        .release_reservation(&ws.id, &exact.id)
        .await
        .unwrap();
    records.reserve(&byte, LIMIT).await.unwrap();
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(reserved(&usage, Quota::STYLES), LIMIT - MIB + 1);
}

/// A reservation is settled once: a second commit or release finds nothing and moves nothing.
pub async fn committing_or_releasing_twice_is_not_found(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let committed = reservation(&ws.id, "committed", StorageType::Databases, 2 * MIB, 10);
    let released = reservation(&ws.id, "released", StorageType::Databases, 3 * MIB, 20);
    records.reserve(&committed, LIMIT).await.unwrap();
    records.reserve(&released, LIMIT).await.unwrap();
    records
        .commit_reservation(&ws.id, &committed.id)
        .await
        .unwrap();
    records
        .release_reservation(&ws.id, &released.id)
        .await
        .unwrap();
    for id in [&committed.id, &released.id] {
        let error = records.commit_reservation(&ws.id, id).await.unwrap_err();
        assert!(matches!(error, RecordsError::NotFound), "{error:?}");
        let error = records.release_reservation(&ws.id, id).await.unwrap_err();
        assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    }
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(
        (
            used(&usage, Quota::DATABASES),
            reserved(&usage, Quota::DATABASES)
        ),
        (2 * MIB, 0)
    );
}

/// Reservations of another workspace, or never made, are not found.
pub async fn unknown_reservations_are_not_found(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let other = approved_workspace(&*records, "two", "ada", Visibility::Private).await;
    let theirs = reservation(&other.id, "theirs", StorageType::Uploads, MIB, 10);
    records.reserve(&theirs, LIMIT).await.unwrap();
    let error = records
        .commit_reservation(&ws.id, &theirs.id)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    let never = reservation(&ws.id, "never", StorageType::Uploads, MIB, 10);
    let error = records
        .release_reservation(&ws.id, &never.id)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
    let usage = records.usage(&other.id).await.unwrap();
    assert_eq!(reserved(&usage, Quota::UPLOADS), MIB);
}

/// Freeing more than is used fails and changes nothing.
pub async fn freeing_more_than_used_fails(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let error = records
        .free(&ws.id, StorageType::Uploads, 1)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    let stored = reservation(&ws.id, "stored", StorageType::Uploads, 2 * MIB, 10);
    records.reserve(&stored, LIMIT).await.unwrap();
    records
        .commit_reservation(&ws.id, &stored.id)
        .await
        .unwrap();
    let error = records
        .free(&ws.id, StorageType::Uploads, 2 * MIB + 1)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    records
        .free(&ws.id, StorageType::Uploads, 2 * MIB)
        .await
        .unwrap();
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(used(&usage, Quota::UPLOADS), 0);
}

/// Each quota has its own books.
pub async fn quotas_are_counted_separately(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let uploads = reservation(&ws.id, "uploads", StorageType::Uploads, LIMIT, 10);
    records.reserve(&uploads, LIMIT).await.unwrap();
    let style = reservation(&ws.id, "style", StorageType::Styles, 1, 20);
    records.reserve(&style, 2).await.unwrap();
    records.commit_reservation(&ws.id, &style.id).await.unwrap();
    let databases = reservation(&ws.id, "databases", StorageType::Databases, LIMIT, 30);
    records.reserve(&databases, LIMIT).await.unwrap();
    let usage = records.usage(&ws.id).await.unwrap();
    assert_eq!(reserved(&usage, Quota::UPLOADS), LIMIT);
    assert_eq!(reserved(&usage, Quota::DATABASES), LIMIT);
    assert_eq!(
        (used(&usage, Quota::STYLES), reserved(&usage, Quota::STYLES)),
        (1, 0)
    );
    assert_eq!(
        used(&usage, Quota::Streams) + reserved(&usage, Quota::Streams),
        0
    );
    assert_eq!(
        used(&usage, Quota::PYRAMIDS) + reserved(&usage, Quota::PYRAMIDS),
        0
    );
}

/// A reservation of an estimate is committed with the real amount, the rest given back; never
/// more than was reserved.
pub async fn an_estimate_is_committed_with_the_real_amount(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let estimate = reservation(&ws.id, "est", StorageType::Databases, 50 * MIB, 0);
    records
        .reserve(&estimate, ws.limits.databases)
        .await
        .unwrap();
    let error = records
        .commit_reservation_as(&ws.id, &estimate.id, 50 * MIB + 1)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::ConditionFailed), "{error:?}");
    assert_eq!(
        reserved(&records.usage(&ws.id).await.unwrap(), Quota::DATABASES),
        50 * MIB
    );
    records
        .commit_reservation_as(&ws.id, &estimate.id, 30 * MIB)
        .await
        .unwrap();
    assert_eq!(
        used(&records.usage(&ws.id).await.unwrap(), Quota::DATABASES),
        30 * MIB
    );
    assert_eq!(
        reserved(&records.usage(&ws.id).await.unwrap(), Quota::DATABASES),
        0
    );
    // What was given back can be reserved again, up to the limit exactly.
    let rest = reservation(
        &ws.id,
        "rest",
        StorageType::Databases,
        ws.limits.databases - 30 * MIB,
        1,
    );
    records.reserve(&rest, ws.limits.databases).await.unwrap();
    let error = records
        .commit_reservation_as(&ws.id, &estimate.id, 1)
        .await
        .unwrap_err();
    assert!(matches!(error, RecordsError::NotFound), "{error:?}");
}

/// Expired reservations of every workspace are released, oldest first, their amounts given
/// back; open ones stay, and a second pass finds nothing.
pub async fn expired_reservations_are_released_across_workspaces(records: Arc<dyn Records>) {
    let one = approved_workspace(&*records, "one", "ada", Visibility::Private).await;
    let two = approved_workspace(&*records, "two", "grace", Visibility::Private).await;
    let old = reservation(&one.id, "old", StorageType::Uploads, MIB, 0);
    let older = reservation(&two.id, "older", StorageType::Pyramids, 2 * MIB, -100);
    let fresh = reservation(&one.id, "fresh", StorageType::Uploads, 3 * MIB, 100_000);
    for r in [&old, &older, &fresh] {
        records.reserve(r, 50 * MIB).await.unwrap();
    }
    let now = fixtures::at(10_000);
    let released = records.release_expired(now, 10).await.unwrap();
    let ids: Vec<&str> = released.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["rs_older", "rs_old"]);
    let usage = records.usage(&one.id).await.unwrap();
    assert_eq!(reserved(&usage, Quota::UPLOADS), 3 * MIB);
    assert_eq!(used(&usage, Quota::UPLOADS), 0);
    let usage = records.usage(&two.id).await.unwrap();
    assert_eq!(reserved(&usage, Quota::PYRAMIDS), 0);
    assert!(records.release_expired(now, 10).await.unwrap().is_empty());
    let open: Vec<String> = records
        .reservations(&one.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id.to_string())
        .collect();
    assert_eq!(open, ["rs_fresh"]);
}
