//! The steps of a job: check upload → integrate → plan → tile → finalize, and report failure.
//!
//! Each step takes a [`Task`] and answers the next one. Work happens in a scratch folder of
//! this machine; what outlives a step goes through the object stores. A step re-run after a
//! crash finds the item's state and the objects already written, and does only what is left.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tuilerie_core::error::{Error, FailureName};
use tuilerie_core::ids::{ReservationId, WorkspaceId};
use tuilerie_core::item::{
    Database, DatabaseField, DatabaseLayer, DatabaseState, Item, Pyramid, PyramidKind,
    PyramidState, Report, ReportStep, Then, Tiling, Upload, UploadState, Versioned,
};
use tuilerie_core::ports::{
    BlobError, BlobStores, Clock, ItemRecords, Job, Ports, QuotaRecords, RecordsError,
    WorkspaceRecords,
};
use tuilerie_core::service::{database_of, pyramid_of, reservation_of, reserve};
use tuilerie_core::storage::StorageType;
use tuilerie_core::workspace::Workspace;

/// The names of the steps, in order, as failure reports number them.
pub const STEP_NAMES: [&str; 5] = [
    "check the upload",
    "integrate into a vector database",
    "plan the pyramid",
    "make the tiles",
    "finalize",
];

/// One step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The upload's bytes are there: count them.
    CheckUpload,
    /// Read the upload into a vector database.
    Integrate,
    /// Estimate the pyramid and reserve its quota.
    Plan,
    /// Make the tiles into an archive.
    Tile,
    /// Count the archive, delete what is no longer needed.
    Finalize,
}

impl Step {
    /// Its number in reports, from 1.
    pub fn number(self) -> u8 {
        match self {
            Self::CheckUpload => 1,
            Self::Integrate => 2,
            Self::Plan => 3,
            Self::Tile => 4,
            Self::Finalize => 5,
        }
    }

    /// The steps a job goes through, in order.
    pub fn of(job: &Job) -> &'static [Step] {
        match job {
            Job::Upload { .. } => &[
                Self::CheckUpload,
                Self::Integrate,
                Self::Plan,
                Self::Tile,
                Self::Finalize,
            ],
            Job::Pyramid { .. } => &[Self::Plan, Self::Tile, Self::Finalize],
        }
    }
}

/// What a step works on and hands to the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The job the execution was started for.
    pub job: Job,
    /// The pyramid being made, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pyramid: Option<tuilerie_core::ids::PyramidId>,
    /// Nothing is left to do: the remaining steps pass it on.
    #[serde(default)]
    pub done: bool,
}

impl Task {
    /// The first task of a job.
    pub fn start(job: Job) -> Self {
        let pyramid = match &job {
            Job::Pyramid { pyramid, .. } => Some(pyramid.clone()),
            Job::Upload { .. } => None,
        };
        Self {
            job,
            pyramid,
            done: false,
        }
    }

    fn workspace(&self) -> &WorkspaceId {
        match &self.job {
            Job::Upload { workspace, .. } | Job::Pyramid { workspace, .. } => workspace,
        }
    }
}

/// Why a step failed: its failure name and words for the report.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{name}: {cause}")]
pub struct StepFailure {
    /// The stable failure name the workflow matches.
    pub name: FailureName,
    /// What went wrong.
    pub cause: String,
    /// What to do.
    pub fix: String,
    /// A stable code of the cause.
    pub code: String,
}

impl StepFailure {
    fn new(
        name: FailureName,
        code: &str,
        cause: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name,
            cause: cause.into(),
            fix: fix.into(),
            code: code.to_owned(),
        }
    }

    fn cancelled(cause: impl Into<String>) -> Self {
        Self::new(FailureName::Cancelled, "cancelled", cause, "nothing to do")
    }
}

impl From<Error> for StepFailure {
    fn from(error: Error) -> Self {
        let fix = match &error {
            Error::QuotaExceeded { quota, .. } => format!(
                "free space in the {quota} storage (delete items you no longer need) or ask \
                 a platform administrator for a larger plan, then retry"
            ),
            Error::Suspended(_) => {
                "ask a platform administrator to reactivate the workspace".into()
            }
            Error::Transient(_) => "retry later".into(),
            _ => "retry; if it fails again, report the problem with this report".into(),
        };
        Self::new(error.failure_name(), error.code(), error.to_string(), fix)
    }
}

impl From<RecordsError> for StepFailure {
    fn from(error: RecordsError) -> Self {
        match error {
            RecordsError::Unavailable(source) => Error::Transient(source).into(),
            other => Error::Internal(Box::new(other)).into(),
        }
    }
}

impl From<BlobError> for StepFailure {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::Unavailable(source) => Error::Transient(source).into(),
            other => Error::Internal(Box::new(other)).into(),
        }
    }
}

/// Result of a step.
pub type StepResult<T> = Result<T, StepFailure>;

