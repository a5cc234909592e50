//! The object store port on S3: one bucket per storage type, keys starting with the workspace
//! id.

use std::path::Path;

use async_trait::async_trait;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use chrono::{DateTime, Utc};
use tokio::io::AsyncWriteExt;
use tuilerie_core::ports::{valid_key, BlobEntry, BlobError, BlobResult, Blobs, UploadTarget};

/// One S3 bucket as an object store.
#[derive(Debug, Clone)]
pub struct S3Blobs {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Blobs {
    /// The bucket `bucket` reached through `client`.
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

/// An S3 client for `sdk`, with path-style addressing when a custom endpoint is set (an
/// emulator on 127.0.0.1 has no virtual-host names).
pub fn s3_client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

fn checked(key: &str) -> BlobResult<()> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(BlobError::InvalidKey(key.to_string()))
    }
}

impl S3Blobs {
    /// The object, or the bytes `first..=last` of it; `None` if absent.
    async fn fetch(&self, key: &str, range: Option<(u64, u64)>) -> BlobResult<Option<Vec<u8>>> {
        checked(key)?;
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_range(range.map(|(first, last)| format!("bytes={first}-{last}")))
            .send()
            .await;
        let object = match answer {
            Ok(object) => object,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None)
            }
            Err(error)
                if error
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 416) =>
            {
                return Err(BlobError::Range {
                    key: key.to_string(),
                    offset: range.map_or(0, |(first, _)| first),
                    length: 0,
                })
            }
            Err(error) => return Err(failure(error)),
        };
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| BlobError::Unavailable(Box::new(e)))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }
}

/// Maps an SDK error: throttling, time-outs and server errors are worth a retry.
fn failure<E, R>(error: SdkError<E, R>) -> BlobError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(_) => true,
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some("SlowDown" | "ServiceUnavailable" | "InternalError" | "RequestTimeout")
        ),
        _ => false,
    };
    if transient {
        BlobError::Unavailable(Box::new(error))
    } else {
        BlobError::Backend(Box::new(error))
    }
}

fn io_failure(error: std::io::Error) -> BlobError {
    BlobError::Unavailable(Box::new(error))
}

fn not_found<E: ProvideErrorMetadata>(error: &E) -> bool {
    matches!(error.code(), Some("NoSuchKey" | "NotFound" | "404"))
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> BlobResult<()> {
        checked(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(failure)?;
        Ok(())
    }

    async fn put_file(&self, key: &str, source: &Path) -> BlobResult<u64> {
        checked(key)?;
        let size = tokio::fs::metadata(source).await.map_err(io_failure)?.len();
        let body = ByteStream::from_path(source)
            .await
            .map_err(|e| BlobError::Unavailable(Box::new(e)))?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_length(i64::try_from(size).unwrap_or(i64::MAX))
            .body(body)
            .send()
            .await
            .map_err(failure)?;
        tokio::fs::remove_file(source).await.map_err(io_failure)?;
        Ok(size)
    }

    async fn get(&self, key: &str) -> BlobResult<Option<Vec<u8>>> {
        self.fetch(key, None).await
    }

    async fn get_range(&self, key: &str, offset: u64, length: u64) -> BlobResult<Option<Vec<u8>>> {
        if length == 0 {
            return Ok(self.size(key).await?.map(|_| Vec::new()));
        }
        let last = offset.saturating_add(length) - 1;
        // One request: S3 cuts a range running past the end, and answers 416 for one that
        // starts there.
        self.fetch(key, Some((offset, last)))
            .await
            .map_err(|error| match error {
                BlobError::Range { .. } => BlobError::Range {
                    key: key.to_string(),
                    offset,
                    length,
                },
                other => other,
            })
    }

    async fn get_file(&self, key: &str, target: &Path) -> BlobResult<bool> {
        checked(key)?;
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        let mut object = match answer {
            Ok(object) => object,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(false)
            }
            Err(error) => return Err(failure(error)),
        };
        let mut file = tokio::fs::File::create(target).await.map_err(io_failure)?;
        while let Some(chunk) = object
            .body
            .try_next()
            .await
            .map_err(|e| BlobError::Unavailable(Box::new(e)))?
        {
            file.write_all(&chunk).await.map_err(io_failure)?;
        }
        file.flush().await.map_err(io_failure)?;
        Ok(true)
    }

    async fn delete(&self, key: &str) -> BlobResult<()> {
        checked(key)?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(failure)?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> BlobResult<Vec<BlobEntry>> {
        let mut entries = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(failure)?;
            for object in page.contents.unwrap_or_default() {
                if let Some(key) = object.key {
                    entries.push(BlobEntry {
                        key,
                        size: u64::try_from(object.size.unwrap_or(0)).unwrap_or(0),
                    });
                }
            }
        }
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(entries)
    }

    async fn size(&self, key: &str) -> BlobResult<Option<u64>> {
        checked(key)?;
        let answer = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        match answer {
            Ok(head) => Ok(Some(
                u64::try_from(head.content_length.unwrap_or(0)).unwrap_or(0),
            )),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_not_found() || not_found(e)) =>
            {
                Ok(None)
            }
            Err(error) => Err(failure(error)),
        }
    }

    async fn upload_url(
        &self,
        key: &str,
        length: u64,
        expires_at: DateTime<Utc>,
    ) -> BlobResult<UploadTarget> {
        checked(key)?;
        let lifetime = (expires_at - Utc::now())
            .to_std()
            .unwrap_or_default()
            .max(std::time::Duration::from_secs(1));
        let presigning =
            PresigningConfig::expires_in(lifetime).map_err(|e| BlobError::Backend(Box::new(e)))?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_length(i64::try_from(length).unwrap_or(i64::MAX))
            .presigned(presigning)
            .await
            .map_err(failure)?;
        Ok(UploadTarget {
            url: presigned.uri().to_string(),
            method: "PUT".to_string(),
            expires_at,
        })
    }
}
