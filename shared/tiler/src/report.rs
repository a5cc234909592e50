//! What a tiling run produced and left out, per zoom and layer.

use serde::{Deserialize, Serialize};

/// Feature counts of one layer at one zoom, counted per tile (a feature spanning three
/// tiles counts three times).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerCounts {
    /// Layer name.
    pub layer: String,
    /// Features written.
    pub kept: u64,
    /// Features left out to respect the tile limits (never at a layer's maximum zoom).
    pub dropped: u64,
    /// Features left out by the preset's generalisation (smaller than the minimum size).
    pub too_small: u64,
    /// Points left out by density thinning below the maximum zoom (the preset's drop rate).
    #[serde(default)]
    pub thinned: u64,
    /// For each kept attribute of the layer, whether some tile of this zoom carries it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields_used: Vec<bool>,
}

/// Tiles and counts of one zoom.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomReport {
    /// Zoom level.
    pub zoom: u8,
    /// Tiles written at this zoom.
    pub tiles: u64,
    /// Compressed bytes of these tiles (before deduplication).
    pub bytes: u64,
    /// Largest compressed tile.
    pub max_tile_bytes: u64,
    /// Counts per layer.
    pub layers: Vec<LayerCounts>,
}

impl ZoomReport {
    /// Empty report for a zoom and layers.
    pub(crate) fn new(zoom: u8, layers: &[String]) -> Self {
        ZoomReport {
            zoom,
            layers: layers
                .iter()
                .map(|l| LayerCounts {
                    layer: l.clone(),
                    ..LayerCounts::default()
                })
                .collect(),
            ..ZoomReport::default()
        }
    }

    /// Adds another report of the same zoom and layers.
    pub(crate) fn add(&mut self, other: &ZoomReport) {
        self.tiles += other.tiles;
        self.bytes += other.bytes;
        self.max_tile_bytes = self.max_tile_bytes.max(other.max_tile_bytes);
        for (a, b) in self.layers.iter_mut().zip(&other.layers) {
            a.kept += b.kept;
            a.dropped += b.dropped;
            a.too_small += b.too_small;
            a.thinned += b.thinned;
            if a.fields_used.len() < b.fields_used.len() {
                a.fields_used.resize(b.fields_used.len(), false);
            }
            for (x, y) in a.fields_used.iter_mut().zip(&b.fields_used) {
                *x |= *y;
            }
        }
    }
}

/// Summary of a tiling run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TileReport {
    /// Tiles addressed by the archive.
    pub tiles: u64,
    /// Distinct tile contents stored (identical tiles are stored once).
    pub unique_tiles: u64,
    /// Size of the archive in bytes.
    pub bytes: u64,
    /// Largest compressed tile in bytes.
    pub max_tile_bytes: u64,
    /// The largest tile, `z/x/y`.
    pub max_tile: String,
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// Whether the maximum zoom was guessed from the data.
    pub max_zoom_guessed: bool,
    /// Zoom where the pyramid was split into shards.
    pub split_zoom: u8,
    /// Number of shards.
    pub shards: usize,
    /// Generalisation preset.
    pub preset: String,
    /// Features read from the database (after the layer filters).
    pub features_read: u64,
    /// Feature occurrences dropped to respect the limits, all zooms and layers.
    pub features_dropped: u64,
    /// Feature occurrences left out by generalisation, all zooms and layers.
    pub features_too_small: u64,
    /// Point occurrences left out by density thinning, all zooms and layers.
    #[serde(default)]
    pub features_thinned: u64,
    /// Counts per zoom and layer.
    pub zooms: Vec<ZoomReport>,
    /// Area tiled in sample mode, `[west, south, east, north]`.
    pub sample_bounds: Option<[f64; 4]>,
    /// Peak resident memory of the process in bytes (VmHWM), when known.
    pub peak_memory_bytes: Option<u64>,
}

/// Peak resident memory of this process (VmHWM), when the system tells.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl TileReport {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
