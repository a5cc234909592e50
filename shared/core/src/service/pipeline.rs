//! The data items of a workspace as members see them: uploads announced and sent, the vector
//! databases they become, pyramids and samples asked for, cancelled, validated, retried and
//! deleted. The work itself is done by the pipeline's steps, started through the
//! [`crate::ports::Workflows`] port.

use std::sync::Arc;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{parse_workspace_id, records_error, Gate};
use crate::error::{Error, Result};
use crate::ids::{DatabaseId, PyramidId, ReservationId, UploadId, WorkspaceId};
use crate::item::{
    Database, DatabaseState, Item, Pyramid, PyramidKind, PyramidState, SampleArea, Then, Tiling,
    Upload, UploadState, Versioned, MAX_UPLOAD_BYTES,
};
use crate::ports::{
    BlobError, BlobStores, Clock, Ids, ItemRecords, Job, Ports, QuotaRecords, RecordsError,
    TileArchives, WorkflowError, Workflows,
};
use crate::quota::{Quota, Reservation};
use crate::role::Action;
use crate::storage::StorageType;
use crate::user::Principal;
use crate::workspace::Workspace;

/// How long an upload URL works.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::hours(1);

/// How long a reservation made by the pipeline lives before cleanup may release it.
pub const PIPELINE_RESERVATION_LIFETIME: Duration = Duration::days(2);

/// An upload being announced.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    /// The file's name.
    pub file_name: String,
    /// Its size in bytes.
    pub size: u64,
    /// CRS overriding the one the file declares, e.g. `EPSG:2154`.
    #[serde(default)]
    pub crs: Option<String>,
    /// What to do once it is integrated.
    #[serde(default)]
    pub then: Option<Then>,
}

/// An announced upload and where to send its bytes.
#[derive(Debug, Clone, Serialize)]
pub struct UploadTicket {
    /// The upload.
    pub upload: Upload,
    /// Where to send the bytes.
    pub upload_url: String,
    /// With which method (`PUT`).
    pub upload_method: String,
    /// Until when.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A pyramid asked for from a database.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPyramid {
    /// How to tile.
    #[serde(flatten)]
    pub tiling: Tiling,
    /// A sample instead of the full pyramid.
    #[serde(default)]
    pub sample: Option<SampleArea>,
}

