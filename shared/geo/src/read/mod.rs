//! Readers: each turns one file into layers, each layer into a stream of features.

mod csv;
mod dbf;
mod fgb;
mod geojson;
mod geojsonseq;
mod gpkg;
mod json_feature;
mod limited;
mod shapefile;
mod wkt_geometry;

use crate::crs::CrsHint;
use crate::error::Result;
use crate::feature::{FeatureResult, SourceField};
use crate::ingest::Limits;
use std::path::Path;

/// What a reader knows about a layer before streaming its features.
#[derive(Debug, Clone)]
pub(crate) struct LayerInfo {
    /// Name in the source (file stem, table name).
    pub name: String,
    /// Path of the source file inside the upload.
    pub source: String,
    /// CRS declared by the source.
    pub crs: CrsHint,
    /// Attribute fields, in source order; feature values are aligned with them.
    pub fields: Vec<SourceField>,
    /// Warnings found while opening (encoding guesses, ignored columns).
    pub warnings: Vec<String>,
}

/// Receives the features of a layer one by one; an error stops the reader.
pub(crate) type Sink<'a> = &'a mut dyn FnMut(FeatureResult) -> Result<()>;

/// A layer ready to be streamed.
pub(crate) trait LayerReader: Send {
    /// What is known about the layer.
    fn info(&self) -> &LayerInfo;
    /// Streams every feature into `sink`.
    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()>;
}

/// A readable file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// GeoJSON FeatureCollection or Feature.
    GeoJson,
    /// Newline-delimited GeoJSON features.
    GeoJsonSeq,
    /// CSV with WKT or coordinate columns.
    Csv,
    /// Shapefile (`.shp` with its sidecars).
    Shapefile,
    /// GeoPackage.
    GeoPackage,
    /// FlatGeobuf.
    FlatGeobuf,
    /// Zip archive.
    Zip,
}

/// Extensions of files that accompany a Shapefile and are not layers themselves.
pub(crate) const SIDECARS: &[&str] = &[
    "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx", "fix", "xml", "qmd", "aih", "ain", "atx",
    "qpj",
];

/// Guesses the format of a file from its extension.
pub(crate) fn detect(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "geojson" | "json" => Format::GeoJson,
        "geojsonl" | "geojsons" | "geojsonseq" | "ndjson" | "jsonl" => Format::GeoJsonSeq,
        "csv" | "tsv" | "txt" => Format::Csv,
        "shp" => Format::Shapefile,
        "gpkg" => Format::GeoPackage,
        "fgb" => Format::FlatGeobuf,
        "zip" => Format::Zip,
        _ => return None,
    })
}

/// Opens the layers of one file.
pub(crate) fn open(
    path: &Path,
    display: &str,
    format: Format,
    limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    match format {
        Format::GeoJson => {
            if geojsonseq::looks_like_sequence(path)? {
                geojsonseq::open(path, display, limits)
            } else {
                geojson::open(path, display, limits)
            }
        }
        Format::GeoJsonSeq => geojsonseq::open(path, display, limits),
        Format::Csv => csv::open(path, display, limits),
        Format::Shapefile => shapefile::open(path, display, limits),
        Format::GeoPackage => gpkg::open(path, display, limits),
        Format::FlatGeobuf => fgb::open(path, display, limits),
        Format::Zip => Err(crate::IngestError::ArchiveRejected {
            file: display.to_string(),
            reason: "archives nested more than one level deep are not accepted; upload the inner files in one zip".to_string(),
        }),
    }
}

/// Opens a file positioned after its UTF-8 byte order mark, if it has one.
pub(crate) fn skip_bom(path: &Path) -> Result<std::fs::File> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |e| crate::IngestError::io(path, e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 3];
    let n = file.read(&mut head).map_err(io)?;
    if n < 3 || head != [0xEF, 0xBB, 0xBF] {
        file.seek(SeekFrom::Start(0)).map_err(io)?;
    }
    Ok(file)
}

/// The file stem of a path, used as the layer name.
pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("layer")
        .to_string()
}
