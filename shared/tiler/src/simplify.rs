//! One Douglas-Peucker pass giving every vertex an importance, as geojson-vt does: a vertex is
//! kept at a zoom when its importance exceeds that zoom's squared tolerance.

use crate::feature::Vertex;

/// Sets the importance of every vertex of `points`: `1.0` at both ends, the squared distance
/// at which Douglas-Peucker would keep it elsewhere (`0.0` when below `sq_tolerance`).
pub(crate) fn compute_importance(points: &mut [Vertex], sq_tolerance: f64) {
    let n = points.len();
    if n == 0 {
        return;
    }
    for p in points.iter_mut() {
        p.importance = 0.0;
    }
    points[0].importance = 1.0;
    points[n - 1].importance = 1.0;
    if n < 3 {
        return;
    }
    let mut stack = vec![(0usize, n - 1)];
    while let Some((first, last)) = stack.pop() {
        let mut max_sq = sq_tolerance;
        let mid = first + (last - first) / 2;
        let mut min_pos_to_mid = last - first;
        let mut index = None;
        let a = points[first];
        let b = points[last];
        for (i, p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = sq_seg_dist(p.x, p.y, a.x, a.y, b.x, b.y);
            if d > max_sq {
                index = Some(i);
                max_sq = d;
            } else if d == max_sq && index.is_some() {
                let pos = i.abs_diff(mid);
                if pos < min_pos_to_mid {
                    index = Some(i);
                    min_pos_to_mid = pos;
                }
            }
        }
        if let Some(i) = index {
            points[i].importance = max_sq;
            if i - first > 1 {
                stack.push((first, i));
            }
            if last - i > 1 {
                stack.push((i, last));
            }
        }
    }
}

/// Squared distance from a point to a segment.
fn sq_seg_dist(px: f64, py: f64, x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    let (mut x, mut y) = (x0, y0);
    let dx = x1 - x0;
    let dy = y1 - y0;
    if dx != 0.0 || dy != 0.0 {
        let t = ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy);
        if t > 1.0 {
            x = x1;
            y = y1;
        } else if t > 0.0 {
            x += dx * t;
            y += dy * t;
        }
    }
    let dx = px - x;
    let dy = py - y;
    dx * dx + dy * dy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: f64, y: f64) -> Vertex {
        Vertex {
            x,
            y,
            importance: 0.0,
        }
    }

    #[test]
    fn a_far_vertex_is_more_important_than_a_near_one() {
        let mut pts = vec![v(0.0, 0.0), v(1.0, 0.01), v(2.0, 1.0), v(3.0, 0.0)];
        compute_importance(&mut pts, 0.0);
        assert_eq!(pts[0].importance, 1.0);
        assert_eq!(pts[3].importance, 1.0);
        assert!(pts[2].importance > pts[1].importance);
        assert!(pts[1].importance > 0.0);
    }
}
