//! Building one tile: vertex filtering by importance, quantisation, winding, generalisation,
//! MVT encoding, gzip, and thinning when the limits are exceeded.

use crate::clip::Shared;
use crate::error::{Result, TileError};
use crate::feature::{Feature, Kind, Value};
use crate::mvt::{encode_layer, push_layer, TileFeature, EXTENT};
use crate::plan::TilePlan;
use crate::report::ZoomReport;
use crate::tiny::TinyPolygons;
use crate::valid::{area2, make_valid};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Mutex, PoisonError};

/// Extra tolerances (tile units) tried at a maximum zoom when a tile is too large.
const ESCALATION: [f64; 7] = [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

struct Prepared<'a> {
    layer: u16,
    feature: TileFeature<'a>,
    droppable: bool,
    priority: f64,
    count: u64,
}

/// Where a tile sits: zoom, column, row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileAt {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Builds the gzip'd MVT of one tile and adds its counts to `stats`; `None` when empty.
pub(crate) fn build_tile(
    plan: &TilePlan,
    at: TileAt,
    features: &[Shared],
    stats: &mut ZoomReport,
    cache: &GzipCache,
) -> Result<Option<Vec<u8>>> {
    for extra in ESCALATION {
        let mut too_small = vec![LeftOut::default(); plan.layers.len()];
        let mut prepared = prepare(plan, at, features, extra, &mut too_small);
        if prepared.is_empty() {
            add_too_small(stats, &too_small);
            return Ok(None);
        }
        if let Some((data, dropped)) = fit(plan, &mut prepared, cache)? {
            for (i, p) in prepared.iter().enumerate() {
                let layer = usize::from(p.layer);
                let counts = &mut stats.layers[layer];
                if dropped[i] {
                    counts.dropped += p.count;
                } else {
                    counts.kept += p.count;
                    if counts.fields_used.is_empty() {
                        counts.fields_used = vec![false; plan.layers[layer].fields.len()];
                    }
                    for (k, _) in p.feature.props {
                        if let Some(used) = counts.fields_used.get_mut(usize::from(*k)) {
                            *used = true;
                        }
                    }
                }
            }
            add_too_small(stats, &too_small);
            stats.tiles += 1;
            stats.bytes += data.len() as u64;
            stats.max_tile_bytes = stats.max_tile_bytes.max(data.len() as u64);
            return Ok(Some(data));
        }
        if prepared.iter().all(|p| p.droppable) {
            break;
        }
    }
    let mut too_small = vec![LeftOut::default(); plan.layers.len()];
    let mut prepared = prepare(plan, at, features, 32.0, &mut too_small);
    let refs: Vec<&Prepared> = prepared.iter_mut().map(|p| &*p).collect();
    let raw = encode(plan, &refs);
    Err(TileError::TileTooLarge {
        z: at.z,
        x: at.x,
        y: at.y,
        bytes: gzip(&raw)?.len(),
        features: refs.len(),
        max_bytes: plan.limits.max_bytes,
        max_features: plan.limits.max_features,
    })
}

fn add_too_small(stats: &mut ZoomReport, left_out: &[LeftOut]) {
    for (c, n) in stats.layers.iter_mut().zip(left_out) {
        c.too_small += n.too_small;
        c.thinned += n.thinned;
    }
}

/// Features of one layer left out of a tile by generalisation.
#[derive(Debug, Clone, Copy, Default)]
struct LeftOut {
    too_small: u64,
    thinned: u64,
}

/// Whether point feature `id` (its position along the layer's Hilbert order) is kept at `z`:
/// a share `rate^-(max_zoom - z)` is kept, spread evenly along the curve (the radical inverse
/// of the position), and a point kept at a zoom is kept at every zoom above.
fn point_kept(id: u64, z: u8, max_zoom: u8, rate: f64) -> bool {
    if rate <= 1.0 || z >= max_zoom {
        return true;
    }
    let share = rate.powi(-i32::from(max_zoom - z));
    let spread = id.reverse_bits() as f64 / 18_446_744_073_709_551_616.0;
    spread < share
}

