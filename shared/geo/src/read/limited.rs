//! A reader that refuses to deliver more than a budget of bytes between two resets, so one
//! oversized record (a GeoJSON feature, a CSV row) never has to be held in memory.
//!
//! The reader buffers its source itself, so that consumers pulling one byte at a time (as
//! `serde_json` does through `io::Bytes`) take a cheap in-buffer path.

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Size of the internal read buffer.
const BUFFER: usize = 1 << 16;

/// Shared state of a [`Limited`] reader: which record is being read and whether it overflowed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meter {
    record: Arc<AtomicU64>,
    exceeded: Arc<AtomicBool>,
}

impl Meter {
    /// Starts a new record.
    pub fn reset(&self) {
        self.record.fetch_add(1, Ordering::Relaxed);
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
    /// Bytes delivered since the start of record `record`.
    used: u64,
    record: u64,
    buffer: Box<[u8]>,
    pos: usize,
    filled: usize,
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
                used: 0,
                record: 0,
                buffer: vec![0; BUFFER].into_boxed_slice(),
                pos: 0,
                filled: 0,
            },
            meter,
        )
    }

    /// Counts `n` delivered bytes against the budget of the current record.
    #[inline]
    fn account(&mut self, n: usize) -> std::io::Result<usize> {
        let record = self.meter.record.load(Ordering::Relaxed);
        if record != self.record {
            self.record = record;
            self.used = 0;
        }
        self.used += n as u64;
        if self.used > self.limit {
            self.meter.exceeded.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("record larger than the limit"));
        }
        Ok(n)
    }

    #[cold]
    fn refill(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() >= self.buffer.len() {
            let n = self.inner.read(buf)?;
            return self.account(n);
        }
        self.filled = self.inner.read(&mut self.buffer)?;
        self.pos = 0;
        self.take(buf)
    }

    #[inline]
    fn take(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = &self.buffer[self.pos..self.filled];
        let n = available.len().min(buf.len());
        if n == 1 {
            buf[0] = available[0];
        } else {
            buf[..n].copy_from_slice(&available[..n]);
        }
        self.pos += n;
        self.account(n)
    }
}

impl<R: Read> Read for Limited<R> {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos < self.filled {
            self.take(buf)
        } else {
            self.refill(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(reader: &mut Limited<&[u8]>, count: usize) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        for _ in 0..count {
            let mut byte = [0u8; 1];
            if reader.read(&mut byte)? == 0 {
                break;
            }
            out.push(byte[0]);
        }
        Ok(out)
    }

    #[test]
    fn a_record_of_exactly_the_limit_is_delivered_byte_by_byte() {
        let (mut reader, meter) = Limited::new(&b"abcdefgh"[..], 4);
        assert_eq!(read_bytes(&mut reader, 4).unwrap(), b"abcd");
        meter.reset();
        assert_eq!(read_bytes(&mut reader, 4).unwrap(), b"efgh");
        assert!(!meter.exceeded());
    }

    #[test]
    fn one_byte_over_the_limit_fails_and_marks_the_meter() {
        let (mut reader, meter) = Limited::new(&b"abcdefgh"[..], 4);
        assert!(read_bytes(&mut reader, 5).is_err());
        assert!(meter.exceeded());
    }

    #[test]
    fn large_reads_are_counted_against_the_budget() {
        let data = vec![7u8; 4 * BUFFER];
        let (mut reader, meter) = Limited::new(&data[..], 2 * BUFFER + 20);
        let mut buf = vec![0u8; BUFFER + 10];
        assert_eq!(reader.read(&mut buf).unwrap(), BUFFER + 10);
        assert_eq!(reader.read(&mut buf).unwrap(), BUFFER + 10);
        assert!(!meter.exceeded());
        assert!(reader.read(&mut buf).is_err());
        assert!(meter.exceeded());
    }
}
