//! The ports: what the use cases need from the outside world.
//!
//! Each port is a small capability trait with a local adapter (SQLite, files) and an AWS
//! adapter (DynamoDB, S3, ...), and both pass the same contract tests. The records store is
//! split by aggregate ([`UserRecords`], [`CreationRequestRecords`], [`WorkspaceRecords`],
//! [`MemberRecords`], [`JoinRequestRecords`], [`QuotaRecords`]); [`Records`] is all of them,
//! for a caller that needs every one. Every records operation is atomic: DynamoDB does it in
//! one conditional write or one transaction, SQLite in one transaction. [`Ports`] gathers one
//! implementation of each port; the services take from it only what they need.

mod blobs;
mod clock;
mod creation;
mod error;
mod fresh_ids;
mod items;
mod joins;
mod members;
mod quotas;
mod records;
mod users;
mod workflows;
mod workspaces;

pub use blobs::{valid_key, BlobEntry, BlobError, BlobResult, BlobStores, Blobs, UploadTarget};
pub use clock::{Clock, SystemClock};
pub use creation::CreationRequestRecords;
pub use error::{RecordsError, RecordsResult};
pub use fresh_ids::{Ids, RandomIds};
pub use items::ItemRecords;
pub use joins::JoinRequestRecords;
pub use members::MemberRecords;
pub use quotas::QuotaRecords;
pub use records::{PipelinePorts, Ports, Records};
pub use users::UserRecords;
pub use workflows::{Job, JobStatus, TileArchives, WorkflowError, Workflows};
pub use workspaces::WorkspaceRecords;
