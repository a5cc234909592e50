//! Running one shard: geojson-vt's recursive clipping from the shard's root tile down, tiles
//! built in parallel and appended to the shard's tile file.

use crate::build::{build_tile, GzipCache, TileAt};
use crate::clip::{clip, Axis, Shared};
use crate::error::{Result, TileError};
use crate::plan::{load_bucket, TilePlan};
use crate::report::ZoomReport;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What a shard produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardResult {
    /// Shard index in the plan.
    pub index: usize,
    /// Output file: tile contents (gzip'd MVT, each distinct small tile written once), then
    /// the tile index.
    pub file: PathBuf,
    /// Where the tile index starts in the file: records of tile id (u64 LE), offset of the
    /// content (u64 LE), length (u32 LE), up to the end of the file.
    pub index_offset: u64,
    /// Tiles written.
    pub tiles: u64,
    /// Largest tile: bytes, then `z/x/y`.
    pub max_tile: (u64, String),
    /// Counts per zoom (index = zoom) and layer.
    pub zooms: Vec<ZoomReport>,
}

/// Tiles up to this size are written once per shard when repeated.
const SHARED_TILE_BYTES: usize = 512;

struct Sink {
    data: BufWriter<File>,
    index: Vec<u8>,
    offset: u64,
    seen: HashMap<Vec<u8>, u64>,
    result: ShardResult,
}

impl Sink {
    fn write(&mut self, at: TileAt, tile: &[u8], stats: &ZoomReport) -> Result<()> {
        let coord = pmtiles::TileCoord::new(at.z, at.x, at.y).map_err(|e| {
            TileError::Options(format!(
                "tile {}/{}/{} is out of range: {e}",
                at.z, at.x, at.y
            ))
        })?;
        let id = pmtiles::TileId::from(coord).value();
        let known = if tile.len() <= SHARED_TILE_BYTES {
            self.seen.get(tile).copied()
        } else {
            None
        };
        let offset = match known {
            Some(offset) => offset,
            None => {
                let offset = self.offset;
                self.data
                    .write_all(tile)
                    .map_err(TileError::io(&self.result.file))?;
                self.offset += tile.len() as u64;
                if tile.len() <= SHARED_TILE_BYTES && self.seen.len() < 20_000 {
                    self.seen.insert(tile.to_vec(), offset);
                }
                offset
            }
        };
        let mut rec = [0u8; 20];
        rec[..8].copy_from_slice(&id.to_le_bytes());
        rec[8..16].copy_from_slice(&offset.to_le_bytes());
        rec[16..].copy_from_slice(&(tile.len() as u32).to_le_bytes());
        self.index.extend_from_slice(&rec);
        self.record(stats);
        self.result.tiles += 1;
        if tile.len() as u64 > self.result.max_tile.0 {
            self.result.max_tile = (tile.len() as u64, format!("{}/{}/{}", at.z, at.x, at.y));
        }
        Ok(())
    }

    fn record(&mut self, stats: &ZoomReport) {
        if let Some(z) = self.result.zooms.get_mut(usize::from(stats.zoom)) {
            z.add(stats);
        }
    }
}

/// Runs shard `index` of `plan`, writing its tiles under `out_dir`.
pub fn run_shard(plan: &TilePlan, index: usize, out_dir: &Path) -> Result<ShardResult> {
    run_shard_with(plan, index, out_dir, &AtomicBool::new(false))
}

/// [`run_shard`], stopping with [`TileError::Cancelled`] when `cancel` becomes true.
pub fn run_shard_with(
    plan: &TilePlan,
    index: usize,
    out_dir: &Path,
    cancel: &AtomicBool,
) -> Result<ShardResult> {
    run_shard_cached(plan, index, out_dir, cancel, &GzipCache::default(), None)
}

