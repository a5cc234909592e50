//! The records contract on SQLite: on a database file in a fresh directory, as the server
//! uses it, and in memory.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use tuilerie_local::records::SqliteRecords;
use tuilerie_tests::contract::Store;

mod file {
    use super::*;

    async fn fresh() -> Store {
        let directory = tempfile::tempdir().unwrap();
        let records = SqliteRecords::open(directory.path().join("records.sqlite3")).unwrap();
        Store::keeping(Arc::new(records), directory)
    }

    tuilerie_tests::records_contract_tests!(fresh());
}

mod memory {
    use super::*;

    async fn fresh() -> Store {
        Store::new(Arc::new(SqliteRecords::in_memory().unwrap()))
    }

    tuilerie_tests::records_contract_tests!(fresh());
}

/// Two stores on one file, like the server and a command run beside it: their writes
/// serialise through SQLite's own lock.
mod two_stores_on_one_file {
    use super::*;
    use std::time::Instant;
    use tokio::sync::Barrier;
    use tuilerie_core::ports::{Records, RecordsError};
    use tuilerie_core::quota::Quota;
    use tuilerie_core::storage::StorageType;
    use tuilerie_core::workspace::Visibility;
    use tuilerie_tests::contract::fixtures::{approved_workspace, reservation, reserved, MIB};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_reservations_through_two_stores_never_exceed_the_limit() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("records.sqlite3");
        let stores: [Arc<dyn Records>; 2] = [
            Arc::new(SqliteRecords::open(&path).unwrap()),
            Arc::new(SqliteRecords::open(&path).unwrap()),
        ];
        let ws = approved_workspace(&*stores[0], "race", "ada", Visibility::Private).await;
        let barrier = Arc::new(Barrier::new(200));
        let started = Instant::now();
        let tasks: Vec<_> = (0..200)
            .map(|index| {
                let records = Arc::clone(&stores[index % 2]);
                let barrier = Arc::clone(&barrier);
                let wanted =
                    reservation(&ws.id, &format!("r{index}"), StorageType::Uploads, MIB, 0);
                tokio::spawn(async move {
                    barrier.wait().await;
                    records.reserve(&wanted, 100 * MIB).await
                })
            })
            .collect();
        let (mut accepted, mut refused) = (0u64, 0u64);
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => accepted += 1,
                Err(RecordsError::QuotaExceeded { .. }) => refused += 1,
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
        let counter = reserved(&stores[1].usage(&ws.id).await.unwrap(), Quota::UPLOADS);
        eprintln!(
            "quota race through two stores on one file: accepted {accepted}, refused {refused}, \
             reserved counter {counter} bytes, overshoot {} bytes, in {:?}",
            counter.saturating_sub(100 * MIB),
            started.elapsed()
        );
        assert_eq!((accepted, refused), (100, 100));
        assert_eq!(counter, accepted * MIB);
        assert_eq!(stores[0].reservations(&ws.id).await.unwrap().len(), 100);
    }
}
