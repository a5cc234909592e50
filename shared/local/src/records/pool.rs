//! The connections of a store: one writer, shared behind a mutex, and a few readers.
//!
//! Every write runs on the writer connection, so writers of this process queue on the mutex
//! instead of spinning on SQLite's busy handler; writes from other processes are waited for
//! by the busy timeout. Readers run in parallel on their own connections (WAL mode lets them
//! read while a write is in progress). An in-memory database has no readers: everything runs
//! on the writer.

use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::Outcome;
use super::schema;

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections of a file-backed store.
const READERS: usize = 4;

/// The connections of one database.
pub(crate) struct Pool {
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    reader_count: usize,
    returned: Condvar,
}

impl Pool {
    /// Opens (creating if needed) a database file in WAL mode and migrates it.
    pub(crate) fn open(path: &Path) -> Outcome<Self> {
        let mut writer = Connection::open(path)?;
        writer.busy_timeout(BUSY_TIMEOUT)?;
        let _mode: String =
            writer.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        schema::migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| {
                let reader = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                reader.busy_timeout(BUSY_TIMEOUT)?;
                Ok(reader)
            })
            .collect::<Outcome<Vec<_>>>()?;
        Ok(Self::with(writer, readers))
    }

    /// A private in-memory database, gone when the pool is dropped.
    pub(crate) fn in_memory() -> Outcome<Self> {
        let mut writer = Connection::open_in_memory()?;
        schema::migrate(&mut writer)?;
        Ok(Self::with(writer, Vec::new()))
    }

    fn with(writer: Connection, readers: Vec<Connection>) -> Self {
        Self {
            writer: Mutex::new(writer),
            reader_count: readers.len(),
            readers: Mutex::new(readers),
            returned: Condvar::new(),
        }
    }

    /// Runs `work` on the writer connection.
    pub(crate) fn write<T>(&self, work: impl FnOnce(&mut Connection) -> Outcome<T>) -> Outcome<T> {
        let mut writer = recover(self.writer.lock());
        work(&mut writer)
    }

    /// Runs `work` on a free reader connection, or on the writer if there are no readers.
    pub(crate) fn read<T>(&self, work: impl FnOnce(&Connection) -> Outcome<T>) -> Outcome<T> {
        if self.reader_count == 0 {
            return self.write(|writer| work(writer));
        }
        let mut readers = recover(self.readers.lock());
        let reader = loop {
            if let Some(reader) = readers.pop() {
                break reader;
            }
            readers = recover(self.returned.wait(readers));
        };
        drop(readers);
        Checkout {
            pool: self,
            connection: Some(reader),
        }
        .run(work)
    }

    fn give_back(&self, connection: Connection) {
        recover(self.readers.lock()).push(connection);
        self.returned.notify_one();
    }
}

/// A reader taken from the pool, given back even if the work panics.
struct Checkout<'a> {
    pool: &'a Pool,
    connection: Option<Connection>,
}

impl Checkout<'_> {
    fn run<T>(self, work: impl FnOnce(&Connection) -> Outcome<T>) -> Outcome<T> {
        // The connection is only taken out by `drop`, so it is always there.
        match self.connection.as_ref() {
            Some(connection) => work(connection),
            None => self.pool.write(|writer| work(writer)),
        }
    }
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.pool.give_back(connection);
        }
    }
}

/// A connection stays usable after a panic elsewhere: SQLite rolled back any open
/// transaction when it was dropped during unwinding.
fn recover<T>(result: Result<T, PoisonError<T>>) -> T {
    result.unwrap_or_else(PoisonError::into_inner)
}
