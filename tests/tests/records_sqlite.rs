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
