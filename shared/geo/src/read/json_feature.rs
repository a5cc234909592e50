//! Conversion of GeoJSON features held as `serde_json::Value` into raw features, and discovery
//! of their attribute fields.

use crate::feature::{FeatureResult, RawFeature, Skip, SourceField, Value};
use crate::schema::FieldKind;
use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::fmt;

/// A GeoJSON feature (or bare geometry) with its properties in document order.
#[derive(Debug, Default)]
pub(crate) struct JsonFeature {
    /// `type` member.
    pub kind: Option<String>,
    /// `geometry` member of a feature.
    pub geometry: Option<Json>,
    /// Properties in document order.
    pub properties: Vec<(String, Json)>,
    /// `coordinates` / `geometries` of a bare geometry.
    pub bare: Map<String, Json>,
}

struct Properties;

impl<'de> Visitor<'de> for Properties {
    type Value = Vec<(String, Json)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            out.push(entry);
        }
        Ok(out)
    }
}

struct OrderedProperties(Vec<(String, Json)>);

impl<'de> serde::Deserialize<'de> for OrderedProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(Properties)
            .map(OrderedProperties)
    }
}

impl<'de> serde::Deserialize<'de> for JsonFeature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FeatureVisitor;
        impl<'de> Visitor<'de> for FeatureVisitor {
            type Value = JsonFeature;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON feature")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonFeature, A::Error> {
                let mut feature = JsonFeature::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "type" => {
                            feature.kind = map.next_value::<Json>()?.as_str().map(str::to_string)
                        }
                        "geometry" => feature.geometry = Some(map.next_value()?),
                        "properties" => {
                            feature.properties = map.next_value::<OrderedProperties>()?.0
                        }
                        "coordinates" | "geometries" => {
                            let value = map.next_value()?;
                            feature.bare.insert(key, value);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(feature)
            }
        }
        deserializer.deserialize_map(FeatureVisitor)
    }
}

/// The properties of a GeoJSON feature (or bare geometry), everything else skipped: what field
/// discovery needs, without building geometries.
#[derive(Debug, Default)]
pub(crate) struct ScanFeature {
    /// Properties in document order.
    pub properties: Vec<(String, Json)>,
}

impl<'de> serde::Deserialize<'de> for ScanFeature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScanVisitor;
        impl<'de> Visitor<'de> for ScanVisitor {
            type Value = ScanFeature;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON feature")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ScanFeature, A::Error> {
                let mut feature = ScanFeature::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Properties => {
                            feature.properties = map.next_value::<OrderedProperties>()?.0
                        }
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(feature)
            }
        }
        deserializer.deserialize_map(ScanVisitor)
    }
}