/// Uploads, databases and pyramids.
#[derive(Clone)]
pub struct PipelineService {
    gate: Gate,
    quotas: Arc<dyn QuotaRecords>,
    items: Arc<dyn ItemRecords>,
    blobs: BlobStores,
    workflows: Arc<dyn Workflows>,
    archives: Arc<dyn TileArchives>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

/// The id suffix shared by an item and the reservation holding its bytes, so that a step
/// re-run reserves under the same id and never counts twice.
pub fn reservation_of(item_id: &str) -> ReservationId {
    ReservationId::generate(suffix(item_id))
}

/// The database an upload becomes.
pub fn database_of(upload: &UploadId) -> DatabaseId {
    DatabaseId::generate(suffix(upload.as_str()))
}

/// The pyramid an upload's `then` becomes.
pub fn pyramid_of(upload: &UploadId) -> PyramidId {
    PyramidId::generate(suffix(upload.as_str()))
}

fn suffix(id: &str) -> &str {
    id.split_once('_').map_or(id, |(_, rest)| rest)
}

/// Maps an object store failure to a use-case error.
pub fn blob_error(error: BlobError) -> Error {
    match error {
        BlobError::InvalidKey(_) | BlobError::Range { .. } | BlobError::TooLarge { .. } => {
            Error::invalid("key", error.to_string())
        }
        BlobError::Unavailable(source) => Error::Transient(source),
        other => Error::Internal(Box::new(other)),
    }
}

fn workflow_error(error: WorkflowError) -> Error {
    match error {
        WorkflowError::Unavailable(source) => Error::Transient(source),
        other => Error::Internal(Box::new(other)),
    }
}

impl PipelineService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            gate: Gate::new(ports),
            quotas: Arc::clone(&ports.quotas),
            items: Arc::clone(&ports.pipeline.items),
            blobs: ports.pipeline.blobs.clone(),
            workflows: Arc::clone(&ports.pipeline.workflows),
            archives: Arc::clone(&ports.pipeline.archives),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        }
    }

    /// Announces an upload (editors and above): reserves its size on the uploads quota and
    /// answers where to send the bytes.
    pub async fn create_upload(
        &self,
        principal: &Principal,
        workspace: &str,
        new: NewUpload,
    ) -> Result<UploadTicket> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let file_name = crate::ids::check_text("file_name", &new.file_name, 1, 255)?;
        if file_name.contains(['/', '\\']) {
            return Err(Error::invalid(
                "file_name",
                "`file_name` is the file's name without folders, e.g. `communes.gpkg`",
            ));
        }
        if new.size == 0 || new.size > MAX_UPLOAD_BYTES {
            return Err(Error::invalid(
                "size",
                format!("`size` is the file's size in bytes, from 1 to {MAX_UPLOAD_BYTES}"),
            ));
        }
        let crs = match new.crs {
            Some(crs) => Some(crate::ids::check_text("crs", &crs, 1, 2000)?),
            None => None,
        };
        check_then(new.then.as_ref())?;
        let now = self.clock.now();
        let id = UploadId::generate(&self.ids.fresh());
        let reservation = reservation_of(id.as_str());
        reserve(
            self.quotas.as_ref(),
            &access.workspace,
            StorageType::Uploads,
            &reservation,
            new.size,
            now,
        )
        .await?;
        let upload = Upload {
            id,
            workspace: access.workspace.id.clone(),
            file_name,
            size: new.size,
            stored: 0,
            crs,
            then: new.then,
            state: UploadState::AwaitingBytes,
            reservation,
            database: None,
            pyramid: None,
            progress: 0.0,
            attempts: 0,
            report: None,
            created_by: access.user.id.clone(),
            created_at: now,
            updated_at: now,
            expires_at: now + UPLOAD_URL_LIFETIME,
        };
        let target = match self
            .blobs
            .uploads
            .upload_url(&upload.key(), upload.size, upload.expires_at)
            .await
        {
            Ok(target) => target,
            Err(error) => {
                let _ = self
                    .quotas
                    .release_reservation(&upload.workspace, &upload.reservation)
                    .await;
                return Err(blob_error(error));
            }
        };
        if let Err(error) = self.items.create_item(&Item::Upload(upload.clone())).await {
            let _ = self
                .quotas
                .release_reservation(&upload.workspace, &upload.reservation)
                .await;
            return Err(records_error(error));
        }
        Ok(UploadTicket {
            upload,
            upload_url: target.url,
            upload_method: target.method,
            expires_at: target.expires_at,
        })
    }

    /// The bytes of an upload are stored: starts its job. Called by the local upload route
    /// once the file is written; on AWS the object notification starts the job instead.
    pub async fn upload_arrived(&self, workspace: &WorkspaceId, id: &UploadId) -> Result<()> {
        let upload = self.load_upload(workspace, id).await?;
        if upload.item.state != UploadState::AwaitingBytes {
            return Ok(());
        }
        let job = Job::Upload {
            workspace: workspace.clone(),
            upload: id.clone(),
        };
        self.workflows
            .start(&job, &job.name(upload.item.attempts))
            .await
            .map_err(workflow_error)
    }

    /// An upload still waiting for its bytes, for the route that receives them: its key and
    /// announced size. Not found once its bytes came or its URL expired.
    pub async fn awaiting_bytes(&self, workspace: &WorkspaceId, id: &UploadId) -> Result<Upload> {
        let upload = self.load_upload(workspace, id).await?.item;
        if upload.state != UploadState::AwaitingBytes {
            return Err(Error::Conflict(format!(
                "upload {id} is {} and takes no more bytes; announce a new upload",
                state_name(upload.state)
            )));
        }
        if upload.expires_at < self.clock.now() {
            return Err(Error::Conflict(format!(
                "the upload URL of {id} expired at {}; announce the upload again",
                upload.expires_at
            )));
        }
        Ok(upload)
    }

    /// An upload (members).
    pub async fn upload(&self, principal: &Principal, workspace: &str, id: &str) -> Result<Upload> {
        let access = self.gate.access(principal, workspace, Action::View).await?;
        let id = UploadId::parse(id)?;
        Ok(self.load_upload(&access.workspace.id, &id).await?.item)
    }

    /// Deletes an upload that is not being worked on (editors and above): its file and the
    /// bytes it counted.
    pub async fn delete_upload(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<()> {
        let access = self
            .gate
            .access(principal, workspace, Action::EditData)
            .await?;
        let id = UploadId::parse(id)?;
        let found = self.load_upload(&access.workspace.id, &id).await?;
        let upload = &found.item;
        if matches!(
            upload.state,
            UploadState::Received | UploadState::Integrating
        ) {
            return Err(Error::Conflict(format!(
                "upload {id} is being integrated; wait until it is integrated or failed"
            )));
        }
        self.items
            .delete_item(&upload.workspace, upload.id.as_str(), found.version)
            .await
            .map_err(records_error)?;
        self.blobs
            .uploads
            .delete(&upload.key())
            .await
            .map_err(blob_error)?;
        let _ = self
            .quotas
            .release_reservation(&upload.workspace, &upload.reservation)
            .await;
        if upload.stored > 0 {
            self.quotas
                .free(&upload.workspace, StorageType::Uploads, upload.stored)
                .await
                .map_err(records_error)?;
        }
        Ok(())
    }

    /// Starts a failed upload again from its kept file (editors and above).
    pub async fn retry_upload(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Upload> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let id = UploadId::parse(id)?;
        let found = self.load_upload(&access.workspace.id, &id).await?;
        let mut upload = found.item;
        if upload.state != UploadState::Failed
            || !upload.report.as_ref().is_some_and(|r| r.input_kept)
        {
            return Err(Error::Conflict(format!(
                "only a failed upload whose file is kept can be retried; upload {id} is {}",
                state_name(upload.state)
            )));
        }
        upload.state = UploadState::Received;
        upload.report = None;
        upload.progress = 0.0;
        upload.attempts += 1;
        upload.updated_at = self.clock.now();
        let job = Job::Upload {
            workspace: upload.workspace.clone(),
            upload: upload.id.clone(),
        };
        self.retry(
            Item::Upload(upload.clone()),
            found.version,
            job,
            upload.attempts,
        )
        .await?;
        Ok(upload)
    }

    /// Saves an item moved back to the start and starts its job's next attempt.
    async fn retry(&self, item: Item, version: u64, job: Job, attempt: u32) -> Result<()> {
        self.items
            .update_item(&item, version)
            .await
            .map_err(records_error)?;
        self.workflows
            .start(&job, &job.name(attempt))
            .await
            .map_err(workflow_error)
    }

    /// A vector database with its layers (members).
    pub async fn database(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Database> {
        let access = self.gate.access(principal, workspace, Action::View).await?;
        let id = DatabaseId::parse(id)?;
        Ok(self.load_database(&access.workspace.id, &id).await?.item)
    }

    /// Asks for a pyramid or a sample of a ready database (editors and above).
    pub async fn create_pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        database: &str,
        new: NewPyramid,
    ) -> Result<Pyramid> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let database = DatabaseId::parse(database)?;
        let found = self.load_database(&access.workspace.id, &database).await?;
        if found.item.state == DatabaseState::Deleted
            || found.item.state == DatabaseState::Integrating
        {
            return Err(Error::Conflict(format!(
                "database {database} is {}; only a ready database can be tiled",
                match found.item.state {
                    DatabaseState::Deleted => "deleted (a full pyramid was made from it)",
                    _ => "still being written",
                }
            )));
        }
        new.tiling.check()?;
        let (kind, point) = match &new.sample {
            Some(area) => {
                area.check()?;
                (PyramidKind::Sample, area.point)
            }
            None => (PyramidKind::Full, None),
        };
        let now = self.clock.now();
        let pyramid = Pyramid {
            id: PyramidId::generate(&self.ids.fresh()),
            workspace: access.workspace.id.clone(),
            database,
            kind,
            tiling: new.tiling,
            point,
            state: PyramidState::Queued,
            progress: 0.0,
            attempts: 0,
            upload: None,
            size: 0,
            tiles: 0,
            zooms: None,
            bounds: None,
            report: None,
            validated_as: None,
            created_by: access.user.id.clone(),
            created_at: now,
            updated_at: now,
        };
        self.start_pyramid(pyramid).await
    }

    async fn start_pyramid(&self, pyramid: Pyramid) -> Result<Pyramid> {
        self.items
            .create_item(&Item::Pyramid(pyramid.clone()))
            .await
            .map_err(records_error)?;
        let job = Job::Pyramid {
            workspace: pyramid.workspace.clone(),
            pyramid: pyramid.id.clone(),
        };
        self.workflows
            .start(&job, &job.name(pyramid.attempts))
            .await
            .map_err(workflow_error)?;
        Ok(pyramid)
    }

    /// A pyramid or sample (members).
    pub async fn pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Pyramid> {
        let access = self.gate.access(principal, workspace, Action::View).await?;
        let id = PyramidId::parse(id)?;
        Ok(self.load_pyramid(&access.workspace.id, &id).await?.item)
    }

    /// Cancels a queued or running pyramid (editors and above): it stops within seconds, its
    /// partial output is removed and its reservation released.
    pub async fn cancel_pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Pyramid> {
        let access = self
            .gate
            .access(principal, workspace, Action::EditData)
            .await?;
        let id = PyramidId::parse(id)?;
        loop {
            let found = self.load_pyramid(&access.workspace.id, &id).await?;
            let mut pyramid = found.item;
            if pyramid.state.is_final() {
                return Err(Error::Conflict(format!(
                    "pyramid {id} is already {}",
                    state_name(pyramid.state)
                )));
            }
            pyramid.state = PyramidState::Cancelled;
            pyramid.updated_at = self.clock.now();
            match self
                .items
                .update_item(&Item::Pyramid(pyramid.clone()), found.version)
                .await
            {
                Ok(_) => {}
                Err(RecordsError::ConditionFailed) => continue,
                Err(other) => return Err(records_error(other)),
            }
            let job = Job::Pyramid {
                workspace: pyramid.workspace.clone(),
                pyramid: pyramid.id.clone(),
            };
            self.workflows
                .cancel(&job.name(pyramid.attempts))
                .await
                .map_err(workflow_error)?;
            return Ok(pyramid);
        }
    }

    /// Turns a generated sample into the full pyramid, with the same tiling (editors and
    /// above). The full pyramid is answered; the sample records it in `validated_as`.
    pub async fn validate_pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Pyramid> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let id = PyramidId::parse(id)?;
        let found = self.load_pyramid(&access.workspace.id, &id).await?;
        let mut sample = found.item;
        if sample.kind != PyramidKind::Sample || sample.state != PyramidState::Generated {
            return Err(Error::Conflict(format!(
                "only a generated sample can be validated; pyramid {id} is a {} pyramid, {}",
                if sample.kind == PyramidKind::Sample {
                    "sample"
                } else {
                    "full"
                },
                state_name(sample.state)
            )));
        }
        if let Some(full) = &sample.validated_as {
            return Ok(self.load_pyramid(&sample.workspace, full).await?.item);
        }
        let now = self.clock.now();
        let full = Pyramid {
            id: PyramidId::generate(&self.ids.fresh()),
            kind: PyramidKind::Full,
            point: None,
            state: PyramidState::Queued,
            progress: 0.0,
            attempts: 0,
            size: 0,
            tiles: 0,
            zooms: None,
            bounds: None,
            report: None,
            validated_as: None,
            created_by: access.user.id.clone(),
            created_at: now,
            updated_at: now,
            ..sample.clone()
        };
        sample.validated_as = Some(full.id.clone());
        sample.updated_at = now;
        self.items
            .update_item(&Item::Pyramid(sample), found.version)
            .await
            .map_err(records_error)?;
        self.start_pyramid(full).await
    }

    /// Starts a failed pyramid again (editors and above).
    pub async fn retry_pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Pyramid> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let id = PyramidId::parse(id)?;
        let found = self.load_pyramid(&access.workspace.id, &id).await?;
        let mut pyramid = found.item;
        if !matches!(
            pyramid.state,
            PyramidState::Failed | PyramidState::Cancelled
        ) {
            return Err(Error::Conflict(format!(
                "only a failed or cancelled pyramid can be retried; pyramid {id} is {}",
                state_name(pyramid.state)
            )));
        }
        let database = self
            .load_database(&pyramid.workspace, &pyramid.database)
            .await?;
        if database.item.state == DatabaseState::Deleted {
            return Err(Error::Conflict(format!(
                "the database {} of pyramid {id} is deleted; upload the file again",
                pyramid.database
            )));
        }
        pyramid.state = PyramidState::Queued;
        pyramid.report = None;
        pyramid.progress = 0.0;
        pyramid.attempts += 1;
        pyramid.updated_at = self.clock.now();
        let job = Job::Pyramid {
            workspace: pyramid.workspace.clone(),
            pyramid: pyramid.id.clone(),
        };
        self.retry(
            Item::Pyramid(pyramid.clone()),
            found.version,
            job,
            pyramid.attempts,
        )
        .await?;
        Ok(pyramid)
    }

    /// Deletes a pyramid that is not being made (editors and above): its archive and the
    /// bytes it counted.
    pub async fn delete_pyramid(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<()> {
        let access = self
            .gate
            .access(principal, workspace, Action::EditData)
            .await?;
        let id = PyramidId::parse(id)?;
        let found = self.load_pyramid(&access.workspace.id, &id).await?;
        let pyramid = &found.item;
        if !pyramid.state.is_final() {
            return Err(Error::Conflict(format!(
                "pyramid {id} is {}; cancel it first",
                state_name(pyramid.state)
            )));
        }
        self.items
            .delete_item(&pyramid.workspace, pyramid.id.as_str(), found.version)
            .await
            .map_err(records_error)?;
        self.blobs
            .pyramids
            .delete(&pyramid.key())
            .await
            .map_err(blob_error)?;
        if pyramid.state == PyramidState::Generated && pyramid.size > 0 {
            self.quotas
                .free(&pyramid.workspace, StorageType::Pyramids, pyramid.size)
                .await
                .map_err(records_error)?;
        }
        Ok(())
    }

    /// A tile of a generated pyramid, gzip-compressed MVT, `None` where it has none (members:
    /// the private preview).
    pub async fn preview_tile(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
        (z, x, y): (u8, u32, u32),
    ) -> Result<Option<Vec<u8>>> {
        let access = self.gate.access(principal, workspace, Action::View).await?;
        let id = PyramidId::parse(id)?;
        let pyramid = self.load_pyramid(&access.workspace.id, &id).await?.item;
        if pyramid.state != PyramidState::Generated {
            return Err(Error::Conflict(format!(
                "pyramid {id} is {}; its tiles can be seen once it is generated",
                state_name(pyramid.state)
            )));
        }
        if z > 30 || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Err(Error::not_found(format!("tile {z}/{x}/{y}")));
        }
        self.archives
            .tile(&pyramid.key(), z, x, y)
            .await
            .map_err(blob_error)
    }

    /// An item of one kind (`what`, picked out by `pick`), with its version.
    async fn load_as<T>(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        what: &str,
        pick: fn(Item) -> Option<T>,
    ) -> Result<Versioned<T>> {
        let found = self
            .items
            .item(workspace, id)
            .await
            .map_err(records_error)?;
        match found {
            Some(Versioned { item, version }) => match pick(item) {
                Some(item) => Ok(Versioned { item, version }),
                None => Err(Error::not_found(format!("{what} {id}"))),
            },
            None => Err(Error::not_found(format!("{what} {id}"))),
        }
    }

    async fn load_upload(
        &self,
        workspace: &WorkspaceId,
        id: &UploadId,
    ) -> Result<Versioned<Upload>> {
        self.load_as(workspace, id.as_str(), "upload", |item| match item {
            Item::Upload(upload) => Some(upload),
            _ => None,
        })
        .await
    }

    async fn load_database(
        &self,
        workspace: &WorkspaceId,
        id: &DatabaseId,
    ) -> Result<Versioned<Database>> {
        self.load_as(workspace, id.as_str(), "database", |item| match item {
            Item::Database(database) => Some(database),
            _ => None,
        })
        .await
    }

    async fn load_pyramid(
        &self,
        workspace: &WorkspaceId,
        id: &PyramidId,
    ) -> Result<Versioned<Pyramid>> {
        self.load_as(workspace, id.as_str(), "pyramid", |item| match item {
            Item::Pyramid(pyramid) => Some(pyramid),
            _ => None,
        })
        .await
    }

    /// Parses a workspace id from a URL (for routes that are not behind a member check).
    pub fn workspace_id(text: &str) -> Result<WorkspaceId> {
        parse_workspace_id(text)
    }
}

