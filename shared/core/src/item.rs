//! The data items of a workspace and their lifecycles: an upload becomes a vector database,
//! which becomes a tile pyramid (full, or a sample to validate first).
//!
//! Every item has a state; the pipeline moves it with compare-and-set writes (see
//! [`crate::ports::ItemRecords`]), so a step re-run after a crash finds where it stopped.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, FailureName, Result};
use crate::ids::{DatabaseId, PyramidId, ReservationId, UploadId, UserId, WorkspaceId};

/// The highest zoom a pyramid may go to.
pub const MAX_ZOOM: u8 = 16;

/// The largest file that may be announced: 2^53 bytes, the largest integer every JSON
/// reader keeps exactly.
pub const MAX_UPLOAD_BYTES: u64 = 1 << 53;

/// How to tile a database, as `tuilerie tile` takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiling {
    /// Lowest zoom (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_zoom: Option<u8>,
    /// Highest zoom; guessed from the data when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_zoom: Option<u8>,
    /// Generalisation preset (`heterogeneous` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Per-layer choices, by layer name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layers: BTreeMap<String, LayerTiling>,
}

/// How to tile one layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerTiling {
    /// The attributes kept (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// A filter such as `population > 1000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The layer's lowest zoom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_zoom: Option<u8>,
    /// The layer's highest zoom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_zoom: Option<u8>,
}

impl Tiling {
    /// Checks the zoom ranges; the preset and filters are checked by the tiler when planning.
    pub fn check(&self) -> Result<()> {
        let zoom = |field: &str, value: Option<u8>| match value {
            Some(z) if z > MAX_ZOOM => Err(Error::invalid(
                field,
                format!("`{field}` is {z}; zooms go from 0 to {MAX_ZOOM}"),
            )),
            _ => Ok(()),
        };
        zoom("min_zoom", self.min_zoom)?;
        zoom("max_zoom", self.max_zoom)?;
        if let (Some(min), Some(max)) = (self.min_zoom, self.max_zoom) {
            if min > max {
                return Err(Error::invalid(
                    "min_zoom",
                    format!("`min_zoom` ({min}) is above `max_zoom` ({max})"),
                ));
            }
        }
        if self.layers.len() > 1000 {
            return Err(Error::invalid("layers", "at most 1000 layers may be set"));
        }
        for (name, layer) in &self.layers {
            zoom("layers.min_zoom", layer.min_zoom)?;
            zoom("layers.max_zoom", layer.max_zoom)?;
            if layer.attributes.as_ref().is_some_and(|a| a.len() > 10_000) {
                return Err(Error::invalid(
                    "layers.attributes",
                    format!("layer `{name}` keeps more than 10000 attributes"),
                ));
            }
        }
        Ok(())
    }
}

/// A sample: a small area at the highest zoom, to check the result before tiling everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleArea {
    /// The sample's centre `[lon, lat]`; the densest area when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<[f64; 2]>,
}

impl SampleArea {
    /// Checks the point is a longitude and a latitude.
    pub fn check(&self) -> Result<()> {
        if let Some([lon, lat]) = self.point {
            if !(-180.0..=180.0).contains(&lon) || !(-85.06..=85.06).contains(&lat) {
                return Err(Error::invalid(
                    "point",
                    "`point` is [longitude, latitude] in degrees, within ±180 and ±85.06",
                ));
            }
        }
        Ok(())
    }
}

/// What to do once an upload is integrated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Then {
    /// Tile the whole database.
    Pyramid(Tiling),
    /// Tile a sample first.
    Sample(SampleTiling),
}

/// A sample's tiling and area.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleTiling {
    /// How to tile.
    #[serde(flatten)]
    pub tiling: Tiling,
    /// The sample's centre `[lon, lat]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<[f64; 2]>,
}

/// One step of a job as a failure report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportStep {
    /// Its number, from 1.
    pub number: u8,
    /// What it does.
    pub name: String,
    /// `done`, `failed` or `not run`.
    pub state: String,
}

/// Why a job failed, in words a GIS user acts on; exportable as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The stable failure name (`InvalidInput`, `QuotaExceeded`, ...).
    pub failure: String,
    /// The number of the step that failed.
    pub failed_step: u8,
    /// Every step of the job and how far it got.
    pub steps: Vec<ReportStep>,
    /// What went wrong: the engine's message, with file, layer, feature and field.
    pub cause: String,
    /// What to do about it.
    pub fix: String,
    /// A stable code of the cause (`invalid_file`, `quota_exceeded`, ...).
    pub code: String,
    /// Whether the job's input is kept, so that `retry` can start again from it.
    pub input_kept: bool,
    /// When it failed.
    pub at: DateTime<Utc>,
}

