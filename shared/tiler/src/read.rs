//! Reading a layer's FlatGeobuf straight from its flatbuffers: geometry parts and kept
//! attributes, then projection to Web Mercator and one Douglas-Peucker pass.

use crate::error::{Result, TileError};
use crate::feature::{
    bbox_of, line_length, project_x, project_y, ring_area, Feature, Kind, Ring, Value, Vertex,
};
use crate::filter::AttributeFilter;
use crate::simplify::compute_importance;
use flatgeobuf::{ColumnType, FallibleStreamingIterator, FgbReader, GeometryType};
use geozero::{ColumnValue, FeatureProperties, PropertyProcessor};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A feature as read: lon/lat parts, one per geometry family.
pub(crate) struct RawFeature {
    pub id: u64,
    pub props: Vec<(u16, Value)>,
    pub parts: Parts,
}

/// How to read one layer.
#[derive(Debug, Clone)]
pub(crate) struct LayerReader {
    pub layer: String,
    pub path: PathBuf,
    /// For each FlatGeobuf column, the index of the kept field it feeds.
    pub column_map: Vec<Option<u16>>,
    /// FlatGeobuf column index of the filter's field.
    pub filter_column: Option<usize>,
    pub filter: Option<AttributeFilter>,
}

/// Name and MVT type (`String`, `Number`, `Boolean`) of each FlatGeobuf column.
pub(crate) fn columns(path: &Path, layer: &str) -> Result<Vec<(String, &'static str)>> {
    let file = File::open(path).map_err(|e| layer_err(layer, path, e))?;
    let reader = FgbReader::open(BufReader::new(file)).map_err(|e| layer_err(layer, path, e))?;
    let header = reader.header();
    let mut out = Vec::new();
    if let Some(cols) = header.columns() {
        for c in cols.iter() {
            let ty = match c.type_() {
                ColumnType::Bool => "Boolean",
                ColumnType::Json => "Mixed",
                ColumnType::String | ColumnType::DateTime | ColumnType::Binary => "String",
                _ => "Number",
            };
            out.push((c.name().to_string(), ty));
        }
    }
    Ok(out)
}

pub(crate) fn layer_err(layer: &str, path: &Path, e: impl std::fmt::Display) -> TileError {
    TileError::Layer {
        layer: layer.to_string(),
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

struct Props<'a> {
    map: &'a [Option<u16>],
    filter_column: Option<usize>,
    out: Vec<(u16, Value)>,
    filter_value: Option<Value>,
}

fn to_value(v: &ColumnValue) -> Option<Value> {
    Some(match v {
        ColumnValue::Byte(x) => Value::Int(i64::from(*x)),
        ColumnValue::UByte(x) => Value::Int(i64::from(*x)),
        ColumnValue::Bool(x) => Value::Bool(*x),
        ColumnValue::Short(x) => Value::Int(i64::from(*x)),
        ColumnValue::UShort(x) => Value::Int(i64::from(*x)),
        ColumnValue::Int(x) => Value::Int(i64::from(*x)),
        ColumnValue::UInt(x) => Value::Int(i64::from(*x)),
        ColumnValue::Long(x) => Value::Int(*x),
        ColumnValue::ULong(x) => i64::try_from(*x).map(Value::Int).unwrap_or(Value::UInt(*x)),
        ColumnValue::Float(x) => Value::Float(f64::from(*x)),
        ColumnValue::Double(x) => Value::Float(*x),
        ColumnValue::Json(s) => json_value(s),
        ColumnValue::String(s) | ColumnValue::DateTime(s) => Value::Str((*s).to_string()),
        ColumnValue::Binary(_) => return None,
    })
}

/// A value of a mixed column, stored as its JSON text: numbers, booleans and text keep their
/// own type; arrays and objects stay JSON text, as tippecanoe writes them.
fn json_value(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
        Ok(serde_json::Value::String(s)) => Value::Str(s),
        Ok(serde_json::Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::UInt(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        _ => Value::Str(text.to_string()),
    }
}

impl PropertyProcessor for Props<'_> {
    fn property(&mut self, i: usize, _name: &str, v: &ColumnValue) -> geozero::error::Result<bool> {
        let slot = self.map.get(i).copied().flatten();
        if slot.is_none() && self.filter_column != Some(i) {
            return Ok(false);
        }
        if let Some(value) = to_value(v) {
            if self.filter_column == Some(i) {
                self.filter_value = Some(value.clone());
            }
            if let Some(k) = slot {
                self.out.push((k, value));
            }
        }
        Ok(false)
    }
}

fn coords(g: &flatgeobuf::Geometry, from: usize, to: usize) -> Vec<[f64; 2]> {
    match g.xy() {
        Some(xy) => (from..to.min(xy.len() / 2))
            .map(|i| [xy.get(2 * i), xy.get(2 * i + 1)])
            .collect(),
        None => Vec::new(),
    }
}

fn split_ends(g: &flatgeobuf::Geometry) -> Vec<Vec<[f64; 2]>> {
    let n = g.xy().map_or(0, |xy| xy.len() / 2);
    match g.ends() {
        Some(ends) if ends.len() > 1 => {
            let mut start = 0usize;
            let mut out = Vec::new();
            for e in ends.iter() {
                let e = e as usize;
                out.push(coords(g, start, e));
                start = e;
            }
            out
        }
        _ => vec![coords(g, 0, n)],
    }
}

/// Geometry parts of a feature: per family, rings or lines with an exterior flag.
pub(crate) type Parts = Vec<(Kind, Vec<(bool, Vec<[f64; 2]>)>)>;

fn geometry_parts(g: &flatgeobuf::Geometry, ty: GeometryType, out: &mut Parts) {
    let ty = if ty == GeometryType::Unknown {
        g.type_()
    } else {
        ty
    };
    // A geometry collection is written with its parts only, each of its own type, and may be
    // labelled with the type of its last part: read it part by part.
    if ty != GeometryType::MultiPolygon && g.xy().is_none() {
        if let Some(parts) = g.parts().filter(|p| !p.is_empty()) {
            for p in parts.iter() {
                geometry_parts(&p, GeometryType::Unknown, out);
            }
            return;
        }
    }
    let mut push = |kind: Kind, rings: Vec<(bool, Vec<[f64; 2]>)>| {
        if let Some(last) = out.last_mut().filter(|(k, _)| *k == kind) {
            last.1.extend(rings);
        } else {
            out.push((kind, rings));
        }
    };
    match ty {
        GeometryType::Point | GeometryType::MultiPoint => {
            let n = g.xy().map_or(0, |xy| xy.len() / 2);
            push(Kind::Point, vec![(false, coords(g, 0, n))]);
        }
        GeometryType::LineString | GeometryType::MultiLineString => {
            push(
                Kind::Line,
                split_ends(g).into_iter().map(|r| (false, r)).collect(),
            );
        }
        GeometryType::Polygon => {
            let rings = split_ends(g)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i == 0, r))
                .collect();
            push(Kind::Polygon, rings);
        }
        GeometryType::MultiPolygon | GeometryType::GeometryCollection => {
            let inner = if ty == GeometryType::MultiPolygon {
                GeometryType::Polygon
            } else {
                GeometryType::Unknown
            };
            if let Some(parts) = g.parts() {
                for p in parts.iter() {
                    geometry_parts(&p, inner, out);
                }
            }
        }
        _ => {}
    }
}

