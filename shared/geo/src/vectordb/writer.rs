//! Writes one layer of the vector database: a spatially indexed FlatGeobuf in WGS84.

use crate::feature::Value;
use crate::schema::{FieldKind, FieldSchema};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::ColumnValue;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Error of the layer writer, as text for [`crate::IngestError::Output`].
pub(crate) type WriteResult<T> = std::result::Result<T, String>;

/// Streams features into a FlatGeobuf file with a spatial index.
pub(crate) struct LayerWriter {
    fgb: FgbWriter<'static>,
    fields: Vec<(String, FieldKind)>,
}

fn column_type(kind: FieldKind) -> ColumnType {
    match kind {
        FieldKind::String => ColumnType::String,
        FieldKind::Integer => ColumnType::Long,
        FieldKind::Float => ColumnType::Double,
        FieldKind::Boolean => ColumnType::Bool,
        FieldKind::Date => ColumnType::DateTime,
        FieldKind::Mixed => ColumnType::Json,
    }
}

/// Converts a value to the column's type; `None` when it has no sensible conversion.
fn convert(kind: FieldKind, value: &Value) -> Option<Value> {
    use Value as V;
    match (kind, value) {
        (_, V::Null) => None,
        (FieldKind::Mixed, V::String(_)) => Some(value.clone()),
        (FieldKind::Mixed, V::Integer(i)) => Some(V::String(i.to_string())),
        (FieldKind::Mixed, V::Float(f)) => Some(V::String(
            serde_json::Number::from_f64(*f).map_or_else(|| "null".into(), |n| n.to_string()),
        )),
        (FieldKind::Mixed, V::Boolean(b)) => Some(V::String(b.to_string())),
        (FieldKind::String, V::String(_))
        | (FieldKind::Integer, V::Integer(_))
        | (FieldKind::Float, V::Float(_))
        | (FieldKind::Boolean, V::Boolean(_)) => Some(value.clone()),
        (FieldKind::String, V::Integer(i)) => Some(V::String(i.to_string())),
        (FieldKind::String, V::Float(f)) => Some(V::String(f.to_string())),
        (FieldKind::String, V::Boolean(b)) => Some(V::String(b.to_string())),
        (FieldKind::String | FieldKind::Date, V::Date(d)) => Some(V::String(d.clone())),
        (FieldKind::Date, V::String(s)) => Some(V::String(s.clone())),
        (FieldKind::Integer, V::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Some(V::Integer(*f as i64))
        }
        (FieldKind::Integer, V::Boolean(b)) => Some(V::Integer(i64::from(*b))),
        (FieldKind::Integer, V::String(s)) => s.trim().parse().ok().map(V::Integer),
        (FieldKind::Float, V::Integer(i)) => Some(V::Float(*i as f64)),
        (FieldKind::Float, V::String(s)) => s.trim().parse().ok().map(V::Float),
        (FieldKind::Boolean, V::Integer(i)) => Some(V::Boolean(*i != 0)),
        (FieldKind::Boolean, V::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" => Some(V::Boolean(true)),
            "false" | "f" | "no" | "n" | "0" => Some(V::Boolean(false)),
            _ => None,
        },
        _ => None,
    }
}

impl LayerWriter {
    /// Starts a layer with its fields.
    pub fn new(name: &str, fields: &[FieldSchema]) -> WriteResult<Self> {
        let options = FgbWriterOptions {
            write_index: true,
            detect_type: false,
            promote_to_multi: false,
            crs: FgbCrs {
                code: 4326,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut fgb = FgbWriter::create_with_options(name, GeometryType::Unknown, options)
            .map_err(|e| e.to_string())?;
        for field in fields {
            fgb.add_column(&field.name, column_type(field.kind), |_, _| {});
        }
        Ok(LayerWriter {
            fgb,
            fields: fields.iter().map(|f| (f.name.clone(), f.kind)).collect(),
        })
    }

    /// Adds one feature in WGS84 with values aligned with the fields.
    pub fn add(&mut self, geometry: geo_types::Geometry<f64>, values: &[Value]) -> WriteResult<()> {
        let fields = &self.fields;
        self.fgb
            .add_feature_geom(geometry, |feature| {
                for (i, ((name, kind), value)) in fields.iter().zip(values).enumerate() {
                    let Some(value) = convert(*kind, value) else {
                        continue;
                    };
                    let column = match &value {
                        Value::String(s) if *kind == FieldKind::Date => ColumnValue::DateTime(s),
                        Value::String(s) if *kind == FieldKind::Mixed => ColumnValue::Json(s),
                        Value::String(s) | Value::Date(s) => ColumnValue::String(s),
                        Value::Integer(v) => ColumnValue::Long(*v),
                        Value::Float(v) => ColumnValue::Double(*v),
                        Value::Boolean(v) => ColumnValue::Bool(*v),
                        Value::Null => continue,
                    };
                    let _ = geozero::PropertyProcessor::property(feature, i, name, &column);
                }
            })
            .map_err(|e| e.to_string())
    }

    /// Sorts the features along a Hilbert curve, writes the index and the file.
    pub fn finish(self, path: &Path) -> WriteResult<()> {
        let file = File::create(path).map_err(|e| e.to_string())?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        self.fgb.write(&mut out).map_err(|e| e.to_string())?;
        std::io::Write::flush(&mut out).map_err(|e| e.to_string())
    }
}
