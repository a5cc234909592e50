//! Finds the geodata files of an upload: the file itself, or the files of a zip archive.

use super::{archive, Issue, Limits};
use crate::error::{IngestError, Result};
use crate::read::{self, Format, SIDECARS};
use std::path::{Path, PathBuf};

/// One geodata file to read.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// Path on disk.
    pub path: PathBuf,
    /// Path as shown to the user (inside the upload).
    pub display: String,
    /// Format.
    pub format: Format,
}

/// Lists the geodata files of an upload, extracting archives into `work`.
pub(crate) fn collect(
    input: &Path,
    display: &str,
    work: &Path,
    limits: &Limits,
    warnings: &mut Vec<Issue>,
) -> Result<Vec<Source>> {
    let metadata = std::fs::metadata(input).map_err(|e| IngestError::io(input, e))?;
    if metadata.is_dir() {
        return Err(IngestError::UnsupportedFormat {
            file: display.to_string(),
            found: "a directory".to_string(),
        });
    }
    if metadata.len() == 0 {
        return Err(IngestError::EmptyInput {
            file: display.to_string(),
            detail: "is empty (0 bytes)".to_string(),
        });
    }
    if metadata.len() > limits.max_input_bytes {
        return Err(IngestError::TooLarge {
            file: display.to_string(),
            detail: format!(
                "the file is {} bytes, more than the {} bytes allowed",
                metadata.len(),
                limits.max_input_bytes
            ),
        });
    }
    let format = read::detect(input).ok_or_else(|| unsupported(input, display))?;
    if format != Format::Zip {
        return Ok(vec![Source {
            path: input.to_path_buf(),
            display: display.to_string(),
            format,
        }]);
    }
    let files = crate::error::guard(display, None, || {
        archive::extract(input, display, work, limits, 0)
    })?;
    let mut sources = Vec::new();
    for (path, shown) in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || shown.contains("__MACOSX") {
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match read::detect(&path) {
            Some(Format::Zip) => {
                return Err(IngestError::ArchiveRejected {
                    file: display.to_string(),
                    reason: format!("`{shown}` is an archive inside an archive nested too deeply"),
                })
            }
            Some(format) if !(format == Format::Csv && ext == "txt") => sources.push(Source {
                path,
                display: shown,
                format,
            }),
            _ if SIDECARS.contains(&ext.as_str())
                || ext == "txt"
                || ext == "md"
                || ext == "pdf" => {}
            _ => warnings.push(Issue {
                code: "ignored_file".to_string(),
                file: shown.clone(),
                layer: None,
                message: format!("`{shown}` was ignored: it is not a geodata file Tuilerie reads"),
            }),
        }
    }
    if sources.is_empty() {
        return Err(IngestError::EmptyInput {
            file: display.to_string(),
            detail: "holds no GeoJSON, CSV, Shapefile (.shp), GeoPackage or FlatGeobuf file"
                .to_string(),
        });
    }
    sources.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(sources)
}

fn unsupported(path: &Path, display: &str) -> IngestError {
    let found = match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if SIDECARS.contains(&ext.to_ascii_lowercase().as_str()) => {
            format!("a lone .{ext} file (part of a Shapefile: zip the .shp, .shx, .dbf and .prj together)")
        }
        Some(ext) => format!("a .{ext} file"),
        None => "a file without extension".to_string(),
    };
    IngestError::UnsupportedFormat {
        file: display.to_string(),
        found,
    }
}