/// Reads every feature of a layer (or those whose box meets `bbox`, lon/lat), in file order,
/// until `each` returns `false`.
pub(crate) fn read_layer(
    reader: &LayerReader,
    bbox: Option<[f64; 4]>,
    cancel: &AtomicBool,
    mut each: impl FnMut(RawFeature) -> Result<bool>,
) -> Result<()> {
    let path = &reader.path;
    let err = |e: flatgeobuf::Error| layer_err(&reader.layer, path, e);
    let file = File::open(path).map_err(|e| layer_err(&reader.layer, path, e))?;
    let fgb = FgbReader::open(BufReader::with_capacity(1 << 20, file)).map_err(err)?;
    let ty = fgb.header().geometry_type();
    let mut iter = match bbox {
        Some(b) => fgb.select_bbox(b[0], b[1], b[2], b[3]).map_err(err)?,
        None => fgb.select_all().map_err(err)?,
    };
    let mut id = 0u64;
    while let Some(f) = iter.next().map_err(err)? {
        if id.is_multiple_of(1024) && cancel.load(Ordering::Relaxed) {
            return Err(TileError::Cancelled);
        }
        id += 1;
        let mut props = Props {
            map: &reader.column_map,
            filter_column: reader.filter_column,
            out: Vec::new(),
            filter_value: None,
        };
        f.process_properties(&mut props)
            .map_err(|e| layer_err(&reader.layer, path, e))?;
        if let Some(filter) = &reader.filter {
            if !filter.matches(props.filter_value.as_ref()) {
                continue;
            }
        }
        let mut parts = Vec::new();
        if let Some(g) = f.geometry() {
            geometry_parts(&g, ty, &mut parts);
        }
        let more = each(RawFeature {
            id: id - 1,
            props: props.out,
            parts,
        })?;
        if !more {
            break;
        }
    }
    Ok(())
}

/// Projects a raw feature and computes vertex importance; one feature per geometry family.
pub(crate) fn convert(raw: RawFeature, layer: u16, sq_tolerance: f64) -> Vec<Feature> {
    let props = Arc::new(raw.props);
    let mut out = Vec::new();
    for (kind, parts) in raw.parts {
        let mut rings = Vec::new();
        for (outer, pts) in parts {
            let mut points: Vec<Vertex> = pts
                .iter()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .map(|p| Vertex {
                    x: project_x(p[0]),
                    y: project_y(p[1]),
                    importance: 0.0,
                })
                .collect();
            let size = match kind {
                Kind::Point => {
                    if points.is_empty() {
                        continue;
                    }
                    0.0
                }
                Kind::Line => {
                    if points.len() < 2 {
                        continue;
                    }
                    compute_importance(&mut points, sq_tolerance);
                    line_length(&points)
                }
                Kind::Polygon => {
                    if points.len() < 3 {
                        continue;
                    }
                    if let (Some(f), Some(l)) = (points.first(), points.last()) {
                        if f.x != l.x || f.y != l.y {
                            let f = *f;
                            points.push(f);
                        }
                    }
                    compute_importance(&mut points, sq_tolerance);
                    ring_area(&points).abs()
                }
            };
            rings.push(Ring {
                points,
                outer,
                size,
            });
        }
        if rings.is_empty() {
            continue;
        }
        let weight = rings
            .iter()
            .map(|r| {
                if r.outer || kind == Kind::Line {
                    r.size
                } else {
                    0.0
                }
            })
            .sum();
        let bbox = bbox_of(&rings);
        out.push(Feature {
            layer,
            id: raw.id,
            kind,
            rings,
            props: Arc::clone(&props),
            weight,
            bbox,
        });
    }
    out
}
