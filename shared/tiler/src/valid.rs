//! Valid tile polygons (OGC simple features, MVT 2.1 §4.3.4.4): clipping, simplification and
//! quantisation can leave rings sharing edges along the buffer line, spikes, holes covering
//! their exterior or self-intersections. One integer overlay pass with the non-zero fill rule
//! rebuilds every polygon from the area its rings enclose.

use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::IntOverlayOptions;
use i_overlay::core::simplify::Simplify;
use i_overlay::i_float::int::point::IntPoint;

/// A closed ring in tile units.
type Ring = Vec<[i32; 2]>;

/// Twice the signed area of a closed ring, positive when clockwise with y down.
pub(crate) fn area2(ring: &[[i32; 2]]) -> i64 {
    let mut sum = 0i64;
    for w in ring.windows(2) {
        sum += i64::from(w[0][0]) * i64::from(w[1][1]) - i64::from(w[1][0]) * i64::from(w[0][1]);
    }
    sum
}

/// Rebuilds closed rings (exteriors with a positive [`area2`], holes negative) as valid
/// polygons: each exterior (clockwise with y down) followed by its holes (counter-clockwise).
/// Empty when the rings enclose no area.
pub(crate) fn make_valid(rings: &[Vec<[i32; 2]>]) -> Vec<Vec<[i32; 2]>> {
    let contours: Vec<Vec<IntPoint>> = rings
        .iter()
        .filter(|r| r.len() >= 4)
        .map(|r| {
            r[..r.len() - 1]
                .iter()
                .map(|p| IntPoint::new(p[0], p[1]))
                .collect()
        })
        .collect();
    if contours.is_empty() {
        return Vec::new();
    }
    let shapes = contours.simplify(FillRule::NonZero, IntOverlayOptions::ogc());
    let mut polygons: Vec<(Ring, Vec<Ring>)> = Vec::with_capacity(shapes.len());
    let mut holes = Vec::new();
    for shape in shapes {
        for (i, contour) in shape.into_iter().enumerate() {
            let Some(first) = contour.first() else {
                continue;
            };
            let mut ring: Vec<[i32; 2]> = contour.iter().map(|p| [p.x, p.y]).collect();
            ring.push([first.x, first.y]);
            let a = area2(&ring);
            if a == 0 || ring.len() < 4 {
                if i == 0 {
                    break;
                }
                continue;
            }
            if (a > 0) != (i == 0) {
                ring.reverse();
            }
            if i == 0 {
                polygons.push((ring, Vec::new()));
            } else {
                holes.push((polygons.len() - 1, ring));
            }
        }
    }
    // Each hole goes with an exterior whose box holds it (the overlay may, rarely, list a hole
    // with a neighbouring exterior); a hole inside no exterior encloses nothing and is left out.
    for (shell, hole) in holes {
        let b = bbox(&hole);
        let inside = |r: &[[i32; 2]]| {
            let s = bbox(r);
            s[0] <= b[0] && s[1] <= b[1] && s[2] >= b[2] && s[3] >= b[3]
        };
        let owner = if inside(&polygons[shell].0) {
            Some(shell)
        } else {
            polygons.iter().position(|(s, _)| inside(s))
        };
        if let Some(owner) = owner {
            polygons[owner].1.push(hole);
        }
    }
    let mut out = Vec::with_capacity(rings.len());
    for (shell, holes) in polygons {
        out.push(shell);
        out.extend(holes);
    }
    out
}

fn bbox(ring: &[[i32; 2]]) -> [i32; 4] {
    ring.iter()
        .fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: i32, y0: i32, x1: i32, y1: i32) -> Vec<[i32; 2]> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    }

    fn reversed(mut r: Vec<[i32; 2]>) -> Vec<[i32; 2]> {
        r.reverse();
        r
    }

    #[test]
    fn a_hole_covering_its_exterior_leaves_nothing() {
        let outer = square(0, 0, 10, 10);
        let hole = reversed(square(0, 0, 10, 10));
        assert!(make_valid(&[outer, hole]).is_empty());
    }

    #[test]
    fn a_hole_sharing_an_edge_with_its_exterior_becomes_a_notch() {
        let outer = square(0, 0, 10, 10);
        let hole = reversed(square(0, 2, 4, 6));
        let valid = make_valid(&[outer, hole]);
        assert_eq!(valid.len(), 1, "{valid:?}");
        assert_eq!(area2(&valid[0]), 2 * (100 - 16));
    }

    #[test]
    fn a_bow_tie_keeps_both_lobes_as_exteriors() {
        let bow = vec![[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]];
        let valid = make_valid(&[bow]);
        assert_eq!(valid.len(), 2, "{valid:?}");
        assert!(valid.iter().all(|r| area2(r) > 0));
    }

    #[test]
    fn two_exteriors_keep_each_their_own_hole() {
        let left = square(0, 0, 10, 10);
        let right = square(20, 0, 30, 10);
        let valid = make_valid(&[
            right,
            reversed(square(22, 2, 24, 4)),
            left,
            reversed(square(2, 2, 4, 4)),
        ]);
        assert_eq!(valid.len(), 4);
        for pair in valid.chunks(2) {
            let (s, h) = (bbox(&pair[0]), bbox(&pair[1]));
            assert!(area2(&pair[0]) > 0 && area2(&pair[1]) < 0);
            assert!(s[0] <= h[0] && s[2] >= h[2], "{valid:?}");
        }
    }

    #[test]
    fn an_exterior_with_a_hole_inside_is_kept_with_the_hole_reversed() {
        let outer = square(0, 0, 10, 10);
        let hole = reversed(square(2, 2, 4, 4));
        let valid = make_valid(&[outer, hole]);
        assert_eq!(valid.len(), 2);
        assert!(area2(&valid[0]) > 0 && area2(&valid[1]) < 0);
    }
}
