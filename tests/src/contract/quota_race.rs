//! Racing reservations: many writers at once never push a quota past its limit.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Barrier;
use tuilerie_core::ports::{Records, RecordsError};
use tuilerie_core::quota::Quota;
use tuilerie_core::storage::StorageType;
use tuilerie_core::workspace::Visibility;

use super::fixtures::{approved_workspace, reservation, reserved, used, MIB};

/// Concurrent reservations.
pub const WRITERS: u64 = 200;
/// The limit they race for.
pub const LIMIT: u64 = 100 * MIB;

/// 200 concurrent 1 MiB reservations against 100 MiB: exactly 100 accepted, the others refused
/// with `QuotaExceeded`, nothing reserved beyond the limit; then half committed and half
/// released concurrently, leaving the books exact.
pub async fn racing_reservations_never_exceed_the_limit(records: Arc<dyn Records>) {
    let ws = approved_workspace(&*records, "race", "ada", Visibility::Private).await;
    let barrier = Arc::new(Barrier::new(WRITERS as usize));
    let started = Instant::now();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|index| {
            let (records, barrier) = (Arc::clone(&records), Arc::clone(&barrier));
            let wanted = reservation(&ws.id, &format!("r{index}"), StorageType::Uploads, MIB, 0);
            tokio::spawn(async move {
                barrier.wait().await;
                let outcome = records.reserve(&wanted, LIMIT).await;
                (wanted, outcome)
            })
        })
        .collect();
    let mut accepted = Vec::new();
    let mut refused = 0u64;
    for task in tasks {
        match task.await.unwrap() {
            (wanted, Ok(())) => accepted.push(wanted),
            (_, Err(RecordsError::QuotaExceeded { held, limit })) => {
                assert_eq!(limit, LIMIT);
                assert!(held + MIB > LIMIT, "refused while {held} of {limit} held");
                refused += 1;
            }
            (_, Err(other)) => panic!("unexpected error {other:?}"),
        }
    }
    let reserve_time = started.elapsed();
    let usage = records.usage(&ws.id).await.unwrap();
    let counter = reserved(&usage, Quota::UPLOADS);
    let overshoot = counter.saturating_sub(LIMIT);
    eprintln!(
        "quota race: {WRITERS} writers x 1 MiB against {} MiB: accepted {}, refused {refused}, \
         reserved counter {counter} bytes (accepted x 1 MiB = {}), overshoot {overshoot} bytes, \
         in {reserve_time:?}",
        LIMIT / MIB,
        accepted.len(),
        accepted.len() as u64 * MIB,
    );
    assert_eq!(accepted.len(), 100);
    assert_eq!(refused, 100);
    assert_eq!(counter, accepted.len() as u64 * MIB);
    assert_eq!(overshoot, 0);
    assert_eq!(used(&usage, Quota::UPLOADS), 0);
    assert_eq!(records.reservations(&ws.id).await.unwrap().len(), 100);

    let settle = Arc::new(Barrier::new(accepted.len()));
    let started = Instant::now();
    let tasks: Vec<_> = accepted
        .into_iter()
        .enumerate()
        .map(|(index, held)| {
            let (records, settle) = (Arc::clone(&records), Arc::clone(&settle));
            tokio::spawn(async move {
                settle.wait().await;
                if index % 2 == 0 {
                    records.commit_reservation(&held.workspace, &held.id).await
                } else {
                    records.release_reservation(&held.workspace, &held.id).await
                }
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().amount, MIB);
    }
    let usage = records.usage(&ws.id).await.unwrap();
    let (used_after, reserved_after) = (
        used(&usage, Quota::UPLOADS),
        reserved(&usage, Quota::UPLOADS),
    );
    eprintln!(
        "quota race: 50 commits and 50 releases at once: used {used_after} bytes, reserved \
         {reserved_after} bytes, in {:?}",
        started.elapsed()
    );
    assert_eq!((used_after, reserved_after), (50 * MIB, 0));
    assert!(records.reservations(&ws.id).await.unwrap().is_empty());
}
