//! Ingestion: an upload (one file or a zip of several) becomes a vector database.

mod archive;
mod layer;
mod sources;
mod validate;

use crate::crs::{self, CrsHint};
use crate::error::{IngestError, Result};
use crate::names::UniqueNames;
use crate::schema::{Schema, SCHEMA_FILE, SCHEMA_VERSION};
use std::path::Path;

/// Size and safety limits applied to uploads.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Maximum number of entries in an archive.
    pub max_entries: usize,
    /// Maximum ratio of expanded size to archive size, applied once the expanded size passes
    /// `ratio_min_bytes` (small archives of mostly empty pages compress very well).
    pub max_ratio: f64,
    /// Expanded size below which the ratio rule does not apply, in bytes.
    pub ratio_min_bytes: u64,
    /// Maximum expanded size of one archive entry, in bytes.
    pub max_entry_bytes: u64,
    /// Maximum size of the uploaded file, in bytes.
    pub max_input_bytes: u64,
    /// Maximum depth of archives inside archives.
    pub max_nesting: u32,
    /// Maximum size of one attribute value, in bytes.
    pub max_value_bytes: usize,
    /// Maximum size of one record (a GeoJSONSeq line, a CSV row), in bytes.
    pub max_record_bytes: usize,
    /// How many skipped features are described in the schema per layer.
    pub max_skipped_listed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_ratio: 20.0,
            ratio_min_bytes: 16 << 20,
            max_entry_bytes: 8 << 30,
            max_input_bytes: 16 << 30,
            max_nesting: 1,
            max_value_bytes: 1 << 20,
            max_record_bytes: 256 << 20,
            max_skipped_listed: 100,
        }
    }
}

/// Options of [`ingest`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestOptions {
    /// CRS to use instead of the one declared by the files, e.g. `EPSG:2154`.
    pub crs_override: Option<String>,
    /// Archive guard and size limits.
    pub limits: Limits,
}

/// A warning about the upload, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Stable machine code, e.g. `skipped_features`, `mixed_crs`, `ignored_file`.
    pub code: String,
    /// File inside the upload.
    pub file: String,
    /// Layer, when the issue concerns one.
    pub layer: Option<String>,
    /// Message naming what is wrong and a probable fix.
    pub message: String,
}

/// Outcome of a successful ingestion.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestReport {
    /// The schema document, also written to `output_dir/schema.json`.
    pub schema: Schema,
    /// Warnings: skipped features, mixed CRS, ignored files, guessed encodings.
    pub warnings: Vec<Issue>,
}

/// Reads `input` (a geodata file or a zip of several) and writes a vector database into
/// `output_dir`: one FlatGeobuf per layer in WGS84 and `schema.json`.
pub fn ingest(input: &Path, output_dir: &Path, options: &IngestOptions) -> Result<IngestReport> {
    let display = input
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload")
        .to_string();
    std::fs::create_dir_all(output_dir).map_err(|e| IngestError::io(output_dir, e))?;
    let work = tempfile::Builder::new()
        .prefix(".ingest-")
        .tempdir_in(output_dir)
        .map_err(|e| IngestError::io(output_dir, e))?;
    let mut warnings = Vec::new();
    let found = sources::collect(input, &display, work.path(), &options.limits, &mut warnings)?;

    let override_hint = options
        .crs_override
        .as_ref()
        .map(|text| CrsHint::Text(text.clone()));
    if let Some(hint) = &override_hint {
        crs::resolve(hint).map_err(|found| IngestError::UnknownCrs {
            file: display.clone(),
            layer: None,
            found,
        })?;
    }
    let mut names = UniqueNames::new(&[]);
    let mut layers = Vec::new();
    for source in &found {
        let readers = crate::read::open(
            &source.path,
            &source.display,
            source.format,
            &options.limits,
        )?;
        for reader in readers {
            let outcome = layer::write(
                reader,
                override_hint.as_ref(),
                output_dir,
                &mut names,
                &options.limits,
                &mut warnings,
            )?;
            if let Some(schema) = outcome {
                layers.push(schema);
            }
        }
    }
    if layers.is_empty() {
        return Err(IngestError::EmptyInput {
            file: display,
            detail: "holds no feature".to_string(),
        });
    }
    let mut crs_labels: Vec<&str> = layers.iter().map(|l| l.source_crs.as_str()).collect();
    crs_labels.sort_unstable();
    crs_labels.dedup();
    if crs_labels.len() > 1 {
        warnings.push(Issue {
            code: "mixed_crs".to_string(),
            file: display.clone(),
            layer: None,
            message: format!(
                "the layers use different coordinate reference systems ({}); each was reprojected from its own",
                crs_labels.join(", ")
            ),
        });
    }
    let schema = Schema {
        version: SCHEMA_VERSION,
        layers,
        warnings: warnings.iter().map(|w| w.message.clone()).collect(),
    };
    let path = output_dir.join(SCHEMA_FILE);
    let text = serde_json::to_vec_pretty(&schema).map_err(|e| IngestError::Output {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    std::fs::write(&path, text).map_err(|e| IngestError::io(&path, e))?;
    drop(work);
    Ok(IngestReport { schema, warnings })
}

/// Formats a count with thin groups of thousands, as in `1 042`.
pub(crate) fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