/// [`run_shard_with`] sharing compressed small tiles with other shards.
pub(crate) fn run_shard_cached(
    plan: &TilePlan,
    index: usize,
    out_dir: &Path,
    cancel: &AtomicBool,
    gzip: &GzipCache,
    spill: Option<&File>,
) -> Result<ShardResult> {
    let spec = plan.shards.get(index).ok_or_else(|| {
        TileError::Options(format!(
            "the plan has no shard {index} ({} shards)",
            plan.shards.len()
        ))
    })?;
    std::fs::create_dir_all(out_dir).map_err(TileError::io(out_dir))?;
    let path = out_dir.join(format!("shard-{index}.tiles"));
    let data = File::create(&path).map_err(TileError::io(&path))?;
    let names: Vec<String> = plan.layers.iter().map(|l| l.name.clone()).collect();
    let sink = Mutex::new(Sink {
        data: BufWriter::with_capacity(1 << 20, data),
        index: Vec::new(),
        offset: 0,
        seen: HashMap::new(),
        result: ShardResult {
            index,
            file: path.clone(),
            index_offset: 0,
            tiles: 0,
            max_tile: (0, String::new()),
            zooms: (0..=plan.max_zoom)
                .map(|z| ZoomReport::new(z, &names))
                .collect(),
        },
    });
    let features: Vec<Shared> = load_bucket(spec, spill)?
        .into_iter()
        .map(Arc::new)
        .collect();
    let ctx = Ctx {
        plan,
        last_zoom: spec.last_zoom,
        names: names.clone(),
        gzip,
        sink: &sink,
        cancel,
    };
    let root = TileAt {
        z: spec.z,
        x: spec.x,
        y: spec.y,
    };
    let features = if spec.z == 0 {
        features
    } else {
        crate::clip::clip_to_tile(&features, spec.z, spec.x, spec.y, plan.buffer_at(spec.z))
    };
    recurse(&ctx, root, features)?;
    let mut sink = sink.into_inner().unwrap_or_else(PoisonError::into_inner);
    sink.result.index_offset = sink.offset;
    let index = std::mem::take(&mut sink.index);
    sink.data.write_all(&index).map_err(TileError::io(&path))?;
    sink.data.flush().map_err(TileError::io(&path))?;
    Ok(sink.result)
}

struct Ctx<'a> {
    plan: &'a TilePlan,
    last_zoom: u8,
    names: Vec<String>,
    gzip: &'a GzipCache,
    sink: &'a Mutex<Sink>,
    cancel: &'a AtomicBool,
}

fn recurse(ctx: &Ctx, at: TileAt, features: Vec<Shared>) -> Result<()> {
    if ctx.cancel.load(Ordering::Relaxed) {
        return Err(TileError::Cancelled);
    }
    let plan = ctx.plan;
    if at.z >= plan.min_zoom && plan.in_area(at.z, at.x, at.y) {
        let mut stats = ZoomReport::new(at.z, &ctx.names);
        let tile = build_tile(plan, at, &features, &mut stats, ctx.gzip)?;
        let mut sink = ctx.sink.lock().unwrap_or_else(PoisonError::into_inner);
        match tile {
            Some(data) => sink.write(at, &data, &stats)?,
            None => sink.record(&stats),
        }
    }
    if at.z >= ctx.last_zoom {
        return Ok(());
    }
    let z = at.z + 1;
    let k = plan.buffer_at(z);
    let size = 1.0 / f64::from(1u32 << z);
    let (x, y) = (2 * at.x, 2 * at.y);
    let xm = f64::from(x + 1) * size;
    let ym = f64::from(y + 1) * size;
    let (x0, x1) = (xm - size, xm + size);
    let (y0, y1) = (ym - size, ym + size);
    let left = clip(&features, x0 - k, xm + k, Axis::X);
    let right = clip(&features, xm - k, x1 + k, Axis::X);
    drop(features);
    let mut children = Vec::with_capacity(4);
    for (cx, band) in [(x, left), (x + 1, right)] {
        if band.is_empty() {
            continue;
        }
        for (cy, lo, hi) in [(y, y0 - k, ym + k), (y + 1, ym - k, y1 + k)] {
            if !plan.in_area(z, cx, cy) {
                continue;
            }
            let part = clip(&band, lo, hi, Axis::Y);
            if !part.is_empty() {
                children.push((TileAt { z, x: cx, y: cy }, part));
            }
        }
    }
    children
        .into_par_iter()
        .try_for_each(|(child, part)| recurse(ctx, child, part))
}
