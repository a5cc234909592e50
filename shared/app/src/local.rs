//! The pipeline on one machine: object stores in folders of the data directory, the local
//! runner, and the route that receives upload bytes (what a presigned S3 URL is on AWS).

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::Router;
use futures::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tuilerie_api::ApiError;
use tuilerie_core::error::Error;
use tuilerie_core::ids::UploadId;
use tuilerie_core::ports::{BlobStores, Blobs, PipelinePorts, Ports, RecordsError};
use tuilerie_core::service::{PipelineService, Services};
use tuilerie_local::blobs::{FileBlobs, UploadSigner, UPLOAD_ROUTE};
use tuilerie_pipeline::archives::PmTilesArchives;
use tuilerie_pipeline::runner::LocalRunner;
use tuilerie_pipeline::steps::Steps;

use crate::AppError;

/// The local pipeline's parts.
#[derive(Clone)]
pub(crate) struct Local {
    signer: UploadSigner,
    uploads: Arc<FileBlobs>,
    blobs: BlobStores,
    runner: LocalRunner,
}

fn folder(data: &Path, name: &str, signer: Option<UploadSigner>) -> Result<FileBlobs, AppError> {
    let path = data.join("objects").join(name);
    FileBlobs::open(&path, signer).map_err(|source| AppError::Folder {
        path: path.display().to_string(),
        source,
    })
}

impl Local {
    pub(crate) fn open(data: &Path, secret: &[u8], jobs: usize) -> Result<Self, AppError> {
        let signer = UploadSigner::new(secret);
        let uploads = Arc::new(folder(data, "uploads", Some(signer.clone()))?);
        let blobs = BlobStores {
            uploads: uploads.clone(),
            databases: Arc::new(folder(data, "databases", None)?),
            pyramids: Arc::new(folder(data, "pyramids", None)?),
            styles: Arc::new(folder(data, "styles", None)?),
        };
        Ok(Self {
            signer,
            uploads,
            blobs,
            runner: LocalRunner::new(jobs),
        })
    }

    pub(crate) fn ports(&self, items: Arc<dyn tuilerie_core::ports::ItemRecords>) -> PipelinePorts {
        PipelinePorts {
            items,
            archives: Arc::new(PmTilesArchives::new(Arc::clone(&self.blobs.pyramids))),
            blobs: self.blobs.clone(),
            workflows: Arc::new(self.runner.clone()),
        }
    }

    /// Gives the runner its steps, over the app's own ports, working in `data/work`.
    pub(crate) fn bind(&self, app: &crate::App, data: &Path) {
        let scratch = data.join("work");
        let _ = std::fs::remove_dir_all(&scratch);
        self.runner.bind(Steps::new(&app.ports, scratch));
    }

    pub(crate) async fn listening_on(
        &self,
        base_url: &str,
        ports: &Ports,
    ) -> Result<usize, RecordsError> {
        self.signer.set_base_url(base_url);
        self.runner
            .resume(ports.pipeline.items.as_ref(), self.blobs.uploads.as_ref())
            .await
    }

    pub(crate) fn upload_route(&self, services: Services) -> Router {
        let state = UploadState {
            services: Arc::new(services),
            uploads: Arc::clone(&self.uploads),
            signer: self.signer.clone(),
        };
        Router::new()
            .route(&format!("{UPLOAD_ROUTE}/{{*key}}"), put(receive))
            .with_state(state)
    }
}

#[derive(Clone)]
struct UploadState {
    services: Arc<Services>,
    uploads: Arc<FileBlobs>,
    signer: UploadSigner,
}

#[derive(Debug, Deserialize)]
struct Signed {
    length: u64,
    expires: i64,
    signature: String,
}

/// `PUT /upload-bytes/{key}?length&expires&signature`: the bytes of an announced upload, at
/// most as many as announced; then its job starts.
async fn receive(
    State(state): State<UploadState>,
    UrlPath(key): UrlPath<String>,
    query: Result<Query<Signed>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Response {
    match received(state, key, query.ok().map(|q| q.0), body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => error.into_response(),
    }
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError::Core(Error::Forbidden(message.into()))
}

async fn received(
    state: UploadState,
    key: String,
    signed: Option<Signed>,
    body: Body,
) -> Result<(), ApiError> {
    let Some(signed) = signed else {
        return Err(refused(
            "this upload URL is not signed: use the `upload_url` answered when the upload was announced",
        ));
    };
    if !state
        .signer
        .verify(&key, signed.length, signed.expires, &signed.signature)
    {
        return Err(refused(
            "this upload URL's signature does not match: use the `upload_url` exactly as answered",
        ));
    }
    let mut parts = key.splitn(3, '/');
    let (Some(workspace), Some(upload)) = (parts.next(), parts.next()) else {
        return Err(refused("this upload URL names no upload"));
    };
    let workspace = PipelineService::workspace_id(workspace)?;
    let upload_id = UploadId::parse(upload)?;
    let upload = state
        .services
        .pipeline
        .awaiting_bytes(&workspace, &upload_id)
        .await?;
    if upload.key() != key || upload.size != signed.length {
        return Err(refused("this upload URL is for another upload"));
    }
    let partial = state
        .uploads
        .partial()
        .map_err(|e| Error::Transient(Box::new(e)))?;
    let (file, path) = partial.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut written = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::Core(Error::invalid(
                "body",
                format!("the upload was interrupted: {e}; send the file again"),
            ))
        })?;
        written += chunk.len() as u64;
        if written > upload.size {
            return Err(ApiError::Core(Error::invalid(
                "body",
                format!(
                    "more bytes than the {} announced: nothing was kept; announce the upload \
                     again with the file's exact size",
                    upload.size
                ),
            )));
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| Error::Transient(Box::new(e)))?;
    }
    if written != upload.size {
        return Err(ApiError::Core(Error::invalid(
            "body",
            format!(
                "{written} bytes came of the {} announced: nothing was kept; send the whole file",
                upload.size
            ),
        )));
    }
    file.sync_all()
        .await
        .map_err(|e| Error::Transient(Box::new(e)))?;
    drop(file);
    let kept = path
        .keep()
        .map_err(|e| Error::Transient(Box::new(e.error)))?;
    state
        .uploads
        .put_file(&key, &kept)
        .await
        .map_err(tuilerie_core::service::blob_error)?;
    state
        .services
        .pipeline
        .upload_arrived(&workspace, &upload_id)
        .await?;
    Ok(())
}
