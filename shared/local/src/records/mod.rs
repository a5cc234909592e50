//! The records port on SQLite: one database file (or an in-memory database for tests), every
//! atomic operation in one `BEGIN IMMEDIATE` transaction, blocking work off the async runtime.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tuilerie_core::ports::{RecordsError, RecordsResult};

mod codec;
mod creation;
mod error;
mod items;
mod joins;
mod members;
mod pool;
mod quotas;
mod schema;
mod users;
mod workspaces;

pub use error::SqliteError;
pub use schema::VERSION as SCHEMA_VERSION;

use error::{Fault, Outcome};
use pool::Pool;

/// The records port on SQLite.
///
/// Cloning is cheap and shares the connections.
#[derive(Clone)]
pub struct SqliteRecords {
    pool: Arc<Pool>,
}

impl std::fmt::Debug for SqliteRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRecords").finish_non_exhaustive()
    }
}

impl SqliteRecords {
    /// Opens the database file at `path`, creating it if needed, in WAL mode, and creates or
    /// migrates its schema. Blocks while doing so: call it at start-up.
    pub fn open(path: impl AsRef<Path>) -> RecordsResult<Self> {
        Self::with(Pool::open(path.as_ref()))
    }

    /// A private database in memory, empty and gone when the last clone is dropped.
    pub fn in_memory() -> RecordsResult<Self> {
        Self::with(Pool::in_memory())
    }

    fn with(pool: Outcome<Pool>) -> RecordsResult<Self> {
        let pool = pool.map_err(|Fault(error)| error)?;
        Ok(Self {
            pool: Arc::new(pool),
        })
    }

    /// Runs `work` on the writer connection, on the blocking thread pool.
    async fn write<T, F>(&self, work: F) -> RecordsResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Outcome<T> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        blocking(move || pool.write(work)).await
    }

    /// Runs `work` on a reader connection, on the blocking thread pool.
    async fn read<T, F>(&self, work: F) -> RecordsResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Outcome<T> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        blocking(move || pool.read(work)).await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Outcome<T> + Send + 'static,
) -> RecordsResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| RecordsError::Backend(Box::new(error)))?
        .map_err(|Fault(error)| error)
}

/// Starts a transaction that takes the write lock at once, so its reads and writes see no
/// concurrent change (and never fail to upgrade a read lock).
fn immediate(connection: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    connection.transaction_with_behavior(TransactionBehavior::Immediate)
}
