//! CSV with a WKT column (wkt, geom, the_geom, geometry) or coordinate columns (lon/lat,
//! lng/lat, longitude/latitude, x/y); comma, semicolon or tab separated; field types inferred.

use super::limited::{Limited, Meter};
use super::{wkt_geometry, LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::{RawFeature, Skip, SourceField, Value};
use crate::ingest::Limits;
use crate::schema::FieldKind;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const WKT_NAMES: &[&str] = &[
    "wkt",
    "geom",
    "the_geom",
    "geometry",
    "geometrie",
    "wkt_geom",
    "geojson_geom",
];
const XY_NAMES: &[(&str, &str)] = &[
    ("lon", "lat"),
    ("lng", "lat"),
    ("long", "lat"),
    ("longitude", "latitude"),
    ("x", "y"),
];

#[derive(Debug, Clone, Copy)]
enum GeometryColumns {
    Wkt(usize),
    Xy(usize, usize),
}

fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

fn sniff_delimiter(path: &Path) -> Result<u8> {
    let mut head = Vec::new();
    File::open(path)
        .map_err(|e| IngestError::io(path, e))?
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| IngestError::io(path, e))?;
    let first = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    Ok([b',', b';', b'\t'][best])
}

type CsvReader = csv::Reader<Limited<std::io::BufReader<File>>>;

fn reader(path: &Path, delimiter: u8, max_record: usize) -> Result<(CsvReader, Meter)> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let (limited, meter) =
        Limited::new(std::io::BufReader::with_capacity(1 << 16, file), max_record);
    let csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(limited);
    Ok((csv, meter))
}

/// The error of a failed read: a row over the size limit, or invalid CSV.
fn read_error(display: &str, meter: &Meter, max_record: usize, error: csv::Error) -> IngestError {
    if meter.exceeded() {
        IngestError::TooLarge {
            file: display.to_string(),
            detail: format!("a row is longer than the {max_record} bytes allowed"),
        }
    } else {
        IngestError::malformed(display, None, format!("invalid CSV ({error})"))
    }
}

fn number(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    cell.parse()
        .ok()
        .or_else(|| cell.replace(',', ".").parse().ok())
}

fn is_integer(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty()
        && digits.len() < 19
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'))
}

struct Inference {
    integer: bool,
    float: bool,
    boolean: bool,
    seen: bool,
}

impl Inference {
    fn observe(&mut self, cell: &str) {
        let cell = cell.trim();
        if cell.is_empty() {
            return;
        }
        self.seen = true;
        self.integer &= is_integer(cell);
        self.float &= cell.parse::<f64>().is_ok_and(f64::is_finite)
            && !(cell.len() > 1 && cell.starts_with('0') && !cell.starts_with("0."));
        self.boolean &= matches!(cell.to_ascii_lowercase().as_str(), "true" | "false");
    }

    fn kind(&self) -> FieldKind {
        match self {
            Inference { seen: false, .. } => FieldKind::String,
            Inference { integer: true, .. } => FieldKind::Integer,
            Inference { float: true, .. } => FieldKind::Float,
            Inference { boolean: true, .. } => FieldKind::Boolean,
            _ => FieldKind::String,
        }
    }
}