/// An item a step moves: an upload or a pyramid.
trait Stored: Clone + Send + Sync + 'static {
    /// What it is, in messages.
    const WHAT: &'static str;
    fn from_item(item: Item) -> Option<Self>;
    fn to_item(&self) -> Item;
    fn touch(&mut self, now: chrono::DateTime<chrono::Utc>);
}

impl Stored for Upload {
    const WHAT: &'static str = "upload";
    fn from_item(item: Item) -> Option<Self> {
        match item {
            Item::Upload(upload) => Some(upload),
            _ => None,
        }
    }
    fn to_item(&self) -> Item {
        Item::Upload(self.clone())
    }
    fn touch(&mut self, now: chrono::DateTime<chrono::Utc>) {
        self.updated_at = now;
    }
}

impl Stored for Pyramid {
    const WHAT: &'static str = "pyramid";
    fn from_item(item: Item) -> Option<Self> {
        match item {
            Item::Pyramid(pyramid) => Some(pyramid),
            _ => None,
        }
    }
    fn to_item(&self) -> Item {
        Item::Pyramid(self.clone())
    }
    fn touch(&mut self, now: chrono::DateTime<chrono::Utc>) {
        self.updated_at = now;
    }
}

/// The steps, over the ports they need and a scratch folder.
#[derive(Clone)]
pub struct Steps {
    workspaces: Arc<dyn WorkspaceRecords>,
    quotas: Arc<dyn QuotaRecords>,
    items: Arc<dyn ItemRecords>,
    blobs: BlobStores,
    clock: Arc<dyn Clock>,
    scratch: PathBuf,
}

/// Receives the fraction done of a long step and answers whether to stop.
pub type Progress = Arc<dyn Fn(f64) + Send + Sync>;

fn extra_of(id: &ReservationId) -> ReservationId {
    ReservationId::generate(&format!(
        "{}-more",
        &id.as_str()[ReservationId::PREFIX.len()..]
    ))
}

impl Steps {
    /// The steps over `ports`, working in `scratch` (created if absent).
    pub fn new(ports: &Ports, scratch: impl Into<PathBuf>) -> Self {
        Self {
            workspaces: Arc::clone(&ports.workspaces),
            quotas: Arc::clone(&ports.quotas),
            items: Arc::clone(&ports.pipeline.items),
            blobs: ports.pipeline.blobs.clone(),
            clock: Arc::clone(&ports.clock),
            scratch: scratch.into(),
        }
    }

    /// Runs one step.
    pub async fn run(&self, step: Step, task: Task, cancel: &Arc<AtomicBool>) -> StepResult<Task> {
        if task.done {
            return Ok(task);
        }
        match step {
            Step::CheckUpload => self.check_upload(task).await,
            Step::Integrate => self.integrate(task).await,
            Step::Plan => self.plan(task).await,
            Step::Tile => self.tile(task, cancel).await,
            Step::Finalize => self.finalize(task).await,
        }
    }

    async fn workspace(&self, id: &WorkspaceId) -> StepResult<Workspace> {
        let found = self
            .workspaces
            .workspace(id)
            .await?
            .ok_or_else(|| StepFailure::cancelled(format!("workspace {id} was deleted")))?;
        found.ensure_active().map_err(StepFailure::from)?;
        Ok(found)
    }

    async fn upload(&self, workspace: &WorkspaceId, id: &str) -> StepResult<Versioned<Upload>> {
        self.load(workspace, id).await
    }

    async fn database(
        &self,
        workspace: &WorkspaceId,
        id: &str,
    ) -> StepResult<Option<Versioned<Database>>> {
        match self.items.item(workspace, id).await? {
            Some(Versioned {
                item: Item::Database(item),
                version,
            }) => Ok(Some(Versioned { item, version })),
            _ => Ok(None),
        }
    }

    async fn pyramid(&self, workspace: &WorkspaceId, id: &str) -> StepResult<Versioned<Pyramid>> {
        self.load(workspace, id).await
    }

    /// An upload or a pyramid with its version; gone means the job is to stop.
    async fn load<T: Stored>(&self, workspace: &WorkspaceId, id: &str) -> StepResult<Versioned<T>> {
        match self.items.item(workspace, id).await? {
            Some(Versioned { item, version }) => match T::from_item(item) {
                Some(item) => Ok(Versioned { item, version }),
                None => Err(StepFailure::cancelled(format!(
                    "{} {id} was deleted",
                    T::WHAT
                ))),
            },
            None => Err(StepFailure::cancelled(format!(
                "{} {id} was deleted",
                T::WHAT
            ))),
        }
    }

    /// Applies `change` to an item with compare-and-set, reading it again when it moved;
    /// `change` answers false when there is nothing to write.
    async fn change<T: Stored>(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        change: impl Fn(&mut T) -> StepResult<bool>,
    ) -> StepResult<T> {
        loop {
            let Versioned { mut item, version } = self.load::<T>(workspace, id).await?;
            if !change(&mut item)? {
                return Ok(item);
            }
            item.touch(self.clock.now());
            match self.items.update_item(&item.to_item(), version).await {
                Ok(_) => return Ok(item),
                Err(RecordsError::ConditionFailed) => continue,
                Err(other) => return Err(other.into()),
            }
        }
    }

