//! The vector database: `schema.json` and one FlatGeobuf per layer in WGS84.
//!
//! [`VectorDb::open`] reads the schema; [`VectorDb::features`] streams a layer's features.

pub(crate) mod writer;

use crate::feature::Value;
use crate::schema::{FieldKind, LayerSchema, Schema, SCHEMA_FILE};
use flatgeobuf::FallibleStreamingIterator;
use flatgeobuf::{FeatureIter, FgbReader};
use geozero::{ColumnValue, PropertyProcessor, ToGeo};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Result of vector database operations.
pub type Result<T> = std::result::Result<T, VectorDbError>;

/// Why a vector database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum VectorDbError {
    /// A file of the database could not be read.
    #[error("cannot read `{}`: {source}", .path.display())]
    Io {
        /// Path of the file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// `schema.json` is not a valid schema document.
    #[error("invalid schema document `{}`: {detail}", .path.display())]
    Schema {
        /// Path of the schema.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The database has no layer of that name.
    #[error("no layer named `{0}` in the vector database")]
    UnknownLayer(String),
    /// A layer file is damaged.
    #[error("layer file `{}` is damaged: {detail}", .path.display())]
    Layer {
        /// Path of the layer file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// An opened vector database.
#[derive(Debug, Clone)]
pub struct VectorDb {
    dir: PathBuf,
    schema: Schema,
}

/// A feature read back from the database: WGS84 geometry and named values.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Geometry in WGS84 lon/lat.
    pub geometry: geo_types::Geometry<f64>,
    /// Values by normalised field name, in field order; absent values are [`Value::Null`].
    pub properties: Vec<(String, Value)>,
}

impl VectorDb {
    /// Opens a database directory and reads its schema.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(SCHEMA_FILE);
        let text = std::fs::read(&path).map_err(|source| VectorDbError::Io {
            path: path.clone(),
            source,
        })?;
        let schema = serde_json::from_slice(&text).map_err(|e| VectorDbError::Schema {
            path,
            detail: e.to_string(),
        })?;
        Ok(VectorDb {
            dir: dir.to_path_buf(),
            schema,
        })
    }

    /// The schema document.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A layer's schema by normalised name.
    pub fn layer(&self, name: &str) -> Option<&LayerSchema> {
        self.schema.layers.iter().find(|l| l.name == name)
    }

    /// Path of a layer's FlatGeobuf file.
    pub fn layer_path(&self, name: &str) -> Result<PathBuf> {
        let layer = self
            .layer(name)
            .ok_or_else(|| VectorDbError::UnknownLayer(name.to_string()))?;
        Ok(self.dir.join(&layer.file))
    }

    /// Streams the features of a layer.
    pub fn features(&self, name: &str) -> Result<Features> {
        let layer = self
            .layer(name)
            .ok_or_else(|| VectorDbError::UnknownLayer(name.to_string()))?;
        let path = self.dir.join(&layer.file);
        let file = File::open(&path).map_err(|source| VectorDbError::Io {
            path: path.clone(),
            source,
        })?;
        let damaged = |e: flatgeobuf::Error| VectorDbError::Layer {
            path: path.clone(),
            detail: e.to_string(),
        };
        let iter = FgbReader::open(BufReader::new(file))
            .map_err(damaged)?
            .select_all_seq()
            .map_err(damaged)?;
        Ok(Features {
            iter,
            path,
            fields: layer
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.kind))
                .collect(),
        })
    }
}

/// Iterator over the features of one layer.
pub struct Features {
    iter: FeatureIter<BufReader<File>, flatgeobuf::reader_trait::NotSeekable>,
    path: PathBuf,
    fields: Vec<(String, FieldKind)>,
}

/// Collects a FlatGeobuf feature's properties into one slot per column.
pub(crate) struct Collect<'a> {
    /// One slot per column, filled in column order.
    pub(crate) values: &'a mut [Value],
}

impl PropertyProcessor for Collect<'_> {
    fn property(
        &mut self,
        i: usize,
        _name: &str,
        value: &ColumnValue,
    ) -> geozero::error::Result<bool> {
        if let Some(slot) = self.values.get_mut(i) {
            *slot = column_value(value);
        }
        Ok(false)
    }
}

/// Converts a FlatGeobuf column value into a [`Value`].
pub(crate) fn column_value(value: &ColumnValue) -> Value {
    match value {
        ColumnValue::Byte(v) => Value::Integer(i64::from(*v)),
        ColumnValue::UByte(v) => Value::Integer(i64::from(*v)),
        ColumnValue::Bool(v) => Value::Boolean(*v),
        ColumnValue::Short(v) => Value::Integer(i64::from(*v)),
        ColumnValue::UShort(v) => Value::Integer(i64::from(*v)),
        ColumnValue::Int(v) => Value::Integer(i64::from(*v)),
        ColumnValue::UInt(v) => Value::Integer(i64::from(*v)),
        ColumnValue::Long(v) => Value::Integer(*v),
        ColumnValue::ULong(v) => i64::try_from(*v)
            .map(Value::Integer)
            .unwrap_or(Value::Float(*v as f64)),
        ColumnValue::Float(v) => Value::Float(f64::from(*v)),
        ColumnValue::Double(v) => Value::Float(*v),
        ColumnValue::String(v) | ColumnValue::Json(v) => Value::String(v.to_string()),
        ColumnValue::DateTime(v) => Value::Date(v.to_string()),
        ColumnValue::Binary(_) => Value::Null,
    }
}

impl Iterator for Features {
    type Item = Result<Feature>;

    fn next(&mut self) -> Option<Self::Item> {
        let damaged = |detail: String| VectorDbError::Layer {
            path: self.path.clone(),
            detail,
        };
        let feature = match self.iter.next() {
            Ok(Some(feature)) => feature,
            Ok(None) => return None,
            Err(e) => return Some(Err(damaged(e.to_string()))),
        };
        let geometry = match feature.to_geo() {
            Ok(g) => g,
            Err(e) => return Some(Err(damaged(e.to_string()))),
        };
        let mut values = vec![Value::Null; self.fields.len()];
        if let Err(e) = geozero::FeatureProperties::process_properties(
            feature,
            &mut Collect {
                values: &mut values,
            },
        ) {
            return Some(Err(damaged(e.to_string())));
        }
        let properties = self
            .fields
            .iter()
            .map(|(n, _)| n.clone())
            .zip(values)
            .collect();
        Some(Ok(Feature {
            geometry,
            properties,
        }))
    }
}
