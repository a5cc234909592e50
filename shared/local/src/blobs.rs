//! Object stores on local files: one folder of the data directory per storage type, a file per
//! key. Writes go to a temporary file first and are renamed into place, so a reader never sees
//! half an object and a crash leaves no partial one.
//!
//! Upload URLs point at the local server's upload route and are signed with the server's
//! secret (HMAC-SHA256 over the key, the announced length and the expiry), so a URL cannot be
//! reused for another object, another length or after it expires.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tuilerie_core::ports::{valid_key, BlobEntry, BlobError, BlobResult, Blobs, UploadTarget};

/// The path of the local upload route, followed by the object key.
pub const UPLOAD_ROUTE: &str = "/upload-bytes";

/// Signs and checks upload URLs.
#[derive(Clone)]
pub struct UploadSigner {
    secret: Arc<Vec<u8>>,
    base_url: Arc<OnceLock<String>>,
}

impl std::fmt::Debug for UploadSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadSigner").finish_non_exhaustive()
    }
}

impl UploadSigner {
    /// A signer with the server's secret; the base URL is set once the server is bound.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: Arc::new(secret.to_vec()),
            base_url: Arc::new(OnceLock::new()),
        }
    }

    /// Sets the server's base URL, e.g. `http://127.0.0.1:8080` (the first call wins).
    pub fn set_base_url(&self, url: &str) {
        let _ = self.base_url.set(url.trim_end_matches('/').to_owned());
    }

    fn mac(&self, key: &str, length: u64, expires: i64) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).ok()?;
        mac.update(format!("{key}\n{length}\n{expires}").as_bytes());
        Some(mac)
    }

    /// The signature of an upload of `length` bytes to `key` until `expires` (Unix seconds).
    pub fn sign(&self, key: &str, length: u64, expires: i64) -> String {
        self.mac(key, length, expires)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// Whether `signature` was made by [`UploadSigner::sign`] for these values.
    pub fn verify(&self, key: &str, length: u64, expires: i64, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else {
            return false;
        };
        self.mac(key, length, expires)
            .is_some_and(|mac| mac.verify_slice(&bytes).is_ok())
    }

    fn url(&self, key: &str, length: u64, expires: i64) -> String {
        let base = self.base_url.get().map_or("", String::as_str);
        format!(
            "{base}{UPLOAD_ROUTE}/{key}?length={length}&expires={expires}&signature={}",
            self.sign(key, length, expires)
        )
    }
}

/// One object store in a folder.
#[derive(Debug, Clone)]
pub struct FileBlobs {
    root: PathBuf,
    signer: Option<UploadSigner>,
}

fn unavailable(error: std::io::Error) -> BlobError {
    BlobError::Unavailable(Box::new(error))
}

fn io_error(path: &Path, error: std::io::Error) -> BlobError {
    let named = std::io::Error::new(error.kind(), format!("{}: {error}", path.display()));
    match error.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::InvalidInput => {
            BlobError::Backend(Box::new(named))
        }
        _ => unavailable(named),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> BlobResult<T> + Send + 'static,
) -> BlobResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| BlobError::Backend(Box::new(error)))?
}

