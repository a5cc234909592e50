//! The pipeline: an upload becomes a vector database, which becomes a pyramid or a sample.
//!
//! [`steps::Steps`] holds the steps, plain functions taking and answering a JSON
//! [`steps::Task`], the same code whether the local runner ([`runner::LocalRunner`]) or a
//! Lambda calls them. Every step can be re-run after a crash at any point: it reads the item's
//! state, skips what is done, and reserves quota under ids derived from the item's, so bytes
//! are never counted twice. [`archives::PmTilesArchives`] reads tiles from stored archives
//! by range reads, keeping their directories in memory.

pub mod archives;
pub mod runner;
pub mod steps;
