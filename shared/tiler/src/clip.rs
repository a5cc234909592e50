//! Clipping features to a band along one axis, as geojson-vt does: a tile is made by clipping
//! its parent's features on x, then on y. Points created on the band's edges are always kept.

use crate::feature::{Feature, Kind, Ring, Vertex};
use std::sync::Arc;

/// Axis of a clipping band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    X,
    Y,
}

impl Axis {
    fn of(self, p: &Vertex) -> f64 {
        match self {
            Axis::X => p.x,
            Axis::Y => p.y,
        }
    }
}

/// Features shared between a tile and its children when they need no clipping.
pub(crate) type Shared = Arc<Feature>;

/// Keeps the parts of `features` with `k1 <= coordinate <= k2` along `axis`.
pub(crate) fn clip(features: &[Shared], k1: f64, k2: f64, axis: Axis) -> Vec<Shared> {
    let mut out = Vec::new();
    for f in features {
        let (min, max) = match axis {
            Axis::X => (f.bbox[0], f.bbox[2]),
            Axis::Y => (f.bbox[1], f.bbox[3]),
        };
        if min >= k1 && max < k2 {
            out.push(Arc::clone(f));
            continue;
        }
        if max < k1 || min >= k2 {
            continue;
        }
        if let Some(clipped) = clip_feature(f, k1, k2, axis) {
            out.push(Arc::new(clipped));
        }
    }
    out
}

/// Clips one feature, `None` when nothing is left.
pub(crate) fn clip_feature(f: &Feature, k1: f64, k2: f64, axis: Axis) -> Option<Feature> {
    let mut rings = Vec::new();
    match f.kind {
        Kind::Point => {
            for ring in &f.rings {
                let points: Vec<Vertex> = ring
                    .points
                    .iter()
                    .filter(|p| {
                        let a = axis.of(p);
                        a >= k1 && a <= k2
                    })
                    .copied()
                    .collect();
                if !points.is_empty() {
                    rings.push(Ring {
                        points,
                        outer: false,
                        size: 0.0,
                    });
                }
            }
        }
        Kind::Line => {
            for ring in &f.rings {
                clip_line(ring, &mut rings, k1, k2, axis, false);
            }
        }
        Kind::Polygon => {
            let mut outer_kept = false;
            for ring in &f.rings {
                if !ring.outer && !outer_kept {
                    continue;
                }
                let before = rings.len();
                clip_line(ring, &mut rings, k1, k2, axis, true);
                if ring.outer {
                    outer_kept = rings.len() > before;
                }
            }
        }
    }
    if rings.is_empty() {
        return None;
    }
    let mut clipped = Feature {
        layer: f.layer,
        id: f.id,
        kind: f.kind,
        rings,
        props: Arc::clone(&f.props),
        weight: f.weight,
        bbox: [0.0; 4],
    };
    clipped.update_bbox();
    Some(clipped)
}

fn new_slice(ring: &Ring) -> Ring {
    Ring {
        points: Vec::new(),
        outer: ring.outer,
        size: ring.size,
    }
}

fn clip_line(ring: &Ring, out: &mut Vec<Ring>, k1: f64, k2: f64, axis: Axis, polygon: bool) {
    let pts = &ring.points;
    if pts.is_empty() {
        return;
    }
    let mut slice = new_slice(ring);
    for w in pts.windows(2) {
        let (pa, pb) = (w[0], w[1]);
        let a = axis.of(&pa);
        let b = axis.of(&pb);
        let mut exited = false;
        if a < k1 {
            if b > k1 {
                intersect(&mut slice, pa, pb, k1, axis);
            }
        } else if a > k2 {
            if b < k2 {
                intersect(&mut slice, pa, pb, k2, axis);
            }
        } else {
            slice.points.push(pa);
        }
        if b < k1 && a >= k1 {
            intersect(&mut slice, pa, pb, k1, axis);
            exited = true;
        }
        if b > k2 && a <= k2 {
            intersect(&mut slice, pa, pb, k2, axis);
            exited = true;
        }
        if !polygon && exited {
            let done = std::mem::replace(&mut slice, new_slice(ring));
            if done.points.len() > 1 {
                out.push(done);
            }
        }
    }
    if let Some(last) = pts.last() {
        let a = axis.of(last);
        if a >= k1 && a <= k2 {
            slice.points.push(*last);
        }
    }
    if polygon {
        if let (Some(first), Some(last)) = (slice.points.first(), slice.points.last()) {
            if slice.points.len() > 1 && (first.x != last.x || first.y != last.y) {
                let first = *first;
                slice.points.push(first);
            }
        }
        if slice.points.len() >= 4 {
            out.push(slice);
        }
    } else if slice.points.len() > 1 {
        out.push(slice);
    }
}

fn intersect(slice: &mut Ring, a: Vertex, b: Vertex, k: f64, axis: Axis) {
    let p = match axis {
        Axis::X => {
            let t = (k - a.x) / (b.x - a.x);
            Vertex {
                x: k,
                y: a.y + (b.y - a.y) * t,
                importance: 1.0,
            }
        }
        Axis::Y => {
            let t = (k - a.y) / (b.y - a.y);
            Vertex {
                x: a.x + (b.x - a.x) * t,
                y: k,
                importance: 1.0,
            }
        }
    };
    slice.points.push(p);
}

/// Features of tile `z/x/y` with a buffer of `k` world units, clipped from `features` that
/// already fit the parent tile.
pub(crate) fn clip_to_tile(features: &[Shared], z: u8, x: u32, y: u32, k: f64) -> Vec<Shared> {
    let size = 1.0 / f64::from(1u32 << z);
    let x0 = f64::from(x) * size;
    let y0 = f64::from(y) * size;
    let band = clip(features, x0 - k, x0 + size + k, Axis::X);
    if band.is_empty() {
        return band;
    }
    clip(&band, y0 - k, y0 + size + k, Axis::Y)
}