/// Encodes, then thins droppable features smallest first until the tile fits. Returns the
/// tile and which features were dropped, or `None` when dropping cannot make it fit.
fn fit(
    plan: &TilePlan,
    prepared: &mut [Prepared],
    cache: &GzipCache,
) -> Result<Option<(Vec<u8>, Vec<bool>)>> {
    let limits = plan.limits;
    let mut order: Vec<usize> = (0..prepared.len())
        .filter(|i| prepared[*i].droppable)
        .collect();
    order.sort_by(|a, b| prepared[*a].priority.total_cmp(&prepared[*b].priority));
    let mut dropped = vec![false; prepared.len()];
    let mut next = 0usize;
    // Compressed / raw size of the last compression: thinning steps are sized on the raw
    // encoding and compressed only when they should fit.
    let mut gz_ratio: Option<f64> = None;
    loop {
        let kept: Vec<&Prepared> = prepared
            .iter()
            .zip(&dropped)
            .filter(|(_, d)| !**d)
            .map(|(p, _)| p)
            .collect();
        let count = kept.len();
        let raw = encode(plan, &kept);
        let raw_len = raw.len().max(1) as f64;
        let estimate = gz_ratio.map(|r| raw_len * r);
        let worth_compressing = count <= limits.max_features
            && estimate.is_none_or(|e| e <= limits.max_bytes as f64 * 0.98);
        let size = if worth_compressing || next >= order.len() {
            let data = cache.gzip(raw)?;
            if data.len() <= limits.max_bytes && count <= limits.max_features {
                return Ok(Some((data, dropped)));
            }
            gz_ratio = Some(data.len() as f64 / raw_len);
            data.len() as f64
        } else {
            estimate.unwrap_or(raw_len)
        };
        if next >= order.len() {
            return Ok(None);
        }
        let ratio = (limits.max_bytes as f64 / size.max(1.0))
            .min(limits.max_features as f64 / count.max(1) as f64)
            .min(1.0);
        let target = (count as f64 * ratio * 0.95) as usize;
        let mut to_drop = count.saturating_sub(target).max(1);
        to_drop = to_drop.max((order.len() - next) / 20).max(1);
        while to_drop > 0 && next < order.len() {
            dropped[order[next]] = true;
            next += 1;
            to_drop -= 1;
        }
    }
}

/// Compressed forms of small tiles already seen: repeated tiles (sea, land interiors) are
/// compressed once.
#[derive(Default)]
pub(crate) struct GzipCache {
    map: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
}

/// Tiles up to this size are remembered by [`GzipCache`].
const CACHED_TILE_BYTES: usize = 1024;
/// Entries kept by [`GzipCache`] before it starts over.
const CACHED_TILES: usize = 4096;

