//! FlatGeobuf: header columns and CRS, features streamed in file order.

use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{guard, IngestError, Result};
use crate::feature::{RawFeature, Skip, SourceField, Value};
use crate::ingest::Limits;
use crate::schema::FieldKind;
use crate::vectordb::Collect;
use flatgeobuf::{ColumnType, FallibleStreamingIterator, FgbReader};
use geozero::ToGeo;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

fn kind(column: ColumnType) -> FieldKind {
    match column {
        ColumnType::Byte
        | ColumnType::UByte
        | ColumnType::Short
        | ColumnType::UShort
        | ColumnType::Int
        | ColumnType::UInt
        | ColumnType::Long
        | ColumnType::ULong => FieldKind::Integer,
        ColumnType::Float | ColumnType::Double => FieldKind::Float,
        ColumnType::Bool => FieldKind::Boolean,
        ColumnType::DateTime => FieldKind::Date,
        _ => FieldKind::String,
    }
}

fn open_reader(path: &Path, display: &str) -> Result<FgbReader<BufReader<File>>> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    FgbReader::open(BufReader::with_capacity(1 << 16, file)).map_err(|e| {
        IngestError::malformed(display, None, format!("not a valid FlatGeobuf file ({e})"))
    })
}

/// Checks that every feature's size prefix fits in the file, so a damaged size never makes
/// the decoder allocate gigabytes.
fn check_feature_sizes(path: &Path, display: &str, index_size: u64) -> Result<()> {
    let malformed = |detail: String| IngestError::malformed(display, None, detail);
    let mut file = BufReader::new(File::open(path).map_err(|e| IngestError::io(path, e))?);
    let len = file
        .get_ref()
        .metadata()
        .map_err(|e| IngestError::io(path, e))?
        .len();
    let mut prefix = [0u8; 12];
    file.read_exact(&mut prefix)
        .map_err(|_| malformed("the FlatGeobuf header is truncated".to_string()))?;
    let header_size = u64::from(u32::from_le_bytes([
        prefix[8], prefix[9], prefix[10], prefix[11],
    ]));
    let mut offset = 12u64.saturating_add(header_size).saturating_add(index_size);
    let mut number = 0u64;
    while offset < len {
        number += 1;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| IngestError::io(path, e))?;
        let mut size = [0u8; 4];
        file.read_exact(&mut size).map_err(|_| {
            malformed(format!(
                "the FlatGeobuf file is truncated at feature {number}"
            ))
        })?;
        let size = u64::from(u32::from_le_bytes(size));
        offset = offset.saturating_add(4).saturating_add(size);
        if offset > len {
            return Err(malformed(format!(
                "the FlatGeobuf file is truncated in feature {number}"
            )));
        }
    }
    Ok(())
}

/// Whether a geometry's offsets are consistent with its coordinates; the decoder trusts them
/// to size its buffers.
fn plausible(geometry: &flatgeobuf::Geometry<'_>, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let n = geometry.xy().map_or(0, |xy| xy.len() / 2);
    if let Some(ends) = geometry.ends() {
        let mut previous = 0u32;
        for end in ends.iter() {
            if end < previous || end as usize > n {
                return false;
            }
            previous = end;
        }
    }
    if geometry.z().is_some_and(|z| z.len() < n) || geometry.m().is_some_and(|m| m.len() < n) {
        return false;
    }
    geometry
        .parts()
        .is_none_or(|parts| parts.iter().all(|part| plausible(&part, depth + 1)))
}

/// Opens a FlatGeobuf file: one layer.
pub(crate) fn open(
    path: &Path,
    display: &str,
    _limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    guard(display, None, || {
        let reader = open_reader(path, display)?;
        let header = reader.header();
        let count = header.features_count() as usize;
        let index_size = if header.index_node_size() > 0 && count > 0 {
            flatgeobuf::packed_r_tree::PackedRTree::index_size(count, header.index_node_size())
                as u64
        } else {
            0
        };
        check_feature_sizes(path, display, index_size)?;
        let name = header
            .name()
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| super::stem(path));
        let crs = match header.crs() {
            Some(crs)
                if crs.code() > 0 && crs.org().is_none_or(|o| o.eq_ignore_ascii_case("EPSG")) =>
            {
                CrsHint::Epsg(crs.code() as u32)
            }
            Some(crs) => match crs.wkt() {
                Some(wkt) if !wkt.trim().is_empty() => CrsHint::Text(wkt.to_string()),
                _ => match (crs.org(), crs.code_string()) {
                    (Some(org), Some(code)) => CrsHint::Text(format!("{org}:{code}")),
                    _ => CrsHint::Wgs84,
                },
            },
            None => CrsHint::Wgs84,
        };
        let fields = header
            .columns()
            .map(|columns| {
                columns
                    .iter()
                    .map(|c| SourceField {
                        name: c.name().to_string(),
                        kind: kind(c.type_()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let info = LayerInfo {
            name,
            source: display.to_string(),
            crs,
            fields,
            warnings: Vec::new(),
        };
        Ok(vec![Box::new(FgbLayer {
            path: path.to_path_buf(),
            info,
        }) as Box<dyn LayerReader>])
    })
}

struct FgbLayer {
    path: PathBuf,
    info: LayerInfo,
}

impl LayerReader for FgbLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        let display = self.info.source.clone();
        let layer = self.info.name.clone();
        guard(&display, Some(&layer), || {
            let malformed = |e: flatgeobuf::Error| {
                IngestError::malformed(
                    &display,
                    Some(&layer),
                    format!("the FlatGeobuf content is damaged ({e})"),
                )
            };
            let mut features = open_reader(&self.path, &display)?
                .select_all_seq()
                .map_err(malformed)?;
            let mut number = 0u64;
            while let Some(feature) = features.next().map_err(malformed)? {
                number += 1;
                let geometry = match feature.geometry() {
                    None => Ok(None),
                    Some(g) if !plausible(&g, 0) => Err(Skip {
                        number,
                        reason: "invalid geometry: its ring or part offsets do not match its coordinates".to_string(),
                    }),
                    Some(_) => feature.to_geo().map(Some).map_err(|e| Skip {
                        number,
                        reason: format!("invalid geometry ({e})"),
                    }),
                };
                let result = geometry.and_then(|geometry| {
                    let mut values = vec![Value::Null; self.info.fields.len()];
                    geozero::FeatureProperties::process_properties(
                        feature,
                        &mut Collect {
                            values: &mut values,
                        },
                    )
                    .map_err(|e| Skip {
                        number,
                        reason: format!("invalid attributes ({e})"),
                    })?;
                    Ok(RawFeature {
                        number,
                        geometry,
                        values,
                    })
                });
                sink(result)?;
            }
            Ok(())
        })
    }
}
