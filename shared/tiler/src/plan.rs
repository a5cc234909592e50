//! Planning: read the database once, choose zooms and the sample area, and spill features into
//! one bucket per shard (the low zooms, then one subtree per tile of the split zoom).

use crate::bucket::Buckets;
use crate::error::{Result, TileError};
use crate::feature::{unproject_x, unproject_y, Feature};
use crate::globe::place_on_world;
use crate::guess::{densest_center, guess_max_zoom};
use crate::mvt::EXTENT;
use crate::options::{Preset, PresetKnobs, TileLimits, TileOptions, SAMPLE_TILES};
use crate::read::{columns, convert, read_layer, LayerReader, RawFeature};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use tuilerie_geo::schema::{Schema, SCHEMA_FILE};

/// Default zoom where the pyramid is split into shards.
const DEFAULT_SPLIT_ZOOM: u8 = 6;
/// Features converted per parallel batch while planning.
const BATCH: usize = 2048;
/// Vertices converted per parallel batch while planning (bounds the memory of the batch).
const BATCH_VERTICES: usize = 250_000;

/// A layer as tiled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanLayer {
    /// Layer name in the tiles.
    pub name: String,
    /// Kept attribute names, in tile key order.
    pub fields: Vec<String>,
    /// TileJSON type of each kept attribute (`String`, `Number`, `Boolean`).
    pub field_types: Vec<String>,
    /// Lowest zoom of the layer.
    pub min_zoom: u8,
    /// Highest zoom of the layer: every feature is present there.
    pub max_zoom: u8,
}

/// One independent piece of work.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardSpec {
    /// Position in [`TilePlan::shards`].
    pub index: usize,
    /// Zoom of the shard's root tile.
    pub z: u8,
    /// Column of the root tile.
    pub x: u32,
    /// Row of the root tile.
    pub y: u32,
    /// Deepest zoom the shard produces.
    pub last_zoom: u8,
    /// Spill file holding the shard's features.
    pub file: PathBuf,
    /// Pieces of the spill file holding them: `[offset, length]`.
    pub chunks: Vec<[u64; 2]>,
    /// Bytes of features.
    pub bytes: u64,
}

/// Everything the shards and the merge need; serialisable to run them elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TilePlan {
    /// Working directory of the spill files.
    pub work_dir: PathBuf,
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// Whether the maximum zoom was guessed.
    pub max_zoom_guessed: bool,
    /// Zoom where the pyramid is split into shards.
    pub split_zoom: u8,
    /// Layers, indexed by the features' layer number.
    pub layers: Vec<PlanLayer>,
    /// Preset chosen.
    pub preset: Preset,
    /// Its knobs.
    pub knobs: PresetKnobs,
    /// Tile limits.
    pub limits: TileLimits,
    /// Tile buffer in tile units.
    pub buffer: u32,
    /// Sample area at the maximum zoom: `[x0, y0, x1, y1)` in tiles.
    pub area: Option<[u32; 4]>,
    /// Bounds of the data tiled, `[west, south, east, north]`.
    pub bounds: [f64; 4],
    /// Features read.
    pub features_read: u64,
    /// The shards, low zooms first.
    pub shards: Vec<ShardSpec>,
}

impl TilePlan {
    /// Whether tile `z/x/y` meets the sample area (always without one).
    pub(crate) fn in_area(&self, z: u8, x: u32, y: u32) -> bool {
        let Some(a) = self.area else {
            return true;
        };
        let shift = self.max_zoom.saturating_sub(z);
        let (x0, x1) = (u64::from(x) << shift, u64::from(x + 1) << shift);
        let (y0, y1) = (u64::from(y) << shift, u64::from(y + 1) << shift);
        x1 > u64::from(a[0]) && x0 < u64::from(a[2]) && y1 > u64::from(a[1]) && y0 < u64::from(a[3])
    }

    /// Buffer in world units for tiles of zoom `z`.
    pub(crate) fn buffer_at(&self, z: u8) -> f64 {
        f64::from(self.buffer) / f64::from(EXTENT) / f64::from(1u32 << z)
    }
}

/// Plans a tiling run (see [`plan_with`]).
pub fn plan(db_dir: &Path, options: &TileOptions) -> Result<TilePlan> {
    plan_with(db_dir, options, &|_| {}, &AtomicBool::new(false))
}

fn read_schema(db_dir: &Path) -> Result<Schema> {
    let path = db_dir.join(SCHEMA_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| TileError::Database {
        path: path.clone(),
        reason: format!("{e}; a vector database is a directory with {SCHEMA_FILE}"),
    })?;
    serde_json::from_str(&text).map_err(|e| TileError::Database {
        path,
        reason: e.to_string(),
    })
}

