//! The globe: parts of features beyond the antimeridian are wrapped onto the world, features
//! near it are copied into the buffer on the other side (as tippecanoe does), and parts beyond
//! the Web Mercator latitude limit are cut off rather than flattened onto it.

use crate::clip::{clip_feature, Axis};
use crate::feature::Feature;

/// World copies considered: longitudes from −540° to 540°.
const SHIFTS: [f64; 5] = [0.0, -1.0, 1.0, -2.0, 2.0];

/// Pushes onto `out` the pieces of `f` (world coordinates) that lie in the world or its
/// buffer `k` (world units, the buffer of zoom 0): itself when it lies well inside, else its
/// copies shifted by whole worlds, clipped to `[-k, 1 + k]` on both axes.
pub(crate) fn place_on_world(f: Feature, k: f64, out: &mut Vec<Feature>) {
    let b = f.bbox;
    if b[0] >= k && b[2] <= 1.0 - k && b[1] >= -k && b[3] <= 1.0 + k {
        out.push(f);
        return;
    }
    let (lo, hi) = (-k, 1.0 + k);
    for shift in SHIFTS {
        if b[2] + shift < lo || b[0] + shift > hi {
            continue;
        }
        let mut copy = f.clone();
        if shift != 0.0 {
            for ring in &mut copy.rings {
                for p in &mut ring.points {
                    p.x += shift;
                }
            }
            copy.update_bbox();
        }
        let Some(piece) = clip_into(copy, lo, hi) else {
            continue;
        };
        out.push(piece);
    }
}

fn clip_into(f: Feature, lo: f64, hi: f64) -> Option<Feature> {
    let mut cur = f;
    if cur.bbox[0] < lo || cur.bbox[2] > hi {
        cur = clip_feature(&cur, lo, hi, Axis::X)?;
    }
    if cur.bbox[1] < lo || cur.bbox[3] > hi {
        cur = clip_feature(&cur, lo, hi, Axis::Y)?;
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::{bbox_of, Kind, Ring, Vertex};
    use std::sync::Arc;

    fn line(points: &[(f64, f64)]) -> Feature {
        let rings = vec![Ring {
            points: points
                .iter()
                .map(|&(x, y)| Vertex {
                    x,
                    y,
                    importance: 1.0,
                })
                .collect(),
            outer: false,
            size: 0.0,
        }];
        Feature {
            layer: 0,
            id: 0,
            kind: Kind::Line,
            bbox: bbox_of(&rings),
            rings,
            props: Arc::new(Vec::new()),
            weight: 0.0,
        }
    }

    #[test]
    fn a_line_across_the_antimeridian_is_cut_and_its_far_part_wrapped() {
        let mut out = Vec::new();
        place_on_world(line(&[(0.9, 0.5), (1.1, 0.5)]), 0.01, &mut out);
        assert_eq!(out.len(), 2);
        let east = out.iter().find(|f| f.bbox[2] > 0.5).unwrap();
        let west = out.iter().find(|f| f.bbox[0] < 0.5).unwrap();
        assert!((east.bbox[0] - 0.9).abs() < 1e-12 && (east.bbox[2] - 1.01).abs() < 1e-12);
        assert!((west.bbox[0] + 0.01).abs() < 1e-12 && (west.bbox[2] - 0.1).abs() < 1e-12);
    }

    #[test]
    fn a_feature_near_the_antimeridian_is_copied_into_the_buffer_across_it() {
        let mut out = Vec::new();
        place_on_world(line(&[(0.995, 0.5), (0.999, 0.5)]), 0.01, &mut out);
        assert_eq!(out.len(), 2);
        assert!(out.iter().any(|f| f.bbox[0] < 0.0));
    }

    #[test]
    fn parts_beyond_the_latitude_limit_are_cut_off() {
        let mut out = Vec::new();
        place_on_world(line(&[(0.5, -0.5), (0.5, 0.5)]), 0.01, &mut out);
        assert_eq!(out.len(), 1);
        assert!((out[0].bbox[1] + 0.01).abs() < 1e-12);
    }
}
