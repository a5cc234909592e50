//! Tiles read from PMTiles archives in an object store: one range read per tile once the
//! archive's header and directories are cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use pmtiles::{
    AsyncBackend, AsyncPmTilesReader, BackendResponse, HashMapCache, PmtError, TileCoord,
};
use tuilerie_core::ports::{BlobError, Blobs, TileArchives};

/// How many archives keep their reader (header and directories) in memory.
const CACHED_ARCHIVES: usize = 64;

/// Range reads of one object.
struct BlobBackend {
    blobs: Arc<dyn Blobs>,
    key: String,
}

impl AsyncBackend for BlobBackend {
    async fn read(&self, offset: u64, length: usize) -> pmtiles::PmtResult<BackendResponse> {
        match self.blobs.get_range(&self.key, offset, length as u64).await {
            Ok(Some(bytes)) => Ok(BackendResponse::new(Bytes::from(bytes))),
            Ok(None) => Err(PmtError::Reading(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("archive {} is gone", self.key),
            ))),
            Err(error) => Err(PmtError::Reading(std::io::Error::other(error))),
        }
    }
}

type Reader = AsyncPmTilesReader<BlobBackend, HashMapCache>;

/// Tiles of the archives of one object store.
pub struct PmTilesArchives {
    blobs: Arc<dyn Blobs>,
    readers: Mutex<HashMap<String, Arc<Reader>>>,
}

impl std::fmt::Debug for PmTilesArchives {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PmTilesArchives").finish_non_exhaustive()
    }
}

impl PmTilesArchives {
    /// Reads archives of `blobs`.
    pub fn new(blobs: Arc<dyn Blobs>) -> Self {
        Self {
            blobs,
            readers: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets the cached reader of an archive (it was replaced or deleted).
    pub fn forget(&self, key: &str) {
        self.readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }

    async fn reader(&self, key: &str) -> Result<Option<Arc<Reader>>, BlobError> {
        if let Some(reader) = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
        {
            return Ok(Some(Arc::clone(reader)));
        }
        if self.blobs.size(key).await?.is_none() {
            return Ok(None);
        }
        let backend = BlobBackend {
            blobs: Arc::clone(&self.blobs),
            key: key.to_owned(),
        };
        let reader = AsyncPmTilesReader::try_from_cached_source(backend, HashMapCache::default())
            .await
            .map_err(|error| BlobError::Backend(Box::new(error)))?;
        let reader = Arc::new(reader);
        let mut readers = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if readers.len() >= CACHED_ARCHIVES {
            readers.clear();
        }
        readers.insert(key.to_owned(), Arc::clone(&reader));
        Ok(Some(reader))
    }
}

#[async_trait]
impl TileArchives for PmTilesArchives {
    async fn tile(&self, key: &str, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, BlobError> {
        let Ok(coord) = TileCoord::new(z, x, y) else {
            return Ok(None);
        };
        let Some(reader) = self.reader(key).await? else {
            return Ok(None);
        };
        match reader.get_tile(coord).await {
            Ok(tile) => Ok(tile.map(|bytes| bytes.to_vec())),
            Err(error) => {
                self.forget(key);
                Err(BlobError::Backend(Box::new(error)))
            }
        }
    }
}
