//! Errors of ingestion, each with a stable machine code and a message a GIS user understands.

use std::path::PathBuf;

/// Result of ingestion operations.
pub type Result<T> = std::result::Result<T, IngestError>;

/// Why an upload could not be turned into a vector database.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file is not in a format Tuilerie reads.
    #[error("`{file}`: {found} is not a supported format; upload GeoJSON, GeoJSONSeq, CSV, a zipped Shapefile, GeoPackage or FlatGeobuf")]
    UnsupportedFormat {
        /// File inside the upload.
        file: String,
        /// What was found instead.
        found: String,
    },
    /// The coordinate reference system could not be recognised.
    #[error("`{file}`{}: unknown coordinate reference system: {found}; choose the CRS explicitly (e.g. EPSG:2154) when uploading", layer_suffix(.layer))]
    UnknownCrs {
        /// File inside the upload.
        file: String,
        /// Layer, when known.
        layer: Option<String>,
        /// The CRS description that was found.
        found: String,
    },
    /// An archive broke one of the safety rules.
    #[error("archive `{file}` was refused: {reason}")]
    ArchiveRejected {
        /// The archive.
        file: String,
        /// Which rule was broken.
        reason: String,
    },
    /// The upload holds no data.
    #[error("`{file}` {detail}; check that the right file was uploaded")]
    EmptyInput {
        /// File or archive.
        file: String,
        /// What is empty.
        detail: String,
    },
    /// The file could not be read because its content is damaged or not what its name says.
    #[error("`{file}`{} cannot be read: {detail}; check that the file is complete and was exported correctly", layer_suffix(.layer))]
    Malformed {
        /// File inside the upload.
        file: String,
        /// Layer, when known.
        layer: Option<String>,
        /// What is wrong.
        detail: String,
    },
    /// A CSV file has no column holding geometry.
    #[error("`{file}`: no geometry column found among {columns}; name a WKT column wkt, geom, the_geom or geometry, or use lon/lat or x/y columns")]
    NoGeometryColumn {
        /// The CSV file.
        file: String,
        /// The columns that were found.
        columns: String,
    },
    /// Every feature of a layer was invalid.
    #[error("`{file}` layer `{layer}`: all {count} features are invalid, first at feature {feature}: {reason}")]
    InvalidFeatures {
        /// File inside the upload.
        file: String,
        /// Layer.
        layer: String,
        /// Number of invalid features.
        count: u64,
        /// 1-based number of the first invalid feature.
        feature: u64,
        /// Why it is invalid, with a probable fix.
        reason: String,
    },
    /// A file or value is larger than allowed.
    #[error("`{file}`: {detail}")]
    TooLarge {
        /// File inside the upload.
        file: String,
        /// What is too large and the limit.
        detail: String,
    },
    /// Reading or writing a file failed.
    #[error("cannot access `{}`: {source}", .path.display())]
    Io {
        /// Path on disk.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing the vector database failed.
    #[error("cannot write the vector database at `{}`: {detail}", .path.display())]
    Output {
        /// Output path.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
}

fn layer_suffix(layer: &Option<String>) -> String {
    match layer {
        Some(layer) => format!(" layer `{layer}`"),
        None => String::new(),
    }
}

impl IngestError {
    /// Stable machine-readable code of the error, exposed by the API.
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::UnsupportedFormat { .. } => "unsupported_format",
            IngestError::UnknownCrs { .. } => "unknown_crs",
            IngestError::ArchiveRejected { .. } => "archive_rejected",
            IngestError::EmptyInput { .. } => "empty_input",
            IngestError::Malformed { .. } => "malformed",
            IngestError::NoGeometryColumn { .. } => "no_geometry_column",
            IngestError::InvalidFeatures { .. } => "invalid_features",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::Io { .. } => "io",
            IngestError::Output { .. } => "output",
        }
    }

    /// Builds an [`IngestError::Io`].
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IngestError::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds an [`IngestError::Malformed`].
    pub(crate) fn malformed(file: &str, layer: Option<&str>, detail: impl Into<String>) -> Self {
        IngestError::Malformed {
            file: file.to_string(),
            layer: layer.map(str::to_string),
            detail: detail.into(),
        }
    }
}

thread_local! {
    static CATCHING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, catching a panic without letting the panic hook print it: a panic inside a
/// third-party decoder is an input error reported to the user, not a crash to log on stderr.
pub(crate) fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(std::cell::Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    CATCHING.with(|c| c.set(c.get() + 1));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    outcome
}

/// Runs `f`, turning a panic inside a dependency into a malformed-input error.
pub(crate) fn guard<T>(
    file: &str,
    layer: Option<&str>,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    match catch_quietly(f) {
        Ok(result) => result,
        Err(_) => Err(IngestError::malformed(
            file,
            layer,
            "the decoder failed on inconsistent content",
        )),
    }
}
