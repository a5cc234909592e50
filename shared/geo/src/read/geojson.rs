//! GeoJSON FeatureCollection (or single Feature / geometry), streamed feature by feature: the
//! document is never held in memory, only one feature at a time.

use super::json_feature::{self, FieldCollector, JsonFeature, ScanFeature};
use super::limited::Limited;
use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::SourceField;
use crate::ingest::Limits;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde::Deserialize;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

type Callback<'a, T> = dyn FnMut(T) -> Result<()> + 'a;

struct Document<'a, 'b, T> {
    on_feature: &'a mut Callback<'b, T>,
    failure: &'a mut Option<IngestError>,
    crs: Option<String>,
}

struct Features<'a, 'b, T> {
    on_feature: &'a mut Callback<'b, T>,
    failure: &'a mut Option<IngestError>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Features<'_, '_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Features<'_, '_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<T>()? {
            if let Err(error) = (self.on_feature)(feature) {
                *self.failure = Some(error);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for &mut Document<'_, '_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut rest = Map::new();
        let mut had_features = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => {
                    had_features = true;
                    map.next_value_seed(Features {
                        on_feature: self.on_feature,
                        failure: self.failure,
                    })?;
                }
                "crs" => {
                    let crs: Json = map.next_value()?;
                    self.crs = crs
                        .pointer("/properties/name")
                        .or_else(|| crs.pointer("/properties/code"))
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        });
                }
                "type" | "geometry" | "properties" | "coordinates" | "geometries" => {
                    rest.insert(key, map.next_value()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = rest
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        if kind == "FeatureCollection" || had_features {
            return Ok(());
        }
        if kind.is_empty() {
            return Err(de::Error::custom(
                "the document has no `type` member; a GeoJSON FeatureCollection is expected",
            ));
        }
        let single: T = serde_json::from_value(Json::Object(rest)).map_err(de::Error::custom)?;
        if let Err(error) = (self.on_feature)(single) {
            *self.failure = Some(error);
            return Err(de::Error::custom("stopped"));
        }
        Ok(())
    }
}

/// Streams every feature of a GeoJSON file into `on_feature`; returns the legacy `crs` name.
fn stream<T: DeserializeOwned>(
    path: &Path,
    display: &str,
    max_record: usize,
    on_feature: &mut Callback<'_, T>,
) -> Result<Option<String>> {
    let file = super::skip_bom(path)?;
    let (limited, meter) = Limited::new(file, max_record);
    let mut deserializer = serde_json::Deserializer::from_reader(limited);
    let mut failure = None;
    let mut number = 0u64;
    let mut counted = |feature: T| {
        meter.reset();
        number += 1;
        on_feature(feature)
    };
    let mut document = Document {
        on_feature: &mut counted,
        failure: &mut failure,
        crs: None,
    };
    let outcome = deserializer
        .deserialize_map(&mut document)
        .and_then(|()| deserializer.end());
    let crs = document.crs.take();
    if let Some(error) = failure {
        return Err(error);
    }
    if meter.exceeded() {
        return Err(IngestError::TooLarge {
            file: display.to_string(),
            detail: format!(
                "feature {} is larger than the {} bytes allowed for one feature",
                number + 1,
                max_record
            ),
        });
    }
    outcome.map_err(|error| {
        IngestError::malformed(
            display,
            None,
            format!(
                "invalid GeoJSON at line {}, column {}: {}",
                error.line(),
                error.column(),
                strip_position(&error.to_string())
            ),
        )
    })?;
    Ok(crs)
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// Opens a GeoJSON file: one pass to discover fields and the CRS.
pub(crate) fn open(
    path: &Path,
    display: &str,
    limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    let mut collector = FieldCollector::default();
    let crs = stream(
        path,
        display,
        limits.max_record_bytes,
        &mut |feature: ScanFeature| {
            collector.observe(&feature.properties);
            Ok(())
        },
    )?;
    let (fields, index) = collector.finish();
    let info = LayerInfo {
        name: super::stem(path),
        source: display.to_string(),
        crs: crs.map(CrsHint::Text).unwrap_or(CrsHint::Wgs84),
        fields,
        warnings: Vec::new(),
    };
    Ok(vec![Box::new(GeoJsonLayer {
        path: path.to_path_buf(),
        info,
        index,
        max_record: limits.max_record_bytes,
    })])
}

struct GeoJsonLayer {
    path: PathBuf,
    info: LayerInfo,
    index: HashMap<String, usize>,
    max_record: usize,
}

impl LayerReader for GeoJsonLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        let fields: &[SourceField] = &self.info.fields;
        let mut number = 0u64;
        stream(
            &self.path,
            &self.info.source,
            self.max_record,
            &mut |feature: JsonFeature| {
                number += 1;
                sink(json_feature::convert(number, feature, fields, &self.index))
            },
        )?;
        Ok(())
    }
}
