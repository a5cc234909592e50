//! The in-memory model shared by readers and the vector database writer.

use crate::schema::FieldKind;

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// Text.
    String(String),
    /// Whole number.
    Integer(i64),
    /// Floating-point number.
    Float(f64),
    /// True or false.
    Boolean(bool),
    /// Date or date-time as ISO 8601 text.
    Date(String),
}

impl Value {
    /// Size in bytes of the value's text, for the attribute size limit.
    pub(crate) fn text_len(&self) -> usize {
        match self {
            Value::String(text) | Value::Date(text) => text.len(),
            _ => 0,
        }
    }
}

/// A field as declared by a source layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceField {
    /// Name in the source.
    pub name: String,
    /// Value type.
    pub kind: FieldKind,
}

/// One feature as read from a source, before reprojection.
#[derive(Debug, Clone)]
pub(crate) struct RawFeature {
    /// 1-based number in the source layer.
    pub number: u64,
    /// Geometry in source coordinates.
    pub geometry: Option<geo_types::Geometry<f64>>,
    /// Values aligned with the layer's fields.
    pub values: Vec<Value>,
}

/// A feature a reader could not decode, with why.
#[derive(Debug, Clone)]
pub(crate) struct Skip {
    /// 1-based number in the source layer.
    pub number: u64,
    /// Reason, with a probable fix.
    pub reason: String,
}

/// What a reader hands out for each feature.
pub(crate) type FeatureResult = std::result::Result<RawFeature, Skip>;