    async fn change_upload(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        change: impl Fn(&mut Upload) -> StepResult<bool>,
    ) -> StepResult<Upload> {
        self.change(workspace, id, change).await
    }

    async fn change_pyramid(
        &self,
        workspace: &WorkspaceId,
        id: &str,
        change: impl Fn(&mut Pyramid) -> StepResult<bool>,
    ) -> StepResult<Pyramid> {
        self.change(workspace, id, change).await
    }

    /// Commits `used` bytes against the reservation `id` (and its top-up, reserved here when
    /// `used` is more than the estimate). A re-run finds them committed and does nothing.
    async fn commit(
        &self,
        workspace: &Workspace,
        storage: StorageType,
        id: &ReservationId,
        used: u64,
    ) -> StepResult<()> {
        let open = self.quotas.reservations(&workspace.id).await?;
        let Some(estimate) = open.iter().find(|r| &r.id == id) else {
            return Ok(());
        };
        let extra = extra_of(id);
        if used > estimate.amount {
            let more = used - estimate.amount;
            if !open.iter().any(|r| r.id == extra) {
                reserve(
                    self.quotas.as_ref(),
                    workspace,
                    storage,
                    &extra,
                    more,
                    self.clock.now(),
                )
                .await?;
            }
            match self.quotas.commit_reservation(&workspace.id, &extra).await {
                Ok(_) | Err(RecordsError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
            match self.quotas.commit_reservation(&workspace.id, id).await {
                Ok(_) | Err(RecordsError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        } else {
            match self
                .quotas
                .commit_reservation_as(&workspace.id, id, used)
                .await
            {
                Ok(_) | Err(RecordsError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    /// Gives back a reservation and its top-up, if still open.
    async fn release(&self, workspace: &WorkspaceId, id: &ReservationId) -> StepResult<()> {
        for id in [id.clone(), extra_of(id)] {
            match self.quotas.release_reservation(workspace, &id).await {
                Ok(_) | Err(RecordsError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    fn job_upload(task: &Task) -> StepResult<&str> {
        match &task.job {
            Job::Upload { upload, .. } => Ok(upload.as_str()),
            Job::Pyramid { .. } => Err(StepFailure::new(
                FailureName::Internal,
                "bad_task",
                "an upload step was given a pyramid job",
                "this is a defect; report it",
            )),
        }
    }

    /// Step 1: the bytes are stored; counts them on the uploads quota.
    pub async fn check_upload(&self, task: Task) -> StepResult<Task> {
        let id = Self::job_upload(&task)?;
        let ws = task.workspace().clone();
        let upload = self.upload(&ws, id).await?.item;
        match upload.state {
            UploadState::AwaitingBytes => {}
            UploadState::Received | UploadState::Integrating | UploadState::Integrated => {
                return Ok(task)
            }
            UploadState::Failed | UploadState::Cancelled => {
                return Err(StepFailure::cancelled(format!("upload {id} was stopped")))
            }
        }
        let workspace = self.workspace(&ws).await?;
        let Some(size) = self.blobs.uploads.size(&upload.key()).await? else {
            return Err(StepFailure::new(
                FailureName::InvalidInput,
                "no_bytes",
                format!("no bytes were received for {}", upload.file_name),
                "send the file's bytes to the upload URL, then wait",
            ));
        };
        if size > upload.size {
            self.blobs.uploads.delete(&upload.key()).await?;
            self.release(&ws, &upload.reservation).await?;
            return Err(StepFailure::new(
                FailureName::InvalidInput,
                "too_large",
                format!(
                    "{} has {size} bytes, more than the {} announced",
                    upload.file_name, upload.size
                ),
                "announce the upload again with the file's exact size",
            ));
        }
        self.commit(&workspace, StorageType::Uploads, &upload.reservation, size)
            .await?;
        self.change_upload(&ws, id, |u| {
            if u.state != UploadState::AwaitingBytes {
                return Ok(false);
            }
            u.state = UploadState::Received;
            u.stored = size;
            Ok(true)
        })
        .await?;
        Ok(task)
    }

    fn scratch_of(&self, id: &str) -> StepResult<PathBuf> {
        let dir = self.scratch.join(id);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|error| {
            Error::Transient(Box::new(std::io::Error::new(
                error.kind(),
                format!("cannot create {}: {error}", dir.display()),
            )))
        })?;
        Ok(dir)
    }

    /// Step 2: reads the upload into a vector database stored in the databases store,
    /// counted with its real size; then deletes the upload's file.
    pub async fn integrate(&self, mut task: Task) -> StepResult<Task> {
        let id = Self::job_upload(&task)?.to_owned();
        let ws = task.workspace().clone();
        let upload = self.upload(&ws, &id).await?.item;
        let database_id = database_of(&upload.id);
        match upload.state {
            UploadState::Received | UploadState::Integrating => {}
            UploadState::Integrated => return self.after_integration(task, &upload).await,
            UploadState::AwaitingBytes | UploadState::Failed | UploadState::Cancelled => {
                return Err(StepFailure::cancelled(format!(
                    "upload {id} is not ready to integrate"
                )))
            }
        }
        let workspace = self.workspace(&ws).await?;
        let existing = self.database(&ws, database_id.as_str()).await?;
        if existing.is_none() {
            self.change_upload(&ws, &id, |u| {
                if u.state != UploadState::Received {
                    return Ok(false);
                }
                u.state = UploadState::Integrating;
                u.progress = 0.0;
                Ok(true)
            })
            .await?;
            let reservation = reservation_of(database_id.as_str());
            let estimate = upload.stored.saturating_mul(2).max(1 << 20);
            reserve(
                self.quotas.as_ref(),
                &workspace,
                StorageType::Databases,
                &reservation,
                estimate,
                self.clock.now(),
            )
            .await?;
            let dir = self.scratch_of(upload.id.as_str())?;
            let source = dir.join(tuilerie_core::item::safe_name(&upload.file_name));
            if !self.blobs.uploads.get_file(&upload.key(), &source).await? {
                return Err(StepFailure::new(
                    FailureName::Internal,
                    "upload_lost",
                    format!("the file of upload {id} is missing from the uploads store"),
                    "upload the file again",
                ));
            }
            let output = dir.join("db");
            let options = tuilerie_geo::ingest::IngestOptions {
                crs_override: upload.crs.clone(),
                ..Default::default()
            };
            let (source_in, output_in) = (source.clone(), output.clone());
            let report = tokio::task::spawn_blocking(move || {
                tuilerie_geo::ingest::ingest(&source_in, &output_in, &options)
            })
            .await
            .map_err(|error| Error::Internal(Box::new(error)))?;
            let report = match report {
                Ok(report) => report,
                Err(error) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(ingest_failure(&error));
                }
            };
            let prefix = format!("{}/{}/", ws, database_id);
            let mut size = 0u64;
            for file in database_files(&output)? {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                size += self
                    .blobs
                    .databases
                    .put_file(&format!("{prefix}{name}"), &file)
                    .await?;
            }
            let _ = std::fs::remove_dir_all(&dir);
            if let Err(failure) = self
                .commit(&workspace, StorageType::Databases, &reservation, size)
                .await
            {
                self.delete_prefix(&self.blobs.databases, &prefix).await?;
                self.release(&ws, &reservation).await?;
                return Err(failure);
            }
            let now = self.clock.now();
            let database = Database {
                id: database_id.clone(),
                workspace: ws.clone(),
                upload: upload.id.clone(),
                file_name: upload.file_name.clone(),
                state: DatabaseState::Ready,
                size,
                layers: report.schema.layers.iter().map(layer_of).collect(),
                warnings: report.warnings.iter().map(|w| w.message.clone()).collect(),
                created_by: upload.created_by.clone(),
                created_at: now,
                updated_at: now,
            };
            match self.items.create_item(&Item::Database(database)).await {
                Ok(()) | Err(RecordsError::AlreadyExists) => {}
                Err(other) => return Err(other.into()),
            }
        }
        let upload = self
            .change_upload(&ws, &id, |u| {
                if u.state == UploadState::Integrated {
                    return Ok(false);
                }
                u.state = UploadState::Integrated;
                u.database = Some(database_of(&u.id));
                u.progress = 1.0;
                Ok(true)
            })
            .await?;
        task.done = upload.then.is_none();
        self.after_integration(task, &upload).await
    }

    /// Once integrated: the upload's file goes, and the pyramid it asks for is created.
    async fn after_integration(&self, mut task: Task, upload: &Upload) -> StepResult<Task> {
        let ws = upload.workspace.clone();
        if upload.stored > 0 {
            self.blobs.uploads.delete(&upload.key()).await?;
            let stored = upload.stored;
            let before = self.upload(&ws, upload.id.as_str()).await?;
            if before.item.stored > 0 {
                let mut item = before.item.clone();
                item.stored = 0;
                item.updated_at = self.clock.now();
                match self
                    .items
                    .update_item(&Item::Upload(item), before.version)
                    .await
                {
                    Ok(_) => match self.quotas.free(&ws, StorageType::Uploads, stored).await {
                        Ok(()) | Err(RecordsError::ConditionFailed) => {}
                        Err(other) => return Err(other.into()),
                    },
                    Err(RecordsError::ConditionFailed) => {}
                    Err(other) => return Err(other.into()),
                }
            }
        }
        let Some(then) = &upload.then else {
            task.done = true;
            return Ok(task);
        };
        let pyramid_id = pyramid_of(&upload.id);
        let (kind, tiling, point) = match then {
            Then::Pyramid(tiling) => (PyramidKind::Full, tiling.clone(), None),
            Then::Sample(sample) => (PyramidKind::Sample, sample.tiling.clone(), sample.point),
        };
        let now = self.clock.now();
        let pyramid = Pyramid {
            id: pyramid_id.clone(),
            workspace: ws.clone(),
            database: database_of(&upload.id),
            kind,
            tiling,
            point,
            state: PyramidState::Queued,
            progress: 0.0,
            attempts: 0,
            upload: Some(upload.id.clone()),
            size: 0,
            tiles: 0,
            zooms: None,
            bounds: None,
            report: None,
            validated_as: None,
            created_by: upload.created_by.clone(),
            created_at: now,
            updated_at: now,
        };
        match self.items.create_item(&Item::Pyramid(pyramid)).await {
            Ok(()) | Err(RecordsError::AlreadyExists) => {}
            Err(other) => return Err(other.into()),
        }
        self.change_upload(&ws, upload.id.as_str(), |u| {
            if u.pyramid.is_some() {
                return Ok(false);
            }
            u.pyramid = Some(pyramid_of(&u.id));
            Ok(true)
        })
        .await?;
        task.pyramid = Some(pyramid_id);
        task.done = false;
        Ok(task)
    }

    fn task_pyramid(task: &Task) -> StepResult<String> {
        let from_job = match &task.job {
            Job::Pyramid { pyramid, .. } => Some(pyramid),
            Job::Upload { .. } => None,
        };
        task.pyramid
            .as_ref()
            .or(from_job)
            .map(|p| p.as_str().to_owned())
            .ok_or_else(|| {
                StepFailure::new(
                    FailureName::Internal,
                    "bad_task",
                    "a pyramid step was given no pyramid",
                    "this is a defect; report it",
                )
            })
    }

    /// Step 3: estimates the pyramid's size and reserves it on the pyramids quota, before
    /// any tile is made.
    pub async fn plan(&self, mut task: Task) -> StepResult<Task> {
        let id = Self::task_pyramid(&task)?;
        let ws = task.workspace().clone();
        let pyramid = self.pyramid(&ws, &id).await?.item;
        match pyramid.state {
            PyramidState::Queued | PyramidState::Tiling => {}
            PyramidState::Generated => {
                task.done = true;
                return Ok(task);
            }
            PyramidState::Failed | PyramidState::Cancelled => {
                return Err(StepFailure::cancelled(format!("pyramid {id} was stopped")))
            }
        }
        let workspace = self.workspace(&ws).await?;
        let Some(database) = self.database(&ws, pyramid.database.as_str()).await? else {
            return Err(StepFailure::new(
                FailureName::InvalidInput,
                "database_gone",
                format!("the database {} of this pyramid is gone", pyramid.database),
                "upload the file again",
            ));
        };
        if database.item.state == DatabaseState::Deleted {
            return Err(StepFailure::new(
                FailureName::InvalidInput,
                "database_gone",
                format!(
                    "the database {} was deleted once a full pyramid was made from it",
                    pyramid.database
                ),
                "upload the file again",
            ));
        }
        let estimate = estimate(&database.item, &pyramid);
        reserve(
            self.quotas.as_ref(),
            &workspace,
            StorageType::Pyramids,
            &reservation_of(pyramid.id.as_str()),
            estimate,
            self.clock.now(),
        )
        .await?;
        self.change_pyramid(&ws, &id, |p| {
            if p.state == PyramidState::Cancelled {
                return Err(StepFailure::cancelled("cancelled"));
            }
            if p.state != PyramidState::Queued {
                return Ok(false);
            }
            p.state = PyramidState::Tiling;
            p.progress = 0.0;
            Ok(true)
        })
        .await?;
        Ok(task)
    }

    /// Step 4: makes the tiles on this machine's cores and stores the archive. Progress is
    /// written to the pyramid at least every second; a cancelled pyramid stops the tiler.
    pub async fn tile(&self, task: Task, cancel: &Arc<AtomicBool>) -> StepResult<Task> {
        let id = Self::task_pyramid(&task)?;
        let ws = task.workspace().clone();
        let pyramid = self.pyramid(&ws, &id).await?.item;
        match pyramid.state {
            PyramidState::Tiling => {}
            PyramidState::Generated => return Ok(task),
            PyramidState::Cancelled => return Err(StepFailure::cancelled("cancelled")),
            _ => {
                return Err(StepFailure::cancelled(format!(
                    "pyramid {id} is not being tiled"
                )))
            }
        }
        if self.blobs.pyramids.size(&pyramid.key()).await?.is_some() {
            // A crash after the archive was stored: it is whole (stores write whole objects).
            return Ok(task);
        }
        let dir = self.scratch_of(&id)?;
        let db = dir.join("db");
        std::fs::create_dir_all(&db).map_err(|e| Error::Transient(Box::new(e)))?;
        let prefix = format!("{}/{}/", ws, pyramid.database);
        for entry in self.blobs.databases.list(&prefix).await? {
            let name = &entry.key[prefix.len()..];
            self.blobs
                .databases
                .get_file(&entry.key, &db.join(name))
                .await?;
        }
        let options = tile_options(&pyramid, &dir)?;
        let output = dir.join("pyramid.pmtiles");
        let (progress_tx, mut progress_rx) = tokio::sync::watch::channel(0.0f64);
        let run_cancel = Arc::clone(cancel);
        let (db_in, out_in) = (db.clone(), output.clone());
        let mut work = tokio::task::spawn_blocking(move || {
            let progress = move |f: f64| {
                let _ = progress_tx.send(f);
            };
            tuilerie_tiler::tile_database(&db_in, &out_in, &options, &progress, &run_cancel)
        });
        let outcome = loop {
            tokio::select! {
                done = &mut work => break done,
                () = tokio::time::sleep(std::time::Duration::from_millis(1000)) => {
                    let fraction = *progress_rx.borrow_and_update();
                    let cancelled = self.write_progress(&ws, &id, fraction).await;
                    if cancelled {
                        cancel.store(true, Ordering::Relaxed);
                    }
                }
            }
        };
        let outcome = outcome.map_err(|error| Error::Internal(Box::new(error)))?;
        let report = match outcome {
            Ok(report) => report,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(tile_failure(&error));
            }
        };
        let _ = std::fs::remove_dir_all(&db);
        let size = self
            .blobs
            .pyramids
            .put_file(&pyramid.key(), &output)
            .await?;
        let _ = std::fs::remove_dir_all(&dir);
        let zooms = [report.min_zoom, report.max_zoom];
        let bounds = report.sample_bounds;
        self.change_pyramid(&ws, &id, |p| {
            p.size = size;
            p.tiles = report.tiles;
            p.zooms = Some(zooms);
            if bounds.is_some() {
                p.bounds = bounds;
            }
            Ok(true)
        })
        .await?;
        Ok(task)
    }

    /// Writes a progress fraction; true when the pyramid was cancelled meanwhile.
    async fn write_progress(&self, ws: &WorkspaceId, id: &str, fraction: f64) -> bool {
        let result = self
            .change_pyramid(ws, id, |p| {
                if p.state == PyramidState::Cancelled {
                    return Err(StepFailure::cancelled("cancelled"));
                }
                if (p.progress - fraction).abs() < 1e-4 {
                    return Ok(false);
                }
                p.progress = fraction.clamp(0.0, 0.99);
                Ok(true)
            })
            .await;
        matches!(
            result,
            Err(StepFailure {
                name: FailureName::Cancelled,
                ..
            })
        )
    }

    /// Step 5: counts the archive with its real size, marks the pyramid generated, and
    /// deletes the database once a full pyramid is made from it.
    pub async fn finalize(&self, mut task: Task) -> StepResult<Task> {
        let id = Self::task_pyramid(&task)?;
        let ws = task.workspace().clone();
        let pyramid = self.pyramid(&ws, &id).await?.item;
        let workspace = self.workspace(&ws).await?;
        if pyramid.state == PyramidState::Cancelled {
            return Err(StepFailure::cancelled("cancelled"));
        }
        if pyramid.state != PyramidState::Generated {
            let Some(size) = self.blobs.pyramids.size(&pyramid.key()).await? else {
                return Err(StepFailure::new(
                    FailureName::Internal,
                    "archive_lost",
                    "the pyramid's archive is missing from the pyramids store",
                    "retry the pyramid",
                ));
            };
            let reservation = reservation_of(pyramid.id.as_str());
            if let Err(failure) = self
                .commit(&workspace, StorageType::Pyramids, &reservation, size)
                .await
            {
                self.blobs.pyramids.delete(&pyramid.key()).await?;
                return Err(failure);
            }
            let bounds = self
                .database(&ws, pyramid.database.as_str())
                .await?
                .and_then(|d| union_extent(&d.item.layers));
            // The database goes before the pyramid says it is generated, so that once it
            // does, the quotas already count only the archive.
            if pyramid.kind == PyramidKind::Full {
                self.delete_database(&ws, pyramid.database.as_str()).await?;
            }
            self.change_pyramid(&ws, &id, |p| {
                if p.state == PyramidState::Generated {
                    return Ok(false);
                }
                p.state = PyramidState::Generated;
                p.size = size;
                p.progress = 1.0;
                if p.bounds.is_none() {
                    p.bounds = bounds;
                }
                Ok(true)
            })
            .await?;
        }
        if pyramid.kind == PyramidKind::Full {
            self.delete_database(&ws, pyramid.database.as_str()).await?;
        }
        task.done = true;
        Ok(task)
    }

    async fn delete_prefix(
        &self,
        store: &Arc<dyn tuilerie_core::ports::Blobs>,
        prefix: &str,
    ) -> StepResult<()> {
        for entry in store.list(prefix).await? {
            store.delete(&entry.key).await?;
        }
        Ok(())
    }

    /// Deletes a database's files and gives its bytes back, once.
    async fn delete_database(&self, ws: &WorkspaceId, id: &str) -> StepResult<()> {
        loop {
            let Some(found) = self.database(ws, id).await? else {
                return Ok(());
            };
            let mut database = found.item;
            if database.state == DatabaseState::Deleted {
                return Ok(());
            }
            let size = database.size;
            database.state = DatabaseState::Deleted;
            database.size = 0;
            database.updated_at = self.clock.now();
            let prefix = database.prefix();
            match self
                .items
                .update_item(&Item::Database(database), found.version)
                .await
            {
                Ok(_) => {}
                Err(RecordsError::ConditionFailed) => continue,
                Err(other) => return Err(other.into()),
            }
            self.delete_prefix(&self.blobs.databases, &prefix).await?;
            match self.quotas.free(ws, StorageType::Databases, size).await {
                Ok(()) | Err(RecordsError::ConditionFailed) => {}
                Err(other) => return Err(other.into()),
            }
            return Ok(());
        }
    }

    /// On any failure: releases the job's reservations, removes partial output, and records
    /// the report on the item that failed (its input kept). A cancelled pyramid stays
    /// cancelled.
    pub async fn report_failure(
        &self,
        task: &Task,
        failed: Step,
        failure: &StepFailure,
    ) -> StepResult<()> {
        let ws = task.workspace().clone();
        let steps = Step::of(&task.job);
        let report = Report {
            failure: failure.name.as_str().to_owned(),
            failed_step: failed.number(),
            steps: steps
                .iter()
                .map(|step| ReportStep {
                    number: step.number(),
                    name: STEP_NAMES[usize::from(step.number() - 1)].to_owned(),
                    state: if step.number() < failed.number() {
                        "done"
                    } else if *step == failed {
                        "failed"
                    } else {
                        "not run"
                    }
                    .to_owned(),
                })
                .collect(),
            cause: failure.cause.clone(),
            fix: failure.fix.clone(),
            code: failure.code.clone(),
            input_kept: true,
            at: self.clock.now(),
        };
        let from_job = match &task.job {
            Job::Pyramid { pyramid, .. } => Some(pyramid),
            Job::Upload { .. } => None,
        };
        match (&task.job, task.pyramid.as_ref().or(from_job)) {
            (_, Some(pyramid)) if failed.number() >= Step::Plan.number() => {
                let id = pyramid.as_str();
                self.release(&ws, &reservation_of(id)).await?;
                let found = self.pyramid(&ws, id).await;
                if let Ok(found) = found {
                    self.blobs.pyramids.delete(&found.item.key()).await?;
                }
                let _ = std::fs::remove_dir_all(self.scratch.join(id));
                let report = report.clone();
                let cancelled = failure.name == FailureName::Cancelled;
                match self
                    .change_pyramid(&ws, id, move |p| {
                        if p.state == PyramidState::Cancelled {
                            return Ok(true);
                        }
                        if p.state.is_final() {
                            return Ok(false);
                        }
                        p.state = if cancelled {
                            PyramidState::Cancelled
                        } else {
                            PyramidState::Failed
                        };
                        p.report = Some(report.clone());
                        Ok(true)
                    })
                    .await
                {
                    Ok(_) => {}
                    Err(StepFailure {
                        name: FailureName::Cancelled,
                        ..
                    }) => {}
                    Err(other) => return Err(other),
                }
            }
            (Job::Upload { upload, .. }, _) => {
                let id = upload.as_str();
                let database = database_of(upload);
                self.release(&ws, &reservation_of(database.as_str()))
                    .await?;
                let _ = std::fs::remove_dir_all(self.scratch.join(id));
                let report = report.clone();
                match self
                    .change_upload(&ws, id, move |u| {
                        if matches!(u.state, UploadState::Failed | UploadState::Cancelled) {
                            return Ok(false);
                        }
                        if u.state == UploadState::AwaitingBytes {
                            // Its bytes never counted: the reservation goes.
                            u.stored = 0;
                        }
                        u.state = UploadState::Failed;
                        u.report = Some(report.clone());
                        Ok(true)
                    })
                    .await
                {
                    Ok(upload) => {
                        if upload.stored == 0 {
                            self.release(&ws, &upload.reservation).await?;
                        }
                    }
                    Err(StepFailure {
                        name: FailureName::Cancelled,
                        ..
                    }) => {}
                    Err(other) => return Err(other),
                }
            }
            (Job::Pyramid { .. }, _) => {}
        }
        Ok(())
    }
}

fn database_files(dir: &Path) -> StepResult<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Transient(Box::new(e)))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::Transient(Box::new(e)))?;
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

fn layer_of(layer: &tuilerie_geo::schema::LayerSchema) -> DatabaseLayer {
    DatabaseLayer {
        name: layer.name.clone(),
        original_name: layer.original_name.clone(),
        geometry_types: layer.geometry_types.clone(),
        source_crs: layer.source_crs.clone(),
        features: layer.feature_count,
        skipped: layer.skipped_count,
        fields: layer
            .fields
            .iter()
            .map(|f| DatabaseField {
                name: f.name.clone(),
                kind: serde_json::to_value(f.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            })
            .collect(),
        extent: layer.extent,
    }
}

fn union_extent(layers: &[DatabaseLayer]) -> Option<[f64; 4]> {
    layers.iter().filter_map(|l| l.extent).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    })
}

/// The pyramid's size before it is made: about its database's size for a full pyramid (the
/// tiles of every zoom hold the data about once, generalised, plus overhead), a small part
/// of it for a sample.
fn estimate(database: &Database, pyramid: &Pyramid) -> u64 {
    match pyramid.kind {
        PyramidKind::Full => database.size.saturating_mul(3) / 2 + (1 << 20),
        PyramidKind::Sample => (database.size / 4).clamp(1 << 20, 64 << 20),
    }
}

fn tile_options(pyramid: &Pyramid, dir: &Path) -> StepResult<tuilerie_tiler::TileOptions> {
    let Tiling {
        min_zoom,
        max_zoom,
        preset,
        layers,
    } = &pyramid.tiling;
    let invalid = |field: &str, message: String| {
        StepFailure::new(
            FailureName::InvalidInput,
            "invalid_tiling",
            message,
            format!("correct `{field}` and ask for the pyramid again"),
        )
    };
    let preset = match preset {
        Some(text) => text
            .parse()
            .map_err(|message: String| invalid("preset", message))?,
        None => tuilerie_tiler::Preset::Heterogeneous,
    };
    let mut options = tuilerie_tiler::TileOptions {
        min_zoom: min_zoom.unwrap_or(0),
        max_zoom: *max_zoom,
        preset,
        temp_dir: Some(dir.to_path_buf()),
        ..Default::default()
    };
    for (name, layer) in layers {
        let filter = match &layer.filter {
            Some(text) => Some(
                tuilerie_tiler::AttributeFilter::parse(text)
                    .map_err(|error| invalid("filter", format!("layer `{name}`: {error}")))?,
            ),
            None => None,
        };
        options.layers.insert(
            name.clone(),
            tuilerie_tiler::LayerOptions {
                min_zoom: layer.min_zoom,
                max_zoom: layer.max_zoom,
                attributes: layer.attributes.clone(),
                filter,
                exclude: false,
            },
        );
    }
    if pyramid.kind == PyramidKind::Sample {
        options.sample = Some(tuilerie_tiler::SampleArea {
            center: pyramid.point,
        });
    }
    Ok(options)
}

fn ingest_failure(error: &tuilerie_geo::IngestError) -> StepFailure {
    use tuilerie_geo::IngestError as E;
    let (name, fix) = match error {
        E::UnsupportedFormat { .. } => (
            FailureName::InvalidInput,
            "send GeoJSON, GeoJSONSeq, CSV with coordinates, a zipped Shapefile, a GeoPackage or FlatGeobuf",
        ),
        E::UnknownCrs { .. } => (
            FailureName::InvalidInput,
            "give the CRS with the upload (`crs`, e.g. EPSG:2154) or add a .prj to the Shapefile",
        ),
        E::ArchiveRejected { .. } | E::TooLarge { .. } => (
            FailureName::InvalidInput,
            "send a smaller archive, or the files it holds one by one",
        ),
        E::EmptyInput { .. } | E::NoGeometryColumn { .. } | E::InvalidFeatures { .. } => (
            FailureName::InvalidInput,
            "check the file in a GIS (QGIS) and export it again with its geometries",
        ),
        E::Malformed { .. } => (
            FailureName::InvalidInput,
            "the file is damaged or not what its name says: export it again from its source",
        ),
        E::Io { .. } | E::Output { .. } => (FailureName::Transient, "retry later"),
    };
    StepFailure::new(name, error.code(), error.to_string(), fix)
}

fn tile_failure(error: &tuilerie_tiler::TileError) -> StepFailure {
    let name = match error.code() {
        "InvalidInput" => FailureName::InvalidInput,
        "Cancelled" => FailureName::Cancelled,
        "Transient" => FailureName::Transient,
        _ => FailureName::Internal,
    };
    let fix = match name {
        FailureName::InvalidInput => {
            "change the tiling (zooms, filters, attributes) and ask for the pyramid again"
        }
        FailureName::Cancelled => "nothing to do",
        _ => "retry the pyramid",
    };
    StepFailure::new(name, "tiling_failed", error.to_string(), fix)
}