fn check_then(then: Option<&Then>) -> Result<()> {
    match then {
        None => Ok(()),
        Some(Then::Pyramid(tiling)) => tiling.check(),
        Some(Then::Sample(sample)) => {
            sample.tiling.check()?;
            SampleArea {
                point: sample.point,
            }
            .check()
        }
    }
}

/// Reserves `amount` of a storage type under a given id; a reservation already made under
/// that id (a re-run) is kept as it is.
pub async fn reserve(
    quotas: &dyn QuotaRecords,
    workspace: &Workspace,
    storage: StorageType,
    id: &ReservationId,
    amount: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reservation> {
    let reservation = Reservation {
        id: id.clone(),
        workspace: workspace.id.clone(),
        quota: storage,
        amount: amount.max(1),
        created_at: now,
        expires_at: now + PIPELINE_RESERVATION_LIFETIME,
        holder: None,
    };
    let limit = workspace.limits.bytes(storage);
    match quotas.reserve(&reservation, limit).await {
        Ok(()) | Err(RecordsError::AlreadyExists) => Ok(reservation),
        Err(RecordsError::QuotaExceeded { held, limit }) => Err(Error::QuotaExceeded {
            quota: Quota::Storage(storage),
            needed: reservation.amount,
            free: limit.saturating_sub(held),
            limit,
        }),
        Err(other) => Err(records_error(other)),
    }
}

/// A state as the API writes it, e.g. `awaiting_bytes`.
fn state_name(state: impl Serialize) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
