//! Spilling features to disk by shard: a low-resolution copy for the low zooms and one clipped
//! copy per tile of the split zoom, appended to one file per shard.

use crate::clip::{clip_feature, Axis};
use crate::error::{Result, TileError};
use crate::feature::{Feature, Kind};
use crate::mvt::EXTENT;
use crate::plan::{ShardSpec, TilePlan};
use crate::spill::write_feature;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// Key of the low-zoom bucket.
const LOW: u64 = u64::MAX;
/// A bucket's buffer is written out beyond this size.
const FLUSH_BYTES: usize = 1 << 20;
/// All buffers are written out beyond this total.
const TOTAL_BYTES: usize = 16 << 20;

/// In-memory buffers of the buckets, appended to one spill file as they grow.
pub(crate) struct Buckets {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    offset: u64,
    buffers: HashMap<u64, Vec<u8>>,
    chunks: HashMap<u64, Vec<[u64; 2]>>,
    total: usize,
}

impl Buckets {
    pub(crate) fn new(dir: &std::path::Path) -> Result<Self> {
        let path = dir.join("spill.bin");
        let file = std::fs::File::create(&path).map_err(TileError::io(&path))?;
        Ok(Buckets {
            path,
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            offset: 0,
            buffers: HashMap::new(),
            chunks: HashMap::new(),
            total: 0,
        })
    }

    pub(crate) fn add(&mut self, key: u64, bytes: &[u8]) -> Result<()> {
        let buf = self.buffers.entry(key).or_default();
        buf.extend_from_slice(bytes);
        self.total += bytes.len();
        if buf.len() > FLUSH_BYTES {
            self.flush(key)?;
        }
        if self.total > TOTAL_BYTES {
            let keys: Vec<u64> = self.buffers.keys().copied().collect();
            for k in keys {
                self.flush(k)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self, key: u64) -> Result<()> {
        let Some(buf) = self.buffers.get_mut(&key) else {
            return Ok(());
        };
        if buf.is_empty() {
            return Ok(());
        }
        self.file
            .write_all(buf)
            .map_err(TileError::io(&self.path))?;
        let len = buf.len() as u64;
        self.chunks.entry(key).or_default().push([self.offset, len]);
        self.offset += len;
        self.total -= buf.len();
        buf.clear();
        buf.shrink_to_fit();
        Ok(())
    }

    /// Writes out every buffer and lists the shards, low zooms first then by tile.
    pub(crate) fn finish(mut self, plan: &TilePlan) -> Result<Vec<ShardSpec>> {
        let mut keys: Vec<u64> = self.buffers.keys().copied().collect();
        keys.sort_unstable();
        keys.sort_by_key(|k| *k != LOW);
        for key in &keys {
            self.flush(*key)?;
        }
        self.file.flush().map_err(TileError::io(&self.path))?;
        let mut shards = Vec::new();
        for key in keys {
            let chunks = self.chunks.remove(&key).unwrap_or_default();
            let (z, x, y, last_zoom) = if key == LOW {
                (0, 0, 0, plan.split_zoom - 1)
            } else {
                (
                    plan.split_zoom,
                    (key >> 32) as u32,
                    (key & 0xFFFF_FFFF) as u32,
                    plan.max_zoom,
                )
            };
            shards.push(ShardSpec {
                index: shards.len(),
                z,
                x,
                y,
                last_zoom,
                file: self.path.clone(),
                bytes: chunks.iter().map(|c| c[1]).sum(),
                chunks,
            });
        }
        Ok(shards)
    }
}

/// Clips a feature to tile `z/x/y` with its buffer; borrowed when already inside.
pub(crate) fn clip_to<'a>(
    f: &'a Feature,
    plan: &TilePlan,
    z: u8,
    x: u32,
    y: u32,
) -> Option<Cow<'a, Feature>> {
    let size = 1.0 / f64::from(1u32 << z);
    let k = plan.buffer_at(z);
    let (x0, x1) = (f64::from(x) * size - k, f64::from(x + 1) * size + k);
    let (y0, y1) = (f64::from(y) * size - k, f64::from(y + 1) * size + k);
    let b = f.bbox;
    if b[2] < x0 || b[0] >= x1 || b[3] < y0 || b[1] >= y1 {
        return None;
    }
    let mut cur: Cow<Feature> = Cow::Borrowed(f);
    if !(b[0] >= x0 && b[2] < x1) {
        cur = Cow::Owned(clip_feature(&cur, x0, x1, Axis::X)?);
    }
    let b = cur.bbox;
    if !(b[1] >= y0 && b[3] < y1) {
        cur = Cow::Owned(clip_feature(&cur, y0, y1, Axis::Y)?);
    }
    Some(cur)
}

/// Serialises a feature into the buckets it belongs to.
pub(crate) fn spill_feature(plan: &TilePlan, f: &Feature, out: &mut Vec<(u64, Vec<u8>)>) {
    let layer = &plan.layers[usize::from(f.layer)];
    if plan.split_zoom > plan.min_zoom && layer.min_zoom < plan.split_zoom {
        let mut buf = Vec::new();
        if layer.max_zoom < plan.split_zoom || f.kind == Kind::Point {
            write_feature(&mut buf, f);
        } else {
            write_feature(&mut buf, &low_resolution(plan, f));
        }
        out.push((LOW, buf));
    }
    if layer.max_zoom >= plan.split_zoom {
        descend(plan, Cow::Borrowed(f), 0, 0, 0, out);
    }
}

fn descend(plan: &TilePlan, f: Cow<Feature>, z: u8, x: u32, y: u32, out: &mut Vec<(u64, Vec<u8>)>) {
    if z == plan.split_zoom {
        let mut buf = Vec::new();
        write_feature(&mut buf, &f);
        out.push(((u64::from(x) << 32) | u64::from(y), buf));
        return;
    }
    for (cx, cy) in [
        (2 * x, 2 * y),
        (2 * x + 1, 2 * y),
        (2 * x, 2 * y + 1),
        (2 * x + 1, 2 * y + 1),
    ] {
        if !plan.in_area(z + 1, cx, cy) {
            continue;
        }
        match clip_to(&f, plan, z + 1, cx, cy) {
            Some(Cow::Borrowed(_)) => descend(plan, Cow::Borrowed(&*f), z + 1, cx, cy, out),
            Some(Cow::Owned(child)) => descend(plan, Cow::Owned(child), z + 1, cx, cy, out),
            None => {}
        }
    }
}

/// The feature with only the vertices visible below the split zoom.
fn low_resolution(plan: &TilePlan, f: &Feature) -> Feature {
    let scale = f64::from(1u32 << (plan.split_zoom - 1)) * f64::from(EXTENT);
    let sq_tol = (plan.knobs.tolerance / scale).powi(2);
    let mut low = f.clone();
    for r in &mut low.rings {
        r.points.retain(|p| p.importance > sq_tol);
    }
    low
}