/// Reads the database, spills features into shard buckets under a new directory of
/// `options.temp_dir`, and reports progress from 0 to 1 of the planning.
pub fn plan_with(
    db_dir: &Path,
    options: &TileOptions,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<TilePlan> {
    let schema = read_schema(db_dir)?;
    if options.min_zoom > 18
        || options
            .max_zoom
            .is_some_and(|z| z > 18 || z < options.min_zoom)
    {
        return Err(TileError::Options(format!(
            "zoom range {}–{:?} is invalid: zooms go from 0 to 18, minimum first",
            options.min_zoom, options.max_zoom
        )));
    }
    let mut readers = Vec::new();
    let mut layers = Vec::new();
    let mut total = 0u64;
    for ls in &schema.layers {
        let lo = options
            .layers
            .get(&ls.name)
            .or_else(|| options.layers.get(&ls.original_name))
            .cloned()
            .unwrap_or_default();
        if lo.exclude {
            continue;
        }
        let path = db_dir.join(&ls.file);
        let cols = columns(&path, &ls.name)?;
        let mut fields = Vec::new();
        let mut field_types = Vec::new();
        let mut column_map = Vec::new();
        for (col, ty) in &cols {
            // Columns carry the normalised names; keys in tiles are the names of the source.
            let field = ls.fields.iter().find(|f| &f.name == col);
            let key = field.map_or(col.clone(), |f| f.original_name.clone());
            let kept = lo
                .attributes
                .as_ref()
                .is_none_or(|a| a.contains(col) || a.contains(&key));
            if kept {
                column_map.push(Some(fields.len() as u16));
                fields.push(key);
                field_types.push((*ty).to_string());
            } else {
                column_map.push(None);
            }
        }
        let filter_column = match &lo.filter {
            Some(f) => Some(
                cols.iter()
                    .position(|(c, _)| {
                        c == &f.field
                            || ls
                                .fields
                                .iter()
                                .any(|s| &s.name == c && s.original_name == f.field)
                    })
                    .ok_or_else(|| TileError::Filter {
                        filter: f.field.clone(),
                        reason: format!(
                            "layer `{}` has no field `{}`; its fields are: {}",
                            ls.name,
                            f.field,
                            cols.iter()
                                .map(|c| c.0.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })?,
            ),
            None => None,
        };
        total += ls.feature_count;
        readers.push(LayerReader {
            layer: ls.name.clone(),
            path,
            column_map,
            filter_column,
            filter: lo.filter.clone(),
        });
        layers.push((
            tile_layer_name(ls, &schema),
            fields,
            field_types,
            lo.min_zoom,
            lo.max_zoom,
        ));
    }
    if readers.is_empty() {
        return Err(TileError::Options(
            "no layer to tile: the database is empty or every layer is excluded".into(),
        ));
    }
    let knobs = options.preset.knobs();
    let (max_zoom, guessed) = match options.max_zoom {
        Some(z) => (z, false),
        None => (
            guess_max_zoom(&readers, cancel)?.max(options.min_zoom),
            true,
        ),
    };
    let min_zoom = options.min_zoom;
    let layers: Vec<PlanLayer> = layers
        .into_iter()
        .map(|(name, fields, field_types, lmin, lmax)| PlanLayer {
            name,
            fields,
            field_types,
            min_zoom: lmin.unwrap_or(min_zoom).clamp(min_zoom, max_zoom),
            max_zoom: lmax.unwrap_or(max_zoom).clamp(min_zoom, max_zoom),
        })
        .collect();
    let area = match options.sample {
        None => None,
        Some(s) => {
            let n = 1u32 << max_zoom;
            let (cx, cy) = match s.center {
                Some([lon, lat]) => (
                    crate::feature::project_x(lon) * f64::from(n),
                    crate::feature::project_y(lat) * f64::from(n),
                ),
                None => densest_center(&readers, max_zoom, cancel)?,
            };
            let half = SAMPLE_TILES / 2;
            let x0 = (cx as u32)
                .saturating_sub(half)
                .min(n.saturating_sub(SAMPLE_TILES));
            let y0 = (cy as u32)
                .saturating_sub(half)
                .min(n.saturating_sub(SAMPLE_TILES));
            Some([
                x0,
                y0,
                (x0 + SAMPLE_TILES).min(n),
                (y0 + SAMPLE_TILES).min(n),
            ])
        }
    };
    let split_zoom = options
        .split_zoom
        .unwrap_or(DEFAULT_SPLIT_ZOOM)
        .clamp(min_zoom, max_zoom);
    let base = options.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).map_err(TileError::io(&base))?;
    let work_dir = unique_dir(&base)?;
    let mut plan = TilePlan {
        work_dir: work_dir.clone(),
        min_zoom,
        max_zoom,
        max_zoom_guessed: guessed,
        split_zoom,
        layers,
        preset: options.preset,
        knobs,
        limits: options.limits,
        buffer: options.buffer,
        area,
        bounds: [0.0; 4],
        features_read: 0,
        shards: Vec::new(),
    };
    let sample_bbox = area.map(|a| {
        let n = f64::from(1u32 << max_zoom);
        let k = f64::from(options.buffer) / f64::from(EXTENT);
        [
            unproject_x((f64::from(a[0]) - k) / n),
            unproject_y((f64::from(a[3]) + k) / n),
            unproject_x((f64::from(a[2]) + k) / n),
            unproject_y((f64::from(a[1]) - k) / n),
        ]
    });
    let mut buckets = Buckets::new(&work_dir)?;
    let sq_tol = (knobs.tolerance / (f64::from(1u32 << max_zoom) * f64::from(EXTENT))).powi(2);
    let mut world = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut read = 0u64;
    for (li, reader) in readers.iter().enumerate() {
        let mut batch: Vec<RawFeature> = Vec::with_capacity(BATCH);
        let mut batch_vertices = 0usize;
        let mut flush = |batch: &mut Vec<RawFeature>, buckets: &mut Buckets| -> Result<()> {
            let plan_ref = &plan;
            let out: Vec<Spilled> = batch
                .par_drain(..)
                .map(|raw| {
                    let mut spilled = Vec::new();
                    let mut bb = [
                        f64::INFINITY,
                        f64::INFINITY,
                        f64::NEG_INFINITY,
                        f64::NEG_INFINITY,
                    ];
                    let mut placed = Vec::new();
                    for f in convert(raw, li as u16, sq_tol) {
                        place_on_world(f, plan_ref.buffer_at(0), &mut placed);
                    }
                    for f in placed {
                        bb = union(bb, f.bbox);
                        crate::bucket::spill_feature(plan_ref, &f, &mut spilled);
                    }
                    (spilled, bb)
                })
                .collect();
            for (spilled, bb) in out {
                world = union(world, bb);
                for (key, bytes) in spilled {
                    buckets.add(key, &bytes)?;
                }
            }
            Ok(())
        };
        read_layer(reader, sample_bbox, cancel, |raw| {
            batch_vertices += raw
                .parts
                .iter()
                .flat_map(|(_, rings)| rings.iter())
                .map(|(_, r)| r.len())
                .sum::<usize>();
            batch.push(raw);
            read += 1;
            if batch.len() >= BATCH || batch_vertices >= BATCH_VERTICES {
                batch_vertices = 0;
                flush(&mut batch, &mut buckets)?;
                if total > 0 {
                    progress((read as f64 / total as f64).min(1.0));
                }
            }
            Ok(true)
        })?;
        flush(&mut batch, &mut buckets)?;
    }
    plan.features_read = read;
    if world[0].is_finite() {
        let mut b = [
            world[0].max(0.0),
            world[1].max(0.0),
            world[2].min(1.0),
            world[3].min(1.0),
        ];
        if let Some(a) = area {
            let n = f64::from(1u32 << max_zoom);
            b = [
                b[0].max(f64::from(a[0]) / n),
                b[1].max(f64::from(a[1]) / n),
                b[2].min(f64::from(a[2]) / n),
                b[3].min(f64::from(a[3]) / n),
            ];
        }
        plan.bounds = [
            unproject_x(b[0]),
            unproject_y(b[3]),
            unproject_x(b[2]),
            unproject_y(b[1]),
        ];
    }
    plan.shards = buckets.finish(&plan)?;
    progress(1.0);
    Ok(plan)
}

/// Name of a layer inside tiles: its name in the source, unless another layer of the database
/// has the same (layers of one tile need distinct names), then its normalised name.
fn tile_layer_name(layer: &tuilerie_geo::schema::LayerSchema, schema: &Schema) -> String {
    let original = layer.original_name.trim();
    let shared = schema
        .layers
        .iter()
        .filter(|l| l.original_name.trim() == original)
        .count()
        > 1;
    if original.is_empty() || shared {
        layer.name.clone()
    } else {
        original.to_string()
    }
}

/// Spilled records of one feature and its bounding box.
type Spilled = (Vec<(u64, Vec<u8>)>, [f64; 4]);

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn unique_dir(base: &Path) -> Result<PathBuf> {
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for i in 0..1000u32 {
        let dir = base.join(format!("tuilerie-tiles-{pid}-{nanos}-{i}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(TileError::io(&dir)(e)),
        }
    }
    Err(TileError::Options(format!(
        "cannot create a working directory in {}",
        base.display()
    )))
}

/// The features of a shard, read back from the spill file.
pub(crate) fn load_bucket(spec: &ShardSpec, open: Option<&std::fs::File>) -> Result<Vec<Feature>> {
    use std::os::unix::fs::FileExt;
    let path = &spec.file;
    let owned;
    let file = match open {
        Some(f) => f,
        None => {
            owned = std::fs::File::open(path).map_err(TileError::io(path))?;
            &owned
        }
    };
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for [offset, len] in &spec.chunks {
        buf.resize(*len as usize, 0);
        file.read_exact_at(&mut buf, *offset)
            .map_err(TileError::io(path))?;
        out.extend(
            crate::spill::read_features(&buf).ok_or_else(|| TileError::Corrupt(path.clone()))?,
        );
    }
    Ok(out)
}