impl GzipCache {
    fn gzip(&self, raw: Vec<u8>) -> Result<Vec<u8>> {
        if raw.len() > CACHED_TILE_BYTES {
            return gzip(&raw);
        }
        if let Some(gz) = self.lock().get(&raw) {
            return Ok(gz.clone());
        }
        let gz = gzip(&raw)?;
        let mut map = self.lock();
        if map.len() >= CACHED_TILES {
            map.clear();
        }
        map.insert(raw, gz.clone());
        Ok(gz)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Vec<u8>>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn gzip(raw: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(raw.len() / 2 + 64), Compression::new(5));
    enc.write_all(raw)
        .and_then(|_| enc.finish())
        .map_err(TileError::io("gzip"))
}

fn encode(plan: &TilePlan, kept: &[&Prepared]) -> Vec<u8> {
    let mut tile = Vec::new();
    let mut start = 0;
    while start < kept.len() {
        let layer = kept[start].layer;
        let mut end = start;
        while end < kept.len() && kept[end].layer == layer {
            end += 1;
        }
        let feats: Vec<&TileFeature> = kept[start..end].iter().map(|p| &p.feature).collect();
        let l = &plan.layers[usize::from(layer)];
        push_layer(&mut tile, &encode_layer(&l.name, &l.fields, &feats));
        start = end;
    }
    tile
}

fn prepare<'a>(
    plan: &TilePlan,
    at: TileAt,
    features: &'a [Shared],
    extra: f64,
    too_small: &mut [LeftOut],
) -> Vec<Prepared<'a>> {
    let z2 = f64::from(1u32 << at.z);
    let scale = z2 * f64::from(EXTENT);
    let knobs = plan.knobs;
    let mut out: Vec<Prepared> = Vec::with_capacity(features.len());
    let mut tiny_polygons = TinyPolygons::new(plan.layers.len(), knobs.min_area);
    for f in features {
        let layer = &plan.layers[usize::from(f.layer)];
        if at.z < layer.min_zoom || at.z > layer.max_zoom {
            continue;
        }
        let full = at.z == layer.max_zoom;
        if f.kind == Kind::Point && !point_kept(f.id, at.z, layer.max_zoom, knobs.point_drop_rate) {
            too_small[usize::from(f.layer)].thinned += 1;
            continue;
        }
        let tol = if full {
            extra
        } else {
            knobs.tolerance.max(extra)
        };
        let sq_tol = (tol / scale).powi(2);
        let q = Quantizer {
            scale,
            x0: f64::from(at.x) * f64::from(EXTENT),
            y0: f64::from(at.y) * f64::from(EXTENT),
            sq_tol,
            all: tol == 0.0,
        };
        let mut rings = feature_rings(f, &q, full, knobs.min_area, knobs.min_length, scale);
        let mut count = 1;
        if rings.is_empty() {
            // A piece of a large polygon enclosing no area here lies in a hole or along the
            // buffer line: the polygon is not in this tile, nothing is lost.
            let area = f.weight * scale * scale;
            let tiny = f.kind != Kind::Polygon || area < TINY_AREA.max(knobs.min_area);
            if tiny && full && touches_tile(f, at) {
                rings = fallback_rings(f, &q);
            }
            if rings.is_empty() {
                // At a maximum zoom only pieces lying in the buffer can vanish: not counted.
                if full || !tiny {
                    continue;
                }
                too_small[usize::from(f.layer)].too_small += 1;
                let square = match fallback_rings(f, &q).first() {
                    Some(first) if f.kind == Kind::Polygon && knobs.tiny_polygons_add_up => {
                        tiny_polygons.absorb(usize::from(f.layer), area, first[0])
                    }
                    _ => None,
                };
                let Some(square) = square.filter(|_| touches_tile(f, at)) else {
                    continue;
                };
                // The square stands for polygons already counted as too small.
                rings = vec![square];
                count = 0;
            }
        }
        out.push(Prepared {
            layer: f.layer,
            feature: TileFeature {
                id: f.id,
                kind: f.kind,
                rings,
                props: &f.props,
            },
            droppable: !full,
            priority: f.weight,
            count,
        });
    }
    out.sort_by_key(|p| p.layer);
    point_priorities(&mut out);
    if knobs.merge_same_attributes {
        out = merge_same(out);
    }
    out
}

/// Area (tile units²) under which a polygon counts as too small to draw rather than absent.
const TINY_AREA: f64 = 16.0;

fn touches_tile(f: &Feature, at: TileAt) -> bool {
    let size = 1.0 / f64::from(1u32 << at.z);
    let (x0, y0) = (f64::from(at.x) * size, f64::from(at.y) * size);
    f.bbox[2] >= x0 && f.bbox[0] <= x0 + size && f.bbox[3] >= y0 && f.bbox[1] <= y0 + size
}

struct Quantizer {
    scale: f64,
    x0: f64,
    y0: f64,
    sq_tol: f64,
    all: bool,
}

impl Quantizer {
    fn ring(&self, points: &[crate::feature::Vertex]) -> Vec<[i32; 2]> {
        let mut out: Vec<[i32; 2]> = Vec::with_capacity(points.len().min(4096));
        for p in points {
            if self.all || p.importance > self.sq_tol {
                let q = [
                    (p.x * self.scale - self.x0).round() as i32,
                    (p.y * self.scale - self.y0).round() as i32,
                ];
                if out.last() != Some(&q) {
                    out.push(q);
                }
            }
        }
        out
    }
}

fn feature_rings(
    f: &Feature,
    q: &Quantizer,
    full: bool,
    min_area: f64,
    min_length: f64,
    scale: f64,
) -> Vec<Vec<[i32; 2]>> {
    let mut rings = Vec::with_capacity(f.rings.len());
    match f.kind {
        Kind::Point => {
            let pts: Vec<[i32; 2]> = f
                .rings
                .iter()
                .flat_map(|r| r.points.iter())
                .map(|p| {
                    [
                        (p.x * q.scale - q.x0).round() as i32,
                        (p.y * q.scale - q.y0).round() as i32,
                    ]
                })
                .collect();
            if !pts.is_empty() {
                rings.push(pts);
            }
        }
        Kind::Line => {
            for r in &f.rings {
                if !full && r.size * scale < min_length {
                    continue;
                }
                let line = q.ring(&r.points);
                if line.len() >= 2 {
                    rings.push(line);
                }
            }
        }
        Kind::Polygon => {
            let mut outer_kept = false;
            for r in &f.rings {
                if !r.outer && !outer_kept {
                    continue;
                }
                let keep = full || r.size * scale * scale >= min_area;
                let mut ring = if keep { q.ring(&r.points) } else { Vec::new() };
                if let (Some(first), Some(last)) = (ring.first().copied(), ring.last()) {
                    if first != *last {
                        ring.push(first);
                    }
                }
                let a = if ring.len() >= 4 { area2(&ring) } else { 0 };
                if a == 0 {
                    if r.outer {
                        outer_kept = false;
                    }
                    continue;
                }
                // MVT: exterior rings clockwise (positive area with y down), holes the other way.
                if (a > 0) != r.outer {
                    ring.reverse();
                }
                if r.outer {
                    outer_kept = true;
                }
                rings.push(ring);
            }
            if !rings.is_empty() {
                rings = make_valid(&rings);
            }
        }
    }
    rings
}

