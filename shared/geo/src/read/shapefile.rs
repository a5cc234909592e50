//! Shapefile: the `.shp` geometry records streamed alongside the `.dbf` attribute records,
//! CRS from the `.prj` file, encoding from the `.cpg` file.

use super::dbf::{self, Dbf, Record};
use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::{RawFeature, Skip, Value};
use crate::ingest::Limits;
use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Finds a sidecar file (`.dbf`, `.prj`, ...) next to the `.shp`, whatever its case.
fn sidecar(shp: &Path, ext: &str) -> Option<PathBuf> {
    let stem = shp.file_stem()?.to_str()?;
    let dir = shp.parent()?;
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem().and_then(|s| s.to_str()) == Some(stem)
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
}

/// Opens a Shapefile: one layer.
pub(crate) fn open(
    path: &Path,
    display: &str,
    limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    let name = super::stem(path);
    let mut warnings = Vec::new();
    let crs = match sidecar(path, "prj") {
        Some(prj) => CrsHint::Text(
            String::from_utf8_lossy(&std::fs::read(&prj).map_err(|e| IngestError::io(&prj, e))?)
                .into_owned(),
        ),
        None => CrsHint::Missing(format!(
            "the Shapefile `{name}` has no .prj file declaring its CRS"
        )),
    };
    let encoding = match sidecar(path, "cpg") {
        Some(cpg) => {
            let label = String::from_utf8_lossy(
                &std::fs::read(&cpg).map_err(|e| IngestError::io(&cpg, e))?,
            )
            .into_owned();
            let encoding = dbf::encoding_from_cpg(&label);
            if encoding.is_none() {
                warnings.push(format!(
                    "the .cpg names an unknown encoding `{}`; UTF-8 or LATIN-1 was assumed",
                    label.trim()
                ));
            }
            encoding
        }
        None => None,
    };
    let dbf_path = sidecar(path, "dbf");
    let fields = match &dbf_path {
        Some(dbf_path) => {
            let dbf = Dbf::open(dbf_path, encoding)
                .map_err(|e| IngestError::malformed(display, Some(&name), e))?;
            let shapes = sidecar(path, "shx")
                .and_then(|shx| std::fs::metadata(shx).ok())
                .map(|m| m.len().saturating_sub(100) / 8);
            if let Some(shapes) = shapes.filter(|s| *s > u64::from(dbf.count)) {
                warnings.push(format!(
                    "the .dbf holds {} records but the .shp {shapes} shapes: the last {} features have no attributes; export the Shapefile again",
                    dbf.count,
                    shapes - u64::from(dbf.count)
                ));
            }
            if encoding.is_none() && dbf.code_page.is_some() {
                warnings.push(format!(
                    "attributes were decoded as {}, the code page named in the .dbf header",
                    dbf.code_page.map_or("", |e| e.name())
                ));
            }
            dbf.fields
        }
        None => {
            warnings.push("the .dbf file is missing, so the layer has no attributes".to_string());
            Vec::new()
        }
    };
    let info = LayerInfo {
        name,
        source: display.to_string(),
        crs,
        fields,
        warnings,
    };
    Ok(vec![Box::new(ShapefileLayer {
        path: path.to_path_buf(),
        dbf_path,
        encoding,
        info,
        max_record: limits.max_record_bytes,
    })])
}

struct ShapefileLayer {
    path: PathBuf,
    dbf_path: Option<PathBuf>,
    encoding: Option<&'static encoding_rs::Encoding>,
    info: LayerInfo,
    max_record: usize,
}

impl LayerReader for ShapefileLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        let display = &self.info.source;
        let layer = Some(self.info.name.as_str());
        let malformed = |detail: String| IngestError::malformed(display, layer, detail);
        let file = File::open(&self.path).map_err(|e| IngestError::io(&self.path, e))?;
        let file_len = file
            .metadata()
            .map_err(|e| IngestError::io(&self.path, e))?
            .len();
        let mut position = 100u64;
        let mut shp = BufReader::with_capacity(1 << 17, file);
        let mut header = [0u8; 100];
        shp.read_exact(&mut header)
            .map_err(|_| malformed("the .shp file is truncated in its header".to_string()))?;
        if header[0..4] != [0, 0, 0x27, 0x0a] {
            return Err(malformed(
                "the .shp file does not start with the Shapefile signature".to_string(),
            ));
        }
        let mut dbf = match &self.dbf_path {
            Some(p) => Some(Dbf::open(p, self.encoding).map_err(malformed)?),
            None => None,
        };
        let mut content = Vec::new();
        let mut number = 0u64;
        loop {
            let mut record_header = [0u8; 8];
            match read_full(&mut shp, &mut record_header) {
                Ok(0) => break,
                Ok(8) => {}
                Ok(_) => {
                    return Err(malformed(format!(
                        "the .shp file is truncated after feature {number}"
                    )))
                }
                Err(e) => return Err(IngestError::io(&self.path, e)),
            }
            number += 1;
            let words = u32::from_be_bytes([
                record_header[4],
                record_header[5],
                record_header[6],
                record_header[7],
            ]) as usize;
            let len = words.saturating_mul(2);
            if len > self.max_record {
                return Err(malformed(format!(
                    "feature {number} announces a record of {len} bytes, more than allowed"
                )));
            }
            position += 8 + len as u64;
            if position > file_len {
                return Err(malformed(format!(
                    "the .shp file is truncated in feature {number}"
                )));
            }
            content.resize(len, 0);
            if read_full(&mut shp, &mut content).map_err(|e| IngestError::io(&self.path, e))? != len
            {
                return Err(malformed(format!(
                    "the .shp file is truncated in feature {number}"
                )));
            }
            let values = match dbf
                .as_mut()
                .map(Dbf::next_record)
                .transpose()
                .map_err(malformed)?
            {
                Some(Some(Record::Values(values))) => values,
                Some(Some(Record::Deleted)) => continue,
                Some(None) => vec![Value::Null; self.info.fields.len()],
                None => Vec::new(),
            };
            let result = shape(&content)
                .map(|geometry| RawFeature {
                    number,
                    geometry,
                    values,
                })
                .map_err(|reason| Skip {
                    number,
                    reason: format!("invalid geometry: {reason}"),
                });
            sink(result)?;
        }
        Ok(())
    }
}

