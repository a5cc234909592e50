//! The schema document of a vector database: `schema.json` beside one FlatGeobuf file per layer.
//!
//! Ingestion writes it; the tiler, the API and the dashboard read it.

use serde::{Deserialize, Serialize};

/// File name of the schema document inside a vector database directory.
pub const SCHEMA_FILE: &str = "schema.json";

/// Current version of the schema document format.
pub const SCHEMA_VERSION: u32 = 1;

/// Description of a whole vector database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Format version, [`SCHEMA_VERSION`].
    pub version: u32,
    /// Layers, in the order they were found.
    pub layers: Vec<LayerSchema>,
    /// Warnings about the whole upload (mixed CRS, ignored files, ...).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One layer: one FlatGeobuf file in WGS84 (EPSG:4326, lon/lat order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSchema {
    /// Normalised name: lowercase ASCII letters, digits and `_`; used in tiles and file names.
    pub name: String,
    /// Name as found in the upload (file stem, table name), kept as a label.
    pub original_name: String,
    /// Path of the source file inside the upload.
    pub source: String,
    /// File name of the layer's FlatGeobuf inside the database directory.
    pub file: String,
    /// CRS of the source, e.g. `EPSG:2154`.
    pub source_crs: String,
    /// Geometry types present, e.g. `["MultiPolygon"]`.
    pub geometry_types: Vec<String>,
    /// Attribute fields in source order.
    pub fields: Vec<FieldSchema>,
    /// Number of features stored.
    pub feature_count: u64,
    /// Extent in WGS84: `[west, south, east, north]`, absent when the layer is empty.
    pub extent: Option<[f64; 4]>,
    /// Number of features skipped because they could not be read or were invalid.
    #[serde(default)]
    pub skipped_count: u64,
    /// The first skipped features with the reason, for the report (capped).
    #[serde(default)]
    pub skipped: Vec<SkippedFeature>,
    /// How coordinates were moved from the source datum to WGS 84: every transformation used,
    /// empty when the source already is WGS 84.
    #[serde(default)]
    pub datum_transformations: Vec<DatumTransformation>,
}

/// A datum transformation applied to (some of) the features of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatumTransformation {
    /// Name, e.g. `OSGB36 to WGS 84 (6)`, or what was done when no transformation is known.
    pub name: String,
    /// Authority code, e.g. `EPSG:1314`, when it has one.
    pub code: Option<String>,
    /// Accuracy in metres as given by EPSG, when known.
    pub accuracy_m: Option<f64>,
}

/// One attribute field of a layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSchema {
    /// Normalised name used in tiles.
    pub name: String,
    /// Name as found in the source.
    pub original_name: String,
    /// Value type.
    pub kind: FieldKind,
}

/// Type of an attribute field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Floating-point number.
    Float,
    /// True or false.
    Boolean,
    /// Date or date-time, stored as ISO 8601 text.
    Date,
    /// Values of several types (or whole numbers beside decimals, or unsigned 64-bit
    /// numbers): each value keeps its own type, stored as its JSON text.
    Mixed,
}

/// A feature left out of a layer, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFeature {
    /// 1-based feature number in the source layer.
    pub feature: u64,
    /// What was wrong, in words a GIS user understands, with a probable fix.
    pub reason: String,
}
