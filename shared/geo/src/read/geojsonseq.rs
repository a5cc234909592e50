//! GeoJSONSeq: a sequence of features, one per line, optionally prefixed by the RS character
//! (RFC 8142), or, as tippecanoe reads them, separated by commas and pretty-printed.

use super::json_feature::{self, FieldCollector, JsonFeature};
use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::Skip;
use crate::ingest::Limits;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a byte separates features of a sequence: whitespace, the RS character (RFC 8142)
/// or a comma (as tippecanoe reads them).
fn separator(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x1e || b == b','
}

/// Length of the JSON object starting at `text[0] == b'{'`, when it ends within `text`.
fn object_len(text: &[u8]) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a `.json`/`.geojson` file is in fact a sequence: it starts with RS, or its first
/// object is a feature (on one line or pretty-printed over several) followed by another.
pub(crate) fn looks_like_sequence(path: &Path) -> Result<bool> {
    let mut head = Vec::new();
    super::skip_bom(path)?
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| IngestError::io(path, e))?;
    let text = head.strip_prefix(BOM).unwrap_or(&head);
    if text.first() == Some(&0x1e) {
        return Ok(true);
    }
    let start = text
        .iter()
        .position(|b| !separator(*b))
        .unwrap_or(text.len());
    let text = &text[start..];
    if text.first() != Some(&b'{') {
        return Ok(false);
    }
    let Some(len) = object_len(text) else {
        return Ok(false);
    };
    let first_is_feature = serde_json::from_slice::<Json>(&text[..len])
        .is_ok_and(|v| v.get("type").and_then(Json::as_str) != Some("FeatureCollection"));
    let next = text[len..].iter().find(|b| !separator(**b));
    Ok(first_is_feature && next == Some(&b'{'))
}

/// Streams the features of a sequence: `(feature number, parsed feature or error)`. Features
/// may be separated by newlines, RS characters or commas, and pretty-printed over several
/// lines; a text that is not an object counts as one invalid feature up to the end of its line.
fn stream(
    path: &Path,
    display: &str,
    limits: &Limits,
    on_feature: &mut dyn FnMut(u64, std::result::Result<JsonFeature, String>) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut record = Vec::new();
    let mut number = 0u64;
    let mut first = true;
    loop {
        let (skipped, at_end) = {
            let buf = reader.fill_buf().map_err(|e| IngestError::io(path, e))?;
            let mut from = 0;
            if first && buf.starts_with(BOM) {
                from = BOM.len();
            }
            first = false;
            let skipped = buf[from..]
                .iter()
                .position(|b| !separator(*b))
                .map_or(buf.len(), |p| from + p);
            (skipped, buf.is_empty())
        };
        if at_end {
            return Ok(());
        }
        reader.consume(skipped);
        let next = reader.fill_buf().map_err(|e| IngestError::io(path, e))?;
        let Some(&lead) = next.first() else {
            continue;
        };
        record.clear();
        let complete = read_record(&mut reader, &mut record, lead == b'{', limits)
            .map_err(|e| IngestError::io(path, e))?;
        if !complete && record.len() > limits.max_record_bytes {
            return Err(IngestError::TooLarge {
                file: display.to_string(),
                detail: format!(
                    "feature {} is longer than {} bytes",
                    number + 1,
                    limits.max_record_bytes
                ),
            });
        }
        number += 1;
        let parsed = match (lead == b'{', complete) {
            (true, true) => serde_json::from_slice::<JsonFeature>(&record)
                .map_err(|e| format!("feature is not valid JSON ({e})")),
            (true, false) => Err("the last feature ends before its closing brace".to_string()),
            (false, _) => Err("feature is not valid JSON (expected an object)".to_string()),
        };
        on_feature(number, parsed)?;
    }
}

/// Reads one record into `out`: a whole object when `object`, else up to the end of the line.
/// Returns whether it ended before the size limit and the end of the file.
fn read_record(
    reader: &mut BufReader<File>,
    out: &mut Vec<u8>,
    object: bool,
    limits: &Limits,
) -> std::io::Result<bool> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(!object);
        }
        let mut end = None;
        for (i, &b) in buf.iter().enumerate() {
            if !object {
                if b == b'\n' {
                    end = Some(i);
                    break;
                }
                continue;
            }
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let take = end.unwrap_or(buf.len());
        out.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if end.is_some() {
            return Ok(true);
        }
        if out.len() > limits.max_record_bytes {
            return Ok(false);
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