/// Result of decoding one record.
type Parse<T> = std::result::Result<T, String>;

fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn le_i32(bytes: &[u8], at: usize) -> Parse<i32> {
    bytes
        .get(at..at + 4)
        .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "the record is truncated".to_string())
}

fn le_f64(bytes: &[u8], at: usize) -> Parse<f64> {
    let b = bytes.get(at..at + 8).ok_or("the record is truncated")?;
    Ok(f64::from_le_bytes([
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
    ]))
}

fn points(bytes: &[u8], at: usize, count: usize) -> Parse<Vec<Coord<f64>>> {
    if count.saturating_mul(16).saturating_add(at) > bytes.len() {
        return Err(format!(
            "the record announces {count} points but is too short for them"
        ));
    }
    (0..count)
        .map(|i| {
            Ok(Coord {
                x: le_f64(bytes, at + 16 * i)?,
                y: le_f64(bytes, at + 16 * i + 8)?,
            })
        })
        .collect()
}

/// Decodes one `.shp` record content into a geometry (`None` for a null shape).
fn shape(bytes: &[u8]) -> Parse<Option<Geometry<f64>>> {
    let kind = le_i32(bytes, 0)?;
    match kind {
        0 => Ok(None),
        1 | 11 | 21 => Ok(Some(Geometry::Point(Point(points(bytes, 4, 1)?[0])))),
        8 | 18 | 28 => {
            let count = le_i32(bytes, 36)?.max(0) as usize;
            Ok(Some(Geometry::MultiPoint(MultiPoint(
                points(bytes, 40, count)?.into_iter().map(Point).collect(),
            ))))
        }
        3 | 13 | 23 | 5 | 15 | 25 => {
            let parts_count = le_i32(bytes, 36)?.max(0) as usize;
            let points_count = le_i32(bytes, 40)?.max(0) as usize;
            if parts_count.saturating_mul(4).saturating_add(44) > bytes.len() {
                return Err(format!(
                    "the record announces {parts_count} parts but is too short for them"
                ));
            }
            let parts = (0..parts_count)
                .map(|i| le_i32(bytes, 44 + 4 * i).map(|p| p.max(0) as usize))
                .collect::<Parse<Vec<_>>>()?;
            let coords = points(bytes, 44 + 4 * parts_count, points_count)?;
            let mut lines = Vec::with_capacity(parts_count);
            for (i, start) in parts.iter().enumerate() {
                let end = parts.get(i + 1).copied().unwrap_or(points_count);
                let slice = coords
                    .get(*start..end)
                    .ok_or("a part index points outside the record")?;
                lines.push(LineString(slice.to_vec()));
            }
            if kind % 10 == 3 {
                Ok(Some(if lines.len() == 1 {
                    Geometry::LineString(lines.remove(0))
                } else {
                    Geometry::MultiLineString(MultiLineString(lines))
                }))
            } else {
                Ok(Some(assemble(lines)))
            }
        }
        other => Err(format!("shape type {other} is not supported")),
    }
}

fn signed_area(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

/// Groups rings into polygons: clockwise rings are exteriors, the others holes of the
/// preceding exterior.
fn assemble(rings: Vec<LineString<f64>>) -> Geometry<f64> {
    let mut polygons: Vec<(LineString<f64>, Vec<LineString<f64>>)> = Vec::new();
    for ring in rings {
        let clockwise = signed_area(&ring) < 0.0;
        match polygons.last_mut() {
            Some((_, holes)) if !clockwise => holes.push(ring),
            _ => polygons.push((ring, Vec::new())),
        }
    }
    let mut polygons: Vec<Polygon<f64>> = polygons
        .into_iter()
        .map(|(exterior, holes)| Polygon::new(exterior, holes))
        .collect();
    if polygons.len() == 1 {
        Geometry::Polygon(polygons.remove(0))
    } else {
        Geometry::MultiPolygon(MultiPolygon(polygons))
    }
}
