//! Features in Web Mercator world coordinates (0..1 on both axes, y down), with per-vertex
//! importance from one Douglas-Peucker pass.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// An attribute value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Boolean.
    Bool(bool),
    /// Signed integer.
    Int(i64),
    /// Unsigned integer beyond the signed range.
    UInt(u64),
    /// Floating-point number.
    Float(f64),
    /// Text.
    Str(String),
}

impl Value {
    /// The value as a number, for numeric comparisons.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::UInt(u) => Some(*u as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(_) => None,
            Value::Str(s) => s.trim().parse().ok(),
        }
    }
}

/// Attributes of a feature: (index of the field among the layer's kept fields, value).
pub(crate) type Props = Arc<Vec<(u16, Value)>>;

/// Geometry family, numbered as in MVT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Point = 1,
    Line = 2,
    Polygon = 3,
}

/// One vertex: position and importance (squared distance from the Douglas-Peucker pass;
/// `1.0` for vertices always kept).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Vertex {
    pub x: f64,
    pub y: f64,
    pub importance: f64,
}

/// A ring of a polygon, a line, or (for points) the list of points.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    pub points: Vec<Vertex>,
    /// Exterior ring of a polygon (interior rings follow their exterior).
    pub outer: bool,
    /// Absolute area (rings) or length (lines) in world units, after clipping.
    pub size: f64,
}

/// A feature ready for tiling.
#[derive(Debug, Clone)]
pub(crate) struct Feature {
    pub layer: u16,
    pub id: u64,
    pub kind: Kind,
    pub rings: Vec<Ring>,
    pub props: Props,
    /// Area or length of the whole source feature, used to thin smallest first.
    pub weight: f64,
    pub bbox: [f64; 4],
}

impl Feature {
    /// Recomputes the bounding box from the vertices.
    pub fn update_bbox(&mut self) {
        self.bbox = bbox_of(&self.rings);
    }
}

/// Bounding box `[min_x, min_y, max_x, max_y]` of rings.
pub(crate) fn bbox_of(rings: &[Ring]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for ring in rings {
        for p in &ring.points {
            b[0] = b[0].min(p.x);
            b[1] = b[1].min(p.y);
            b[2] = b[2].max(p.x);
            b[3] = b[3].max(p.y);
        }
    }
    b
}

/// Signed area of a ring (shoelace), positive when clockwise with y down.
pub(crate) fn ring_area(points: &[Vertex]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut prev = points[points.len() - 1];
    for p in points {
        sum += prev.x * p.y - p.x * prev.y;
        prev = *p;
    }
    sum / 2.0
}

/// Length of a line.
pub(crate) fn line_length(points: &[Vertex]) -> f64 {
    points
        .windows(2)
        .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
        .sum()
}

/// Longitude to Web Mercator x in 0..1.
pub(crate) fn project_x(lon: f64) -> f64 {
    lon / 360.0 + 0.5
}

/// Latitude to Web Mercator y (y down): 0..1 within the Web Mercator limit (±85.05°), beyond
/// it up to about ±2.3 near the poles, where parts are then cut off (never flattened onto the
/// limit, which would change their shape).
pub(crate) fn project_y(lat: f64) -> f64 {
    let sin = (lat.clamp(-89.9999, 89.9999).to_radians()).sin();
    0.5 - 0.25 * ((1.0 + sin) / (1.0 - sin)).ln() / std::f64::consts::PI
}

/// Web Mercator x back to longitude.
pub(crate) fn unproject_x(x: f64) -> f64 {
    (x - 0.5) * 360.0
}

/// Web Mercator y back to latitude.
pub(crate) fn unproject_y(y: f64) -> f64 {
    let y2 = (180.0 - y * 360.0).to_radians();
    (y2.exp().atan() * 2.0 - std::f64::consts::FRAC_PI_2).to_degrees()
}
