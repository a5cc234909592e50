//! GeoJSONSeq: one feature per line, optionally prefixed by the RS character (RFC 8142).

use super::json_feature::{self, FieldCollector, JsonFeature};
use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::Skip;
use crate::ingest::Limits;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Whether a `.json`/`.geojson` file is in fact a sequence (starts with RS, or holds one
/// complete feature on its first line followed by another).
pub(crate) fn looks_like_sequence(path: &Path) -> Result<bool> {
    let mut head = Vec::new();
    super::skip_bom(path)?
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| IngestError::io(path, e))?;
    if head.first() == Some(&0x1e) {
        return Ok(true);
    }
    let mut lines = head
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let first = lines.next();
    let second = lines.next();
    Ok(match (first, second) {
        (Some(first), Some(second)) => {
            serde_json::from_slice::<Json>(first).is_ok()
                && second.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        }
        _ => false,
    })
}

/// Streams the lines of the file: `(line number, parsed feature or error)`.
fn stream(
    path: &Path,
    display: &str,
    limits: &Limits,
    on_line: &mut dyn FnMut(u64, std::result::Result<JsonFeature, String>) -> Result<()>,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, super::skip_bom(path)?);
    // RFC 8142 text sequences put a record separator before each record, which may span
    // several lines; other sequences hold one record per line.
    let delimiter = if reader
        .fill_buf()
        .map_err(|e| IngestError::io(path, e))?
        .first()
        == Some(&0x1e)
    {
        0x1e
    } else {
        b'\n'
    };
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(limits.max_record_bytes as u64 + 1)
            .read_until(delimiter, &mut line)
            .map_err(|e| IngestError::io(path, e))?;
        if read == 0 {
            return Ok(());
        }
        if line.len() > limits.max_record_bytes {
            return Err(IngestError::TooLarge {
                file: display.to_string(),
                detail: format!(
                    "a line after feature {number} is longer than {} bytes",
                    limits.max_record_bytes
                ),
            });
        }
        let text: &[u8] = {
            let start = line
                .iter()
                .position(|b| !b.is_ascii_whitespace() && *b != 0x1e)
                .unwrap_or(line.len());
            let end = line
                .iter()
                .rposition(|b| !b.is_ascii_whitespace() && *b != 0x1e)
                .map_or(start, |e| e + 1)
                .max(start);
            &line[start..end]
        };
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let whole = serde_json::from_slice::<JsonFeature>(text);
        match whole {
            Err(_) if delimiter == 0x1e && text.contains(&b'\n') => {
                // A record followed by stray lines: read them one by one.
                for part in text.split(|b| *b == b'\n') {
                    if part.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    number += 1;
                    let parsed = serde_json::from_slice::<JsonFeature>(part)
                        .map_err(|e| format!("line is not valid JSON ({e})"));
                    on_line(number, parsed)?;
                }
            }
            parsed => {
                number += 1;
                on_line(
                    number,
                    parsed.map_err(|e| format!("line is not valid JSON ({e})")),
                )?;
            }
        }
    }
}

/// Opens a GeoJSONSeq file: one pass to discover fields.
pub(crate) fn open(
    path: &Path,
    display: &str,
    limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    let mut collector = FieldCollector::default();
    stream(path, display, limits, &mut |_, parsed| {
        if let Ok(feature) = &parsed {
            collector.observe(&feature.properties);
        }
        Ok(())
    })?;
    let (fields, index) = collector.finish();
    let info = LayerInfo {
        name: super::stem(path),
        source: display.to_string(),
        crs: CrsHint::Wgs84,
        fields,
        warnings: Vec::new(),
    };
    Ok(vec![Box::new(SeqLayer {
        path: path.to_path_buf(),
        info,
        index,
        limits: limits.clone(),
    })])
}

struct SeqLayer {
    path: PathBuf,
    info: LayerInfo,
    index: HashMap<String, usize>,
    limits: Limits,
}

impl LayerReader for SeqLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        stream(
            &self.path,
            &self.info.source,
            &self.limits,
            &mut |number, parsed| match parsed {
                Ok(feature) => sink(json_feature::convert(
                    number,
                    feature,
                    &self.info.fields,
                    &self.index,
                )),
                Err(reason) => sink(Err(Skip { number, reason })),
            },
        )
    }
}
