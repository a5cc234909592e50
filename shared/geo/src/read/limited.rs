//! A reader that refuses to deliver more than a budget of bytes between two resets, so one
//! oversized record (a GeoJSON feature, a CSV row) never has to be held in memory.

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Shared state of a [`Limited`] reader: bytes used since the last reset.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meter {
    used: Arc<AtomicU64>,
    exceeded: Arc<AtomicBool>,
}

impl Meter {
    /// Starts a new record.
    pub fn reset(&self) {
        self.used.store(0, Ordering::Relaxed);
    }

    /// Whether reading stopped because a record was over budget.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }
}

/// Wraps a reader with a per-record byte budget.
pub(crate) struct Limited<R> {
    inner: R,
    meter: Meter,
    limit: u64,
}

impl<R: Read> Limited<R> {
    /// Wraps `inner`; reading fails once `limit` bytes were read since the last reset.
    pub fn new(inner: R, limit: usize) -> (Self, Meter) {
        let meter = Meter::default();
        (
            Limited {
                inner,
                meter: meter.clone(),
                limit: limit as u64,
            },
            meter,
        )
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let used = self.meter.used.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if used > self.limit {
            self.meter.exceeded.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("record larger than the limit"));
        }
        Ok(n)
    }
}
