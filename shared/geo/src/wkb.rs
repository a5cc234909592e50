//! A bounded WKB decoder (ISO, EWKB and GeoPackage binary): counts are checked against the
//! remaining bytes before anything is allocated, so garbage never exhausts memory.

use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let end = self.pos.checked_add(N).ok_or("offset overflow")?;
        let slice = self
            .bytes
            .get(self.pos..end)
            .ok_or("the geometry is truncated")?;
        self.pos = end;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let b = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let b = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Reads a count and checks that `count * min_size` bytes can follow.
    fn count(&mut self, little: bool, min_size: usize) -> Result<usize, String> {
        let count = self.u32(little)? as usize;
        if count.saturating_mul(min_size) > self.remaining() {
            return Err(format!(
                "the geometry announces {count} elements but is too short for them"
            ));
        }
        Ok(count)
    }

    fn coord(&mut self, little: bool, dims: usize) -> Result<Coord<f64>, String> {
        let x = self.f64(little)?;
        let y = self.f64(little)?;
        for _ in 2..dims {
            self.f64(little)?;
        }
        Ok(Coord { x, y })
    }

    fn line(&mut self, little: bool, dims: usize) -> Result<LineString<f64>, String> {
        let count = self.count(little, 8 * dims)?;
        let mut coords = Vec::with_capacity(count);
        for _ in 0..count {
            coords.push(self.coord(little, dims)?);
        }
        Ok(LineString(coords))
    }

    fn polygon(&mut self, little: bool, dims: usize) -> Result<Polygon<f64>, String> {
        let count = self.count(little, 4)?;
        let mut rings = Vec::with_capacity(count);
        for _ in 0..count {
            rings.push(self.line(little, dims)?);
        }
        let mut rings = rings.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
        Ok(Polygon::new(exterior, rings.collect()))
    }

    fn geometry(&mut self) -> Result<Geometry<f64>, String> {
        self.depth += 1;
        if self.depth > 32 {
            return Err("geometry collections are nested too deeply".to_string());
        }
        let order = self.take::<1>()?[0];
        let little = match order {
            0 => false,
            1 => true,
            other => return Err(format!("invalid WKB byte order {other}")),
        };
        let raw = self.u32(little)?;
        let has_srid = raw & 0x2000_0000 != 0;
        let mut dims =
            2 + usize::from(raw & 0x8000_0000 != 0) + usize::from(raw & 0x4000_0000 != 0);
        let iso = raw & 0x0FFF_FFFF;
        let kind = iso % 1000;
        dims += match iso / 1000 {
            0 => 0,
            1 | 2 => 1,
            3 => 2,
            _ => return Err(format!("unknown WKB geometry type {raw}")),
        };
        if has_srid {
            self.u32(little)?;
        }
        let geometry = match kind {
            1 => Geometry::Point(Point(self.coord(little, dims)?)),
            2 => Geometry::LineString(self.line(little, dims)?),
            3 => Geometry::Polygon(self.polygon(little, dims)?),
            4..=7 => {
                let count = self.count(little, 5)?;
                let mut parts = Vec::with_capacity(count);
                for _ in 0..count {
                    parts.push(self.geometry()?);
                }
                collect(kind, parts)?
            }
            other => return Err(format!("unsupported WKB geometry type {other}")),
        };
        self.depth -= 1;
        Ok(geometry)
    }
}

fn collect(kind: u32, parts: Vec<Geometry<f64>>) -> Result<Geometry<f64>, String> {
    let mismatch = || "a multi-geometry holds parts of another type".to_string();
    Ok(match kind {
        4 => Geometry::MultiPoint(MultiPoint(
            parts
                .into_iter()
                .map(|g| Point::try_from(g).map_err(|_| mismatch()))
                .collect::<Result<_, _>>()?,
        )),
        5 => Geometry::MultiLineString(MultiLineString(
            parts
                .into_iter()
                .map(|g| LineString::try_from(g).map_err(|_| mismatch()))
                .collect::<Result<_, _>>()?,
        )),
        6 => Geometry::MultiPolygon(MultiPolygon(
            parts
                .into_iter()
                .map(|g| Polygon::try_from(g).map_err(|_| mismatch()))
                .collect::<Result<_, _>>()?,
        )),
        _ => Geometry::GeometryCollection(geo_types::GeometryCollection(parts)),
    })
}

/// Decodes ISO WKB or EWKB.
pub(crate) fn decode(bytes: &[u8]) -> Result<Geometry<f64>, String> {
    let mut cursor = Cursor {
        bytes,
        pos: 0,
        depth: 0,
    };
    cursor.geometry()
}

/// Decodes a GeoPackage geometry blob: header, optional envelope, then WKB.
/// Returns `None` for an empty geometry.
pub(crate) fn decode_gpkg(bytes: &[u8]) -> Result<Option<Geometry<f64>>, String> {
    if bytes.len() < 8 || &bytes[0..2] != b"GP" {
        return Err("the geometry blob does not start with the GeoPackage header".to_string());
    }
    let flags = bytes[3];
    let envelope = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(format!("invalid GeoPackage envelope code {other}")),
    };
    if flags & 0x10 != 0 {
        return Ok(None);
    }
    let start = 8 + envelope;
    let wkb = bytes.get(start..).ok_or("the geometry blob is truncated")?;
    decode(wkb).map(Some)
}

/// Decodes a hexadecimal WKB text.
pub(crate) fn decode_hex(text: &str) -> Result<Geometry<f64>, String> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return Err("the hexadecimal WKB has an odd length".to_string());
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(text.get(i..i + 2).unwrap_or("zz"), 16)
                .map_err(|_| "invalid hexadecimal WKB".to_string())
        })
        .collect::<Result<Vec<u8>, String>>()?;
    decode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hex_multipolygon_decodes() {
        let hex = "0106000000010000000103000000010000000400000000000000000000000000000000000000000000000000F03F000000000000F03F000000000000F03F000000000000000000000000000000000000000000000000";
        let geometry = decode_hex(hex).unwrap();
        let Geometry::MultiPolygon(mp) = geometry else {
            panic!("not a multipolygon")
        };
        assert_eq!(mp.0[0].exterior().0.len(), 4);
    }

    #[test]
    fn huge_counts_are_refused_without_allocating() {
        let mut bytes = vec![1u8, 2, 0, 0, 0];
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&bytes).unwrap_err().contains("too short"));
        assert!(decode(&[1, 1, 0]).is_err());
    }
}