/// At a maximum zoom a feature too small to draw still appears, as a one-unit shape.
fn fallback_rings(f: &Feature, q: &Quantizer) -> Vec<Vec<[i32; 2]>> {
    let Some(p) = f.rings.iter().flat_map(|r| r.points.first()).next() else {
        return Vec::new();
    };
    let x = (p.x * q.scale - q.x0).round() as i32;
    let y = (p.y * q.scale - q.y0).round() as i32;
    match f.kind {
        Kind::Point => vec![vec![[x, y]]],
        Kind::Line => vec![vec![[x, y], [x + 1, y]]],
        Kind::Polygon => vec![vec![[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]],
    }
}

/// Points are thinned densest first: their priority is the gap to their neighbour along a
/// Z-order curve.
fn point_priorities(prepared: &mut [Prepared]) {
    let mut idx: Vec<(u64, usize)> = prepared
        .iter()
        .enumerate()
        .filter(|(_, p)| p.feature.kind == Kind::Point)
        .filter_map(|(i, p)| p.feature.rings.first()?.first().map(|q| (morton(*q), i)))
        .collect();
    idx.sort_unstable();
    let pos: Vec<[i32; 2]> = idx
        .iter()
        .map(|(_, i)| prepared[*i].feature.rings[0][0])
        .collect();
    for k in 0..idx.len() {
        let d = |j: usize| {
            let (a, b) = (pos[k], pos[j]);
            f64::from(a[0] - b[0]).hypot(f64::from(a[1] - b[1]))
        };
        let mut gap = f64::INFINITY;
        if k > 0 {
            gap = gap.min(d(k - 1));
        }
        if k + 1 < idx.len() {
            gap = gap.min(d(k + 1));
        }
        prepared[idx[k].1].priority = gap;
    }
}

fn morton(p: [i32; 2]) -> u64 {
    let spread = |v: i32| {
        let mut x = u64::from((v.clamp(-(1 << 20), 1 << 20) + (1 << 20)) as u32);
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        (x | (x << 1)) & 0x5555_5555_5555_5555
    };
    spread(p[0]) | (spread(p[1]) << 1)
}

fn props_hash(props: &[(u16, Value)]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (k, v) in props {
        k.hash(&mut h);
        match v {
            Value::Bool(b) => (0u8, *b).hash(&mut h),
            Value::Int(i) => (1u8, *i).hash(&mut h),
            Value::UInt(u) => (4u8, *u).hash(&mut h),
            Value::Float(f) => (2u8, f.to_bits()).hash(&mut h),
            Value::Str(s) => (3u8, s).hash(&mut h),
        }
    }
    h.finish()
}

/// Merges droppable features of one layer and kind whose attributes are identical.
fn merge_same(prepared: Vec<Prepared>) -> Vec<Prepared> {
    let mut out: Vec<Prepared> = Vec::with_capacity(prepared.len());
    let mut groups: HashMap<(u16, u8, u64), usize> = HashMap::new();
    for p in prepared {
        if !p.droppable {
            out.push(p);
            continue;
        }
        let key = (p.layer, p.feature.kind as u8, props_hash(p.feature.props));
        match groups.get(&key) {
            Some(&i) if out[i].feature.props == p.feature.props => {
                let target = &mut out[i];
                target.feature.rings.extend(p.feature.rings);
                target.count += p.count;
                target.priority += p.priority;
            }
            _ => {
                groups.insert(key, out.len());
                out.push(p);
            }
        }
    }
    out
}