impl FileBlobs {
    /// A store in `root` (created if absent); `signer` makes upload URLs (the uploads store).
    /// Partial files left by a crash are removed: call it once, at start-up.
    pub fn open(root: impl Into<PathBuf>, signer: Option<UploadSigner>) -> std::io::Result<Self> {
        let root = root.into();
        let partial = root.join(".partial");
        match std::fs::remove_dir_all(&partial) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::create_dir_all(&partial)?;
        Ok(Self { root, signer })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`.
    pub fn path(&self, key: &str) -> BlobResult<PathBuf> {
        if !valid_key(key) || key.starts_with(".partial") {
            return Err(BlobError::InvalidKey(key.to_owned()));
        }
        Ok(self.root.join(key))
    }

    /// A fresh temporary file of the store, renamed into place by [`FileBlobs::put_file`].
    pub fn partial(&self) -> std::io::Result<tempfile::NamedTempFile> {
        tempfile::NamedTempFile::new_in(self.root.join(".partial"))
    }

    fn place(&self, key: &str, source: &Path) -> BlobResult<u64> {
        let target = self.path(key)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        let size = std::fs::metadata(source)
            .map_err(|e| io_error(source, e))?
            .len();
        if std::fs::rename(source, &target).is_err() {
            // Another file system: copy into the store's partial folder, then rename.
            let partial = self.partial().map_err(|e| io_error(&self.root, e))?;
            std::fs::copy(source, partial.path()).map_err(|e| io_error(source, e))?;
            partial
                .persist(&target)
                .map_err(|e| io_error(&target, e.error))?;
            std::fs::remove_file(source).map_err(|e| io_error(source, e))?;
        }
        Ok(size)
    }
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<BlobEntry>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if path != root.join(".partial") {
                walk(&path, root, out)?;
            }
        } else if kind.is_file() {
            if let Ok(relative) = path.strip_prefix(root) {
                let key = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(BlobEntry {
                    key,
                    size: entry.metadata()?.len(),
                });
            }
        }
    }
    Ok(())
}

#[async_trait]
impl Blobs for FileBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> BlobResult<()> {
        let store = self.clone();
        let key = key.to_owned();
        blocking(move || {
            store.path(&key)?;
            let partial = store.partial().map_err(|e| io_error(&store.root, e))?;
            std::fs::write(partial.path(), &bytes).map_err(|e| io_error(partial.path(), e))?;
            let (_, path) = partial.keep().map_err(|e| io_error(&store.root, e.error))?;
            store.place(&key, &path).map(|_| ())
        })
        .await
    }

    async fn put_file(&self, key: &str, source: &Path) -> BlobResult<u64> {
        let store = self.clone();
        let (key, source) = (key.to_owned(), source.to_owned());
        blocking(move || store.place(&key, &source)).await
    }

    async fn get(&self, key: &str) -> BlobResult<Option<Vec<u8>>> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    async fn get_range(&self, key: &str, offset: u64, length: u64) -> BlobResult<Option<Vec<u8>>> {
        let path = self.path(key)?;
        let key = key.to_owned();
        blocking(move || {
            let mut file = match std::fs::File::open(&path) {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io_error(&path, e)),
            };
            let size = file.metadata().map_err(|e| io_error(&path, e))?.len();
            if offset > size || (offset == size && length > 0 && size > 0) {
                return Err(BlobError::Range {
                    key,
                    offset,
                    length,
                });
            }
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| io_error(&path, e))?;
            let wanted = length.min(size - offset);
            let mut bytes = Vec::with_capacity(usize::try_from(wanted).unwrap_or(0));
            file.take(wanted)
                .read_to_end(&mut bytes)
                .map_err(|e| io_error(&path, e))?;
            Ok(Some(bytes))
        })
        .await
    }

    async fn get_file(&self, key: &str, target: &Path) -> BlobResult<bool> {
        let path = self.path(key)?;
        // Objects are never written in place (a write renames a new file over the key), so
        // a hard link is a copy that costs nothing; another file system gets a real copy.
        if tokio::fs::hard_link(&path, target).await.is_ok() {
            return Ok(true);
        }
        match tokio::fs::copy(&path, target).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    async fn delete(&self, key: &str) -> BlobResult<()> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, e)),
        }
        // Empty folders left behind go too, up to the store's root.
        let mut parent = path.parent().map(Path::to_path_buf);
        while let Some(dir) = parent {
            if dir == self.root || tokio::fs::remove_dir(&dir).await.is_err() {
                break;
            }
            parent = dir.parent().map(Path::to_path_buf);
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> BlobResult<Vec<BlobEntry>> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        blocking(move || {
            let mut all = Vec::new();
            walk(&root, &root, &mut all).map_err(|e| io_error(&root, e))?;
            all.retain(|entry| entry.key.starts_with(&prefix));
            all.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(all)
        })
        .await
    }

    async fn size(&self, key: &str) -> BlobResult<Option<u64>> {
        let path = self.path(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    async fn upload_url(
        &self,
        key: &str,
        length: u64,
        expires_at: DateTime<Utc>,
    ) -> BlobResult<UploadTarget> {
        self.path(key)?;
        let Some(signer) = &self.signer else {
            return Err(BlobError::Backend(
                "this object store takes no uploads from clients".into(),
            ));
        };
        Ok(UploadTarget {
            url: signer.url(key, length, expires_at.timestamp()),
            method: "PUT".to_owned(),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_key_length_and_expiry() {
        let signer = UploadSigner::new(b"secret");
        let signature = signer.sign("ws_a/up_b/f.gpkg", 10, 99);
        assert!(signer.verify("ws_a/up_b/f.gpkg", 10, 99, &signature));
        assert!(!signer.verify("ws_a/up_b/g.gpkg", 10, 99, &signature));
        assert!(!signer.verify("ws_a/up_b/f.gpkg", 11, 99, &signature));
        assert!(!signer.verify("ws_a/up_b/f.gpkg", 10, 100, &signature));
        assert!(!signer.verify("ws_a/up_b/f.gpkg", 10, 99, "zz"));
        assert!(!UploadSigner::new(b"other").verify("ws_a/up_b/f.gpkg", 10, 99, &signature));
    }
}
