//! The use cases of the product, grouped by area, over the ports.
//!
//! Each area is one service holding only the ports it needs; [`Services`] builds them all
//! from one [`Ports`] value. Every method takes the [`crate::user::Principal`] making the
//! request and enforces the rules of the product: who may see and do what, and the
//! invariants the records ports keep atomically. Workspaces a caller may not see answer "not
//! found", never "forbidden", so answers do not reveal whether they exist.

mod access;
mod account;
mod creation;
mod joins;
mod members;
mod pipeline;
mod quotas;
mod views;
mod workspaces;

use chrono::Duration;

pub use access::Gate;
pub use account::{AccountService, Me};
pub use creation::{Approval, CreationService, NewCreationRequest};
pub use joins::JoinService;
pub use members::{AddedMembers, MemberService};
pub use pipeline::{
    blob_error, database_of, pyramid_of, reservation_of, reserve, NewPyramid, NewUpload,
    PipelineService, UploadTicket, PIPELINE_RESERVATION_LIFETIME, UPLOAD_URL_LIFETIME,
};
pub use quotas::{QuotaService, UsageView};
pub use views::Views;
pub use workspaces::{DirectoryEntry, WorkspacePatch, WorkspaceService, WorkspaceView};

use crate::error::Error;
use crate::ids::WorkspaceId;
use crate::ports::{Ports, RecordsError};

/// How long a quota reservation lives before cleanup may release it.
pub const RESERVATION_LIFETIME: Duration = Duration::hours(24);

/// Every service of the product, built from one set of ports.
#[derive(Clone)]
pub struct Services {
    /// The caller's own account.
    pub accounts: AccountService,
    /// Workspaces, the directory and platform administration.
    pub workspaces: WorkspaceService,
    /// Workspace creation requests.
    pub creation: CreationService,
    /// Members and roles.
    pub members: MemberService,
    /// Join requests.
    pub joins: JoinService,
    /// Quota figures and reservations.
    pub quotas: QuotaService,
    /// Uploads, databases and pyramids.
    pub pipeline: PipelineService,
}

impl Services {
    /// Every service over `ports`.
    pub fn new(ports: &Ports) -> Self {
        let workspaces = WorkspaceService::new(ports);
        Self {
            accounts: AccountService::new(ports, workspaces.clone()),
            creation: CreationService::new(ports),
            members: MemberService::new(ports),
            joins: JoinService::new(ports),
            quotas: QuotaService::new(ports),
            pipeline: PipelineService::new(ports),
            workspaces,
        }
    }
}

/// Parses a workspace id from a URL; anything malformed is simply not found.
pub(crate) fn parse_workspace_id(text: &str) -> crate::Result<WorkspaceId> {
    WorkspaceId::parse(text).map_err(|_| Error::not_found(format!("workspace {text}")))
}

pub(crate) fn not_found_workspace(id: &WorkspaceId) -> Error {
    Error::not_found(format!("workspace {id}"))
}

/// Maps a records failure with no more specific meaning to a use-case error.
pub(crate) fn records_error(error: RecordsError) -> Error {
    match error {
        RecordsError::NotFound => Error::not_found("record"),
        RecordsError::ConditionFailed | RecordsError::AlreadyExists => Error::Conflict(
            "this changed while you were working on it; reload and try again".to_owned(),
        ),
        RecordsError::LastOwner => Error::LastOwner,
        RecordsError::QuotaExceeded { held, limit } => {
            Error::Conflict(format!("quota exceeded: {held} held of {limit}"))
        }
        RecordsError::Unavailable(source) => Error::Transient(source),
        RecordsError::Backend(source) => Error::Internal(source),
    }
}
