//! Errors of the tiling engine.

use std::path::PathBuf;

/// Result of a tiling operation.
pub type Result<T> = std::result::Result<T, TileError>;

/// Why tiling failed.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// The vector database could not be opened or its schema is invalid.
    #[error("cannot read the vector database {path}: {reason}")]
    Database {
        /// Directory or file concerned.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A layer's FlatGeobuf file could not be read.
    #[error("cannot read layer `{layer}` ({path}): {reason}")]
    Layer {
        /// Layer name.
        layer: String,
        /// FlatGeobuf file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The options are inconsistent.
    #[error("invalid tiling options: {0}")]
    Options(String),
    /// An attribute filter could not be parsed or names a missing field.
    #[error("invalid attribute filter `{filter}`: {reason}")]
    Filter {
        /// The filter as written.
        filter: String,
        /// What is wrong, with the expected form.
        reason: String,
    },
    /// A tile at the maximum zoom cannot respect the limits without dropping features.
    #[error(
        "tile {z}/{x}/{y} at the maximum zoom needs {bytes} bytes and {features} features, \
         over the limits ({max_bytes} bytes, {max_features} features), even simplified; \
         features are never dropped at the maximum zoom: raise the maximum zoom, keep fewer \
         attributes, or split the layer"
    )]
    TileTooLarge {
        /// Zoom.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
        /// Compressed size reached.
        bytes: usize,
        /// Features in the tile.
        features: usize,
        /// Byte limit.
        max_bytes: usize,
        /// Feature limit.
        max_features: usize,
    },
    /// Reading or writing a temporary or output file failed.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A spill or shard file is corrupt.
    #[error("corrupt intermediate file {0}")]
    Corrupt(PathBuf),
    /// Writing the PMTiles archive failed.
    #[error("cannot write the PMTiles archive {path}: {reason}")]
    Archive {
        /// Output file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Ingesting a geodata file before tiling failed.
    #[error("cannot read {path}: {reason}")]
    Ingest {
        /// Input file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The job was cancelled.
    #[error("tiling was cancelled")]
    Cancelled,
}

impl TileError {
    /// Stable name of the error, matched by the pipeline (`InvalidInput`, `Cancelled`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            TileError::Database { .. }
            | TileError::Layer { .. }
            | TileError::Options(_)
            | TileError::Filter { .. }
            | TileError::TileTooLarge { .. }
            | TileError::Ingest { .. } => "InvalidInput",
            TileError::Io { .. } | TileError::Corrupt(_) | TileError::Archive { .. } => "Transient",
            TileError::Cancelled => "Cancelled",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> TileError {
        let path = path.into();
        move |source| TileError::Io { path, source }
    }
}