/// A member name of a feature as field discovery sees it, read without allocating.
enum Key {
    Properties,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(if v == "properties" {
                    Key::Properties
                } else {
                    Key::Other
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Collects the fields of features and their types across a whole layer.
#[derive(Debug, Default)]
pub(crate) struct FieldCollector {
    fields: Vec<SourceField>,
    seen: Vec<bool>,
    index: HashMap<String, usize>,
}

fn kind_of(value: &Json) -> Option<FieldKind> {
    match value {
        Json::Null => None,
        Json::Bool(_) => Some(FieldKind::Boolean),
        Json::Number(n) if n.is_i64() => Some(FieldKind::Integer),
        Json::Number(n) if n.is_u64() => Some(FieldKind::Mixed),
        Json::Number(_) => Some(FieldKind::Float),
        _ => Some(FieldKind::String),
    }
}

fn merge(a: FieldKind, b: FieldKind) -> FieldKind {
    match (a, b) {
        (a, b) if a == b => a,
        // Each value keeps its own type: `27` beside `"27"`, `1` beside `1.5`, `true` beside
        // text.
        _ => FieldKind::Mixed,
    }
}

impl FieldCollector {
    /// Records the properties of one feature.
    pub fn observe(&mut self, properties: &[(String, Json)]) {
        for (name, value) in properties {
            let i = match self.index.get(name) {
                Some(i) => *i,
                None => {
                    self.index.insert(name.clone(), self.fields.len());
                    self.fields.push(SourceField {
                        name: name.clone(),
                        kind: FieldKind::String,
                    });
                    self.seen.push(false);
                    self.fields.len() - 1
                }
            };
            if let Some(kind) = kind_of(value) {
                self.fields[i].kind = if self.seen[i] {
                    merge(self.fields[i].kind, kind)
                } else {
                    kind
                };
                self.seen[i] = true;
            }
        }
    }

    /// The fields found, in order of first appearance.
    pub fn finish(self) -> (Vec<SourceField>, HashMap<String, usize>) {
        (self.fields, self.index)
    }
}

fn coord(value: &Json) -> Result<Coord<f64>, String> {
    let array = value
        .as_array()
        .ok_or("a position is not an array of numbers")?;
    let number = |i: usize| {
        array
            .get(i)
            .and_then(Json::as_f64)
            .ok_or("a position needs at least two numbers")
    };
    Ok(Coord {
        x: number(0)?,
        y: number(1)?,
    })
}

fn array(value: &Json) -> Result<&Vec<Json>, String> {
    value.as_array().ok_or_else(|| {
        "coordinates are not nested arrays as the geometry type requires".to_string()
    })
}

fn line(value: &Json) -> Result<LineString<f64>, String> {
    Ok(LineString(
        array(value)?.iter().map(coord).collect::<Result<_, _>>()?,
    ))
}

fn polygon(value: &Json) -> Result<Polygon<f64>, String> {
    let mut rings = array(value)?
        .iter()
        .map(line)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
    Ok(Polygon::new(exterior, rings.collect()))
}

/// Converts a GeoJSON geometry object; `Ok(None)` for `null`.
pub(crate) fn geometry(value: &Json, depth: usize) -> Result<Option<Geometry<f64>>, String> {
    if value.is_null() {
        return Ok(None);
    }
    if depth > 16 {
        return Err("geometry collections are nested too deeply".to_string());
    }
    let object = value.as_object().ok_or("the geometry is not an object")?;
    let kind = object
        .get("type")
        .and_then(Json::as_str)
        .ok_or("the geometry has no type")?;
    if kind == "GeometryCollection" {
        let members = object
            .get("geometries")
            .and_then(Json::as_array)
            .ok_or("a GeometryCollection has no geometries array")?;
        let mut parts = Vec::with_capacity(members.len());
        for member in members {
            if let Some(g) = geometry(member, depth + 1)? {
                parts.push(g);
            }
        }
        return Ok(Some(Geometry::GeometryCollection(
            geo_types::GeometryCollection(parts),
        )));
    }
    let coords = object
        .get("coordinates")
        .ok_or("the geometry has no coordinates")?;
    Ok(Some(match kind {
        "Point" => Geometry::Point(Point(coord(coords)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            array(coords)?
                .iter()
                .map(|c| coord(c).map(Point))
                .collect::<Result<_, _>>()?,
        )),
        "LineString" => Geometry::LineString(line(coords)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            array(coords)?.iter().map(line).collect::<Result<_, _>>()?,
        )),
        "Polygon" => Geometry::Polygon(polygon(coords)?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(
            array(coords)?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
        )),
        other => return Err(format!("unknown geometry type `{other}`")),
    }))
}

fn value(json: &Json, kind: FieldKind) -> Value {
    match (json, kind) {
        (Json::Null, _) => Value::Null,
        (other, FieldKind::Mixed) => Value::String(other.to_string()),
        (Json::Bool(b), FieldKind::Boolean) => Value::Boolean(*b),
        (Json::Number(n), FieldKind::Integer) => {
            n.as_i64().map(Value::Integer).unwrap_or(Value::Null)
        }
        (Json::Number(n), FieldKind::Float) => n.as_f64().map(Value::Float).unwrap_or(Value::Null),
        (Json::String(s), _) => Value::String(s.clone()),
        (other, _) => Value::String(other.to_string()),
    }
}

/// Converts one GeoJSON feature (or bare geometry) into a raw feature.
pub(crate) fn convert(
    number: u64,
    feature: JsonFeature,
    fields: &[SourceField],
    index: &HashMap<String, usize>,
) -> FeatureResult {
    let skip = |reason: String| Skip { number, reason };
    let is_feature = feature.kind.as_deref() == Some("Feature");
    let geometry = if is_feature {
        geometry(feature.geometry.as_ref().unwrap_or(&Json::Null), 0)
    } else {
        let mut bare = feature.bare;
        match feature.kind {
            Some(kind) => {
                bare.insert("type".to_string(), Json::String(kind));
                geometry(&Json::Object(bare), 0)
            }
            None => Err("the feature has no type".to_string()),
        }
    }
    .map_err(|reason| skip(format!("invalid geometry: {reason}")))?;
    let mut values = vec![Value::Null; fields.len()];
    for (name, json) in &feature.properties {
        if let Some(i) = index.get(name) {
            values[*i] = value(json, fields[*i].kind);
        }
    }
    Ok(RawFeature {
        number,
        geometry,
        values,
    })
}
