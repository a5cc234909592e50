//! Running the pipeline: a job per upload or pyramid, started under an idempotent name.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ids::{PyramidId, UploadId, WorkspaceId};

/// A pipeline job: what an execution works on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "lowercase")]
pub enum Job {
    /// Check, integrate, then what the upload asks for.
    Upload {
        /// The workspace.
        workspace: WorkspaceId,
        /// The upload.
        upload: UploadId,
    },
    /// Tile a database into a pyramid.
    Pyramid {
        /// The workspace.
        workspace: WorkspaceId,
        /// The pyramid.
        pyramid: PyramidId,
    },
}

impl Job {
    /// The execution name: the same job always gets the same name, so starting it twice
    /// starts one execution. `attempt` counts retries of a failed item.
    pub fn name(&self, attempt: u32) -> String {
        let base = match self {
            Self::Upload { upload, .. } => upload.as_str().to_owned(),
            Self::Pyramid { pyramid, .. } => pyramid.as_str().to_owned(),
        };
        if attempt == 0 {
            base
        } else {
            format!("{base}-retry-{attempt}")
        }
    }
}

/// Why a workflow could not be started or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// The runner is temporarily unavailable.
    #[error("workflow runner temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The runner failed permanently.
    #[error("workflow runner failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Queued or running.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended with a failure, or stopped.
    Failed,
}

/// Starts and stops pipeline jobs.
#[async_trait]
pub trait Workflows: Send + Sync {
    /// Starts `job` under `name`; starting a name already started does nothing.
    async fn start(&self, job: &Job, name: &str) -> Result<(), WorkflowError>;
    /// Where the execution named `name` stands; `None` if no execution has that name.
    async fn describe(&self, name: &str) -> Result<Option<JobStatus>, WorkflowError>;
    /// Asks the execution named `name` to stop; unknown or finished names do nothing.
    async fn cancel(&self, name: &str) -> Result<(), WorkflowError>;
}

/// Pyramid archives read tile by tile (PMTiles by range reads).
#[async_trait]
pub trait TileArchives: Send + Sync {
    /// The tile `z/x/y` of the archive under `key` in the pyramids store, as stored
    /// (gzip-compressed MVT); `None` when the archive has no such tile.
    async fn tile(
        &self,
        key: &str,
        z: u8,
        x: u32,
        y: u32,
    ) -> Result<Option<Vec<u8>>, super::BlobError>;
}
