//! Reprojection and validation of one feature: attribute sizes, geometry presence,
//! coordinates within the valid range, with reasons a GIS user understands.

use super::Limits;
use crate::crs::{self, Crs, Reprojector};
use crate::feature::{FeatureResult, Skip, Value};
use crate::schema::FieldSchema;
use geo::BoundingRect;
use geo_types::Geometry;

/// Longitudes beyond ±180° up to this are kept: shapes crossing the antimeridian are often
/// written with longitudes such as 190°, and the tiler wraps them onto the world.
const MAX_LONGITUDE: f64 = 540.0;

/// A feature ready to write, or why it was skipped.
pub(super) type Processed = std::result::Result<Ready, Skip>;

/// A reprojected, validated feature.
pub(super) struct Ready {
    /// 1-based number in the source layer.
    pub number: u64,
    /// Geometry in WGS84.
    pub geometry: Geometry<f64>,
    /// Values aligned with the fields.
    pub values: Vec<Value>,
    /// Bounding box in WGS84.
    pub bbox: Option<[f64; 4]>,
    /// Whether the source coordinates of a projected CRS all look like degrees.
    pub looks_like_degrees: bool,
    /// Whether the feature lies outside the area where its CRS is used.
    pub outside_area: bool,
    /// Which datum transformations moved its points.
    pub shifts: crate::reproject::Used,
    /// The first attribute cut to the size limit, with its original size in bytes.
    pub truncated: Option<(String, usize)>,
}

pub(super) fn type_name(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

fn is_empty(geometry: &Geometry<f64>) -> bool {
    use geo::CoordsIter;
    geometry.coords_count() == 0
}

fn range_hint(crs: &Crs) -> String {
    if crs.projected {
        format!(
            "are the coordinates really in {}? Choose the right CRS when uploading",
            crs.label
        )
    } else {
        format!("is the file in a projected CRS (e.g. EPSG:2154) rather than {}? Choose its CRS when uploading", crs.label)
    }
}

/// Reprojects and validates one feature.
pub(super) fn process(
    feature: FeatureResult,
    reprojector: Option<&Reprojector>,
    crs: &Crs,
    fields: &[FieldSchema],
    limits: &Limits,
) -> std::result::Result<Ready, Skip> {
    let feature = feature?;
    let number = feature.number;
    let skip = |reason: String| Skip { number, reason };
    let mut feature = feature;
    let mut truncated = None;
    for (value, field) in feature.values.iter_mut().zip(fields) {
        if value.text_len() > limits.max_value_bytes {
            if let Value::String(text) | Value::Date(text) = value {
                let mut end = limits.max_value_bytes;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let original = text.len();
                text.truncate(end);
                truncated.get_or_insert((field.original_name.clone(), original));
            }
        }
    }
    let mut geometry = feature
        .geometry
        .ok_or_else(|| skip("the feature has no geometry".to_string()))?;
    if is_empty(&geometry) {
        return Err(skip("the geometry is empty".to_string()));
    }
    let source_box = geometry.bounding_rect();
    let looks_like_degrees = crs.projected
        && source_box.is_some_and(|r| {
            r.min().x >= -180.0 && r.max().x <= 180.0 && r.min().y >= -90.0 && r.max().y <= 90.0
        });
    let mut shifts = 0;
    if let Some(reprojector) = reprojector {
        let projected = crate::error::catch_quietly(|| reprojector.project(&mut geometry))
            .unwrap_or_else(|_| Err("reprojection failed".to_string()));
        shifts = projected.map_err(|e| skip(format!("{e}; {}", range_hint(crs))))?;
    }
    let mut problem = None;
    let mut swapped = false;
    let _ = crs::for_each_coord(&mut geometry, &mut |c| {
        let reason = if !c.x.is_finite() || !c.y.is_finite() {
            "a coordinate is not a finite number".to_string()
        } else if c.y.abs() > 90.0 + 1e-9 {
            swapped = !crs.projected && c.y.abs() <= 180.0 && c.x.abs() <= 90.0;
            format!("latitude {} is out of range", c.y)
        } else if c.x.abs() > MAX_LONGITUDE {
            format!("longitude {} is out of range", c.x)
        } else {
            return Ok(());
        };
        problem = Some(reason);
        Err(String::new())
    });
    if let Some(reason) = problem {
        if swapped {
            return Err(skip(format!(
                "{reason}, but would be valid as a longitude: latitude and longitude seem swapped; put the longitude first (x = longitude, y = latitude)"
            )));
        }
        return Err(skip(format!("{reason}; {}", range_hint(crs))));
    }
    let bbox = geometry
        .bounding_rect()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let outside_area = match (crs.area, bbox) {
        (Some(a), Some(b)) => b[2] < a[0] || b[0] > a[2] || b[3] < a[1] || b[1] > a[3],
        _ => false,
    };
    Ok(Ready {
        number,
        geometry,
        values: feature.values,
        bbox,
        looks_like_degrees,
        outside_area,
        shifts,
        truncated,
    })
}