impl Report {
    /// The failure name of the report.
    pub fn is(&self, name: FailureName) -> bool {
        self.failure == name.as_str()
    }
}

/// Where an upload is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    /// Announced; its bytes have not come yet.
    AwaitingBytes,
    /// Its bytes are stored; integration is queued.
    Received,
    /// Being read into a vector database.
    Integrating,
    /// Integrated: the file is gone, the database exists.
    Integrated,
    /// Failed: see the report; the file is kept.
    Failed,
    /// Cancelled by a member.
    Cancelled,
}

/// A file sent by a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    /// Identifier.
    pub id: UploadId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The file's name, as sent.
    pub file_name: String,
    /// Bytes announced.
    pub size: u64,
    /// Bytes received and counted on the uploads quota (0 until they come).
    pub stored: u64,
    /// CRS overriding the one the file declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
    /// What follows integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Then>,
    /// Its state.
    pub state: UploadState,
    /// The uploads reservation holding the announced size.
    pub reservation: ReservationId,
    /// The database it led to.
    #[serde(default)]
    pub database: Option<DatabaseId>,
    /// The pyramid it led to.
    #[serde(default)]
    pub pyramid: Option<PyramidId>,
    /// Fraction of the integration done.
    pub progress: f64,
    /// How many times it was retried after failing.
    #[serde(default)]
    pub attempts: u32,
    /// Why it failed.
    #[serde(default)]
    pub report: Option<Report>,
    /// Who sent it.
    pub created_by: UserId,
    /// When it was announced.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When the upload URL stops working.
    pub expires_at: DateTime<Utc>,
}

impl Upload {
    /// The object key of its file.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.workspace,
            self.id,
            safe_name(&self.file_name)
        )
    }
}

/// A file name reduced to what an object key allows (letters, digits, `-`, `_`, `.`).
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.chars().take(200).collect()
    }
}

/// Where a vector database is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseState {
    /// Being written.
    Integrating,
    /// Ready to tile.
    Ready,
    /// Tiling into a pyramid.
    Tiling,
    /// Its files were deleted once a full pyramid was made from it.
    Deleted,
}

/// A field of a database layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseField {
    /// Its name.
    pub name: String,
    /// Its type (`string`, `integer`, `real`, `boolean`, ...).
    #[serde(rename = "type")]
    pub kind: String,
}

/// A layer of a database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseLayer {
    /// Its name, as in tiles.
    pub name: String,
    /// Its name in the source.
    pub original_name: String,
    /// Geometry types found.
    pub geometry_types: Vec<String>,
    /// The source's CRS.
    pub source_crs: String,
    /// Features kept.
    pub features: u64,
    /// Features left out, with reasons in the schema.
    pub skipped: u64,
    /// Its fields.
    pub fields: Vec<DatabaseField>,
    /// `[west, south, east, north]` in degrees.
    pub extent: Option<[f64; 4]>,
}

/// A vector database: one FlatGeobuf per layer and a schema document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// Identifier.
    pub id: DatabaseId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The upload it came from.
    pub upload: UploadId,
    /// The source file's name.
    pub file_name: String,
    /// Its state.
    pub state: DatabaseState,
    /// Bytes stored, counted on the databases quota.
    pub size: u64,
    /// Its layers.
    pub layers: Vec<DatabaseLayer>,
    /// Warnings of the integration.
    pub warnings: Vec<String>,
    /// Who sent the upload.
    pub created_by: UserId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Database {
    /// The prefix of its objects.
    pub fn prefix(&self) -> String {
        format!("{}/{}/", self.workspace, self.id)
    }
}

/// A full pyramid or a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PyramidKind {
    /// Every tile.
    Full,
    /// A small area at the highest zoom, to validate.
    Sample,
}

/// Where a pyramid is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyramidState {
    /// Waiting for a free worker.
    Queued,
    /// Tiles being made.
    Tiling,
    /// Done: the archive is stored.
    Generated,
    /// Failed: see the report.
    Failed,
    /// Cancelled by a member.
    Cancelled,
}

impl PyramidState {
    /// Whether the pyramid will not change any more by itself.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Generated | Self::Failed | Self::Cancelled)
    }
}

