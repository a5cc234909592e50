//! Geometry text in CSV cells: WKT, EWKT (`SRID=...;`) or hexadecimal WKB.

use geo_types::Geometry;
use wkt::TryFromWkt;

/// Parses a geometry cell; `Ok(None)` for an empty cell.
pub(crate) fn parse(text: &str) -> Result<Option<Geometry<f64>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() >= 10 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return crate::wkb::decode_hex(text).map(Some);
    }
    let body = match text.split_once(';') {
        Some((prefix, rest)) if prefix.trim().to_ascii_uppercase().starts_with("SRID=") => rest,
        _ => text,
    };
    let shown: String = body.chars().take(40).collect();
    match crate::error::catch_quietly(|| Geometry::<f64>::try_from_wkt_str(body)) {
        Ok(Ok(geometry)) => Ok(Some(geometry)),
        Ok(Err(error)) => Err(format!("`{shown}` is not valid WKT ({error})")),
        Err(_) => Err(format!("`{shown}` is not valid WKT")),
    }
}
