//! Tiling options: zooms, layers, generalisation preset, limits, sample area.

use crate::filter::AttributeFilter;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Options of one tiling run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TileOptions {
    /// Lowest zoom produced.
    pub min_zoom: u8,
    /// Highest zoom produced; guessed from the data when absent.
    pub max_zoom: Option<u8>,
    /// Options per layer name; layers not listed are tiled with defaults.
    pub layers: BTreeMap<String, LayerOptions>,
    /// Generalisation preset.
    pub preset: Preset,
    /// Tile buffer in tile units (the tile extent is 4096).
    pub buffer: u32,
    /// Tile only a sample area.
    pub sample: Option<SampleArea>,
    /// Size limits per tile.
    pub limits: TileLimits,
    /// Directory for intermediate files; the system temporary directory when absent.
    pub temp_dir: Option<PathBuf>,
    /// Zoom at which the pyramid is split into independent shards; chosen when absent.
    pub split_zoom: Option<u8>,
}

impl Default for TileOptions {
    fn default() -> Self {
        TileOptions {
            min_zoom: 0,
            max_zoom: None,
            layers: BTreeMap::new(),
            preset: Preset::Heterogeneous,
            buffer: 64,
            sample: None,
            limits: TileLimits::default(),
            temp_dir: None,
            split_zoom: None,
        }
    }
}

/// Options of one layer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerOptions {
    /// Lowest zoom where the layer appears.
    pub min_zoom: Option<u8>,
    /// Highest zoom where the layer appears (its features are all present there).
    pub max_zoom: Option<u8>,
    /// Attributes kept; all when absent.
    pub attributes: Option<Vec<String>>,
    /// Only features matching this filter are tiled.
    pub filter: Option<AttributeFilter>,
    /// Leave the layer out entirely.
    #[serde(default)]
    pub exclude: bool,
}

/// Size limits of every tile.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct TileLimits {
    /// Maximum compressed size of a tile in bytes.
    pub max_bytes: usize,
    /// Maximum number of features in a tile.
    pub max_features: usize,
}

impl Default for TileLimits {
    fn default() -> Self {
        TileLimits {
            max_bytes: 500_000,
            max_features: 200_000,
        }
    }
}

/// Sample mode: 10 × 10 tiles at the maximum zoom and every lower zoom over the same area.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct SampleArea {
    /// Centre `[lon, lat]`; the densest area of the data when absent.
    pub center: Option<[f64; 2]>,
}

/// Tiles per side of a sample at the maximum zoom.
pub const SAMPLE_TILES: u32 = 10;

/// Generalisation presets, after the Géotuileur's seven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Mixed points, lines and polygons: moderate simplification, tiny shapes dropped.
    #[default]
    Heterogeneous,
    /// Connected networks (roads, rivers): light simplification, short pieces kept.
    Networks,
    /// Independent lines: standard simplification, short lines dropped at low zooms.
    Lines,
    /// Polygons drawn schematically at low zooms: strong simplification.
    PolygonsSchematised,
    /// Polygons selected by size at low zooms: small ones left out below the maximum zoom.
    PolygonsSelected,
    /// Polygons sharing attribute values merged into one feature per tile below the maximum zoom.
    PolygonsMerged,
    /// Polygons harmonised: uniform simplification and a small minimum size at every zoom.
    PolygonsHarmonised,
    /// Everything kept at every zoom as long as tiles fit their limits: no density thinning
    /// of points, no minimum size, light simplification.
    KeepAll,
}

/// Concrete generalisation knobs of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PresetKnobs {
    /// Douglas-Peucker tolerance in tile units below the maximum zoom.
    pub tolerance: f64,
    /// Minimum area (tile units²) of a polygon ring below the maximum zoom.
    pub min_area: f64,
    /// Minimum length (tile units) of a line below the maximum zoom.
    pub min_length: f64,
    /// Merge features with identical attributes into one feature below the maximum zoom.
    pub merge_same_attributes: bool,
    /// Points are thinned by this factor per zoom below a layer's maximum zoom, evenly over
    /// space, as tippecanoe's drop rate does; `1.0` keeps every point.
    #[serde(default = "default_drop_rate")]
    pub point_drop_rate: f64,
    /// Below the maximum zoom, the areas of polygons too small to draw add up into
    /// representative squares, so that a grid of tiny cells keeps its coverage.
    #[serde(default)]
    pub tiny_polygons_add_up: bool,
}

fn default_drop_rate() -> f64 {
    DEFAULT_DROP_RATE
}

/// tippecanoe's default drop rate.
pub const DEFAULT_DROP_RATE: f64 = 2.5;

impl Preset {
    /// Every preset, in display order.
    pub const ALL: [Preset; 8] = [
        Preset::Heterogeneous,
        Preset::Networks,
        Preset::Lines,
        Preset::PolygonsSchematised,
        Preset::PolygonsSelected,
        Preset::PolygonsMerged,
        Preset::PolygonsHarmonised,
        Preset::KeepAll,
    ];

    /// The preset's knobs.
    pub fn knobs(self) -> PresetKnobs {
        let (tolerance, min_area, min_length, merge) = match self {
            Preset::Heterogeneous => (3.0, 4.0, 2.0, false),
            Preset::Networks => (1.5, 4.0, 0.5, false),
            Preset::Lines => (3.0, 4.0, 4.0, false),
            Preset::PolygonsSchematised => (8.0, 16.0, 4.0, false),
            Preset::PolygonsSelected => (3.0, 64.0, 8.0, false),
            Preset::PolygonsMerged => (3.0, 4.0, 2.0, true),
            Preset::PolygonsHarmonised => (4.0, 8.0, 2.0, false),
            Preset::KeepAll => (1.0, 0.0, 0.0, false),
        };
        PresetKnobs {
            tolerance,
            min_area,
            min_length,
            merge_same_attributes: merge,
            tiny_polygons_add_up: self != Preset::PolygonsSelected,
            point_drop_rate: if self == Preset::KeepAll {
                1.0
            } else {
                DEFAULT_DROP_RATE
            },
        }
    }

    /// Name used on the command line and in metadata.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Heterogeneous => "heterogeneous",
            Preset::Networks => "networks",
            Preset::Lines => "lines",
            Preset::PolygonsSchematised => "polygons_schematised",
            Preset::PolygonsSelected => "polygons_selected",
            Preset::PolygonsMerged => "polygons_merged",
            Preset::PolygonsHarmonised => "polygons_harmonised",
            Preset::KeepAll => "keep_all",
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
                format!("unknown preset `{s}`, expected one of {}", names.join(", "))
            })
    }
}