/// A tile pyramid: one PMTiles archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pyramid {
    /// Identifier.
    pub id: PyramidId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The database it is made from.
    pub database: DatabaseId,
    /// Full or sample.
    pub kind: PyramidKind,
    /// How it is tiled.
    pub tiling: Tiling,
    /// A sample's centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<[f64; 2]>,
    /// Its state.
    pub state: PyramidState,
    /// Fraction done, from 0 to 1.
    pub progress: f64,
    /// How many times it was retried after failing.
    #[serde(default)]
    pub attempts: u32,
    /// The upload it was asked for by, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<UploadId>,
    /// Bytes stored, counted on the pyramids quota.
    pub size: u64,
    /// Tiles in the archive.
    pub tiles: u64,
    /// Zooms of the archive, once generated.
    #[serde(default)]
    pub zooms: Option<[u8; 2]>,
    /// `[west, south, east, north]` of the archive, once generated.
    #[serde(default)]
    pub bounds: Option<[f64; 4]>,
    /// Why it failed.
    #[serde(default)]
    pub report: Option<Report>,
    /// The full pyramid made by validating this sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validated_as: Option<PyramidId>,
    /// Who asked for it.
    pub created_by: UserId,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Pyramid {
    /// The object key of its archive.
    pub fn key(&self) -> String {
        format!("{}/{}.pmtiles", self.workspace, self.id)
    }
}

/// Any item, as the records store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "lowercase")]
pub enum Item {
    /// An upload.
    Upload(Upload),
    /// A database.
    Database(Database),
    /// A pyramid.
    Pyramid(Pyramid),
}

impl Item {
    /// The item's workspace.
    pub fn workspace(&self) -> &WorkspaceId {
        match self {
            Self::Upload(u) => &u.workspace,
            Self::Database(d) => &d.workspace,
            Self::Pyramid(p) => &p.workspace,
        }
    }

    /// The item's kind: `upload`, `database` or `pyramid`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Upload(_) => "upload",
            Self::Database(_) => "database",
            Self::Pyramid(_) => "pyramid",
        }
    }

    /// Whether work on the item may still be under way or due (not in a resting state).
    pub fn is_unfinished(&self) -> bool {
        match self {
            Self::Upload(u) => matches!(
                u.state,
                UploadState::AwaitingBytes | UploadState::Received | UploadState::Integrating
            ),
            Self::Database(d) => d.state == DatabaseState::Integrating,
            Self::Pyramid(p) => !p.state.is_final(),
        }
    }

    /// The item's identifier.
    pub fn id(&self) -> &str {
        match self {
            Self::Upload(u) => u.id.as_str(),
            Self::Database(d) => d.id.as_str(),
            Self::Pyramid(p) => p.id.as_str(),
        }
    }
}

/// An item with the version it was read at, for compare-and-set writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    /// The item.
    pub item: T,
    /// Its version: 1 when created, one more at each write.
    pub version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn then_reads_as_the_api_writes_it() {
        let pyramid: Then = serde_json::from_str(r#"{"pyramid": {"max_zoom": 9}}"#).unwrap();
        assert_eq!(
            pyramid,
            Then::Pyramid(Tiling {
                max_zoom: Some(9),
                ..Tiling::default()
            })
        );
        let sample: Then =
            serde_json::from_str(r#"{"sample": {"max_zoom": 12, "point": [2.35, 48.85]}}"#)
                .unwrap();
        let Then::Sample(sample) = sample else {
            panic!("not a sample");
        };
        assert_eq!(sample.point, Some([2.35, 48.85]));
        assert_eq!(sample.tiling.max_zoom, Some(12));
        assert!(serde_json::from_str::<Then>(r#"{"pyramid": {"maxzoom": 9}}"#).is_err());
    }

    #[test]
    fn zoom_ranges_are_checked() {
        let bad = Tiling {
            min_zoom: Some(10),
            max_zoom: Some(4),
            ..Tiling::default()
        };
        assert!(bad.check().is_err());
        let high = Tiling {
            max_zoom: Some(30),
            ..Tiling::default()
        };
        assert!(high.check().is_err());
        assert!(Tiling::default().check().is_ok());
    }

    #[test]
    fn file_names_become_safe_keys() {
        assert_eq!(
            safe_name("Communes 2024 (été).gpkg"),
            "Communes_2024___t__.gpkg"
        );
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..."), "file");
        assert!(crate::ports::valid_key(&format!(
            "ws_a/up_b/{}",
            safe_name("../x y")
        )));
    }
}
