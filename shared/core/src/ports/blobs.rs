//! Object stores: one per storage type (an S3 bucket, a folder of the data directory), keys
//! starting with the workspace id.

use std::path::Path;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::storage::StorageType;

/// Result of an object store operation.
pub type BlobResult<T> = std::result::Result<T, BlobError>;

/// Why an object store operation did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// The key is not one this product writes: empty, absolute, with `..`, a backslash or a
    /// control character.
    #[error("`{0}` is not a valid object key")]
    InvalidKey(String),
    /// The range starts past the end of the object.
    #[error("range {offset}+{length} is outside the object {key}")]
    Range {
        /// The object.
        key: String,
        /// Where the range starts.
        offset: u64,
        /// How long it is.
        length: u64,
    },
    /// More bytes came than were announced.
    #[error("the object {key} would be larger than the {announced} bytes announced")]
    TooLarge {
        /// The object.
        key: String,
        /// Bytes announced.
        announced: u64,
    },
    /// The store is temporarily unavailable (throttling, time-out, disk full, connection).
    #[error("object store temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store failed permanently.
    #[error("object store failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// One stored object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlobEntry {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Where and how a client sends an upload's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadTarget {
    /// The URL: presigned on S3, the local server's upload route locally.
    pub url: String,
    /// The HTTP method (`PUT`).
    pub method: String,
    /// When the URL stops working.
    pub expires_at: DateTime<Utc>,
}

/// Whether `key` is one this product may write: relative segments of letters, digits, `-`,
/// `_` and `.`, no empty, `.` or `..` segment, at most 512 bytes.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// One object store.
#[async_trait]
pub trait Blobs: Send + Sync {
    /// Writes `bytes` under `key`, replacing what was there.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> BlobResult<()>;
    /// Moves the local file `source` under `key` (the file is gone afterwards); its size.
    async fn put_file(&self, key: &str, source: &Path) -> BlobResult<u64>;
    /// The whole object, `None` if absent.
    async fn get(&self, key: &str) -> BlobResult<Option<Vec<u8>>>;
    /// `length` bytes from `offset` (fewer at the end of the object), `None` if absent.
    async fn get_range(&self, key: &str, offset: u64, length: u64) -> BlobResult<Option<Vec<u8>>>;
    /// Copies the object into the local file `target`; false if absent.
    async fn get_file(&self, key: &str, target: &Path) -> BlobResult<bool>;
    /// Deletes the object; deleting an absent one is not an error.
    async fn delete(&self, key: &str) -> BlobResult<()>;
    /// Every object whose key starts with `prefix`, sorted by key.
    async fn list(&self, prefix: &str) -> BlobResult<Vec<BlobEntry>>;
    /// The object's size, `None` if absent.
    async fn size(&self, key: &str) -> BlobResult<Option<u64>>;
    /// A URL a client can send exactly `length` bytes to, until `expires_at`.
    async fn upload_url(
        &self,
        key: &str,
        length: u64,
        expires_at: DateTime<Utc>,
    ) -> BlobResult<UploadTarget>;
}

/// One object store per storage type.
#[derive(Clone)]
pub struct BlobStores {
    /// Uploaded files.
    pub uploads: std::sync::Arc<dyn Blobs>,
    /// Vector databases.
    pub databases: std::sync::Arc<dyn Blobs>,
    /// PMTiles archives.
    pub pyramids: std::sync::Arc<dyn Blobs>,
    /// Style documents.
    pub styles: std::sync::Arc<dyn Blobs>,
}

impl BlobStores {
    /// The store of one storage type.
    pub fn of(&self, storage: StorageType) -> &std::sync::Arc<dyn Blobs> {
        match storage {
            StorageType::Uploads => &self.uploads,
            StorageType::Databases => &self.databases,
            StorageType::Pyramids => &self.pyramids,
            StorageType::Styles => &self.styles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_stay_inside_their_store() {
        assert!(valid_key("ws_1/up_2/communes.gpkg"));
        for bad in [
            "", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "a\nb", "é", "a b",
        ] {
            assert!(!valid_key(bad), "{bad:?} accepted");
        }
        assert!(!valid_key(&"a".repeat(513)));
    }
}