/// Opens a CSV file: finds the geometry columns and infers field types in one pass.
pub(crate) fn open(
    path: &Path,
    display: &str,
    limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    let delimiter = sniff_delimiter(path)?;
    let (mut csv, meter) = reader(path, delimiter, limits.max_record_bytes)?;
    let malformed = |e: csv::Error| read_error(display, &meter, limits.max_record_bytes, e);
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(malformed)?
        .iter()
        .map(|h| text(h).trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let lower: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    let find = |name: &str| lower.iter().position(|h| h == name);
    let geometry = WKT_NAMES
        .iter()
        .find_map(|n| find(n).map(GeometryColumns::Wkt))
        .or_else(|| {
            XY_NAMES
                .iter()
                .find_map(|(x, y)| Some(GeometryColumns::Xy(find(x)?, find(y)?)))
        })
        .ok_or_else(|| IngestError::NoGeometryColumn {
            file: display.to_string(),
            columns: headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let is_geometry = |i: usize| match geometry {
        GeometryColumns::Wkt(w) => i == w,
        GeometryColumns::Xy(x, y) => i == x || i == y,
    };
    let attribute_columns: Vec<usize> = (0..headers.len()).filter(|i| !is_geometry(*i)).collect();
    let mut inference: Vec<Inference> = attribute_columns
        .iter()
        .map(|_| Inference {
            integer: true,
            float: true,
            boolean: true,
            seen: false,
        })
        .collect();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(malformed)? {
        meter.reset();
        for (slot, column) in inference.iter_mut().zip(&attribute_columns) {
            if let Some(cell) = record.get(*column) {
                slot.observe(&text(cell));
            }
        }
    }
    let fields = attribute_columns
        .iter()
        .zip(&inference)
        .map(|(c, i)| SourceField {
            name: headers[*c].clone(),
            kind: i.kind(),
        })
        .collect();
    let info = LayerInfo {
        name: super::stem(path),
        source: display.to_string(),
        crs: CrsHint::Wgs84,
        fields,
        warnings: Vec::new(),
    };
    Ok(vec![Box::new(CsvLayer {
        path: path.to_path_buf(),
        delimiter,
        geometry,
        attribute_columns,
        info,
        max_record: limits.max_record_bytes,
    })])
}

struct CsvLayer {
    path: PathBuf,
    delimiter: u8,
    geometry: GeometryColumns,
    attribute_columns: Vec<usize>,
    info: LayerInfo,
    max_record: usize,
}

fn value(cell: &str, kind: FieldKind) -> Value {
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return Value::Null;
    }
    match kind {
        FieldKind::Integer => trimmed.parse().map(Value::Integer).unwrap_or(Value::Null),
        FieldKind::Float => trimmed.parse().map(Value::Float).unwrap_or(Value::Null),
        FieldKind::Boolean => Value::Boolean(trimmed.eq_ignore_ascii_case("true")),
        _ => Value::String(cell.to_string()),
    }
}

impl LayerReader for CsvLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        let (mut csv, meter) = reader(&self.path, self.delimiter, self.max_record)?;
        let display = &self.info.source;
        let mut record = csv::ByteRecord::new();
        let mut number = 0u64;
        while csv
            .read_byte_record(&mut record)
            .map_err(|e| read_error(display, &meter, self.max_record, e))?
        {
            meter.reset();
            number += 1;
            let cell = |i: usize| record.get(i).map(text).unwrap_or_default();
            let geometry = match self.geometry {
                GeometryColumns::Wkt(i) => wkt_geometry::parse(&cell(i)),
                GeometryColumns::Xy(x, y) => {
                    match (number_or_empty(&cell(x)), number_or_empty(&cell(y))) {
                        (Ok(Some(x)), Ok(Some(y))) => {
                            Ok(Some(Geometry::Point(geo_types::Point::new(x, y))))
                        }
                        (Ok(None), _) | (_, Ok(None)) => Ok(None),
                        (Err(bad), _) | (_, Err(bad)) => {
                            Err(format!("coordinate `{bad}` is not a number"))
                        }
                    }
                }
            };
            let result = geometry
                .map_err(|reason| Skip {
                    number,
                    reason: format!("invalid geometry: {reason}"),
                })
                .map(|geometry| {
                    let values = self
                        .attribute_columns
                        .iter()
                        .zip(&self.info.fields)
                        .map(|(c, f)| value(&cell(*c), f.kind))
                        .collect();
                    RawFeature {
                        number,
                        geometry,
                        values,
                    }
                });
            sink(result)?;
        }
        Ok(())
    }
}

use geo_types::Geometry;

fn number_or_empty(cell: &str) -> std::result::Result<Option<f64>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    number(cell)
        .map(Some)
        .ok_or_else(|| cell.chars().take(40).collect())
}
