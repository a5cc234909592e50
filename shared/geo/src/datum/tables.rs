//! The generated EPSG tables: geographic CRS (ellipsoid, prime meridian, names) and Helmert
//! transformations to WGS 84, parsed once on first use.

use super::Method;
use std::collections::HashMap;
use std::sync::OnceLock;

const GEOGRAPHIC: &str = include_str!("geographic.tsv");
const HELMERT: &str = include_str!("helmert.tsv");

/// A geographic CRS of the EPSG dataset.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub(crate) struct Geographic {
    /// EPSG code.
    pub code: u32,
    /// Semi-major axis in metres.
    pub a: f64,
    /// Inverse flattening, 0 for a sphere.
    pub inv_f: f64,
    /// Longitude of the prime meridian from Greenwich, in degrees.
    pub prime_meridian: f64,
    /// CRS and datum names and their aliases (EPSG and ESRI spellings).
    pub names: Vec<&'static str>,
}

/// One EPSG Helmert transformation to WGS 84.
#[derive(Debug, Clone)]
pub(crate) struct Helmert {
    /// EPSG code of the transformation.
    pub code: u32,
    /// EPSG name, e.g. `OSGB36 to WGS 84 (6)`.
    pub name: &'static str,
    /// Convention of the rotations.
    pub method: Method,
    /// tx, ty, tz (m), rx, ry, rz (arc-seconds), scale difference (ppm).
    pub parameters: [f64; 7],
    /// Accuracy in metres, when EPSG gives one.
    pub accuracy: Option<f64>,
    /// Area of use `[west, south, east, north]` in degrees.
    pub area: [f64; 4],
    /// Whether the area of use is offshore only.
    pub offshore: bool,
}

struct Tables {
    geographic: HashMap<u32, Geographic>,
    by_name: HashMap<String, u32>,
    helmerts: HashMap<u32, Vec<Helmert>>,
}

/// A name folded for comparison: `D_OSGB_1936`, `OSGB 1936` and `osgb1936` are equal.
pub(crate) fn fold(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix("D_")
        .or_else(|| name.strip_prefix("GCS_"))
        .unwrap_or(name);
    crate::names::normalise(name, "").replace('_', "")
}

fn numbers<const N: usize>(text: &str) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    let mut parts = text.split(' ');
    for slot in &mut out {
        *slot = parts.next()?.parse().ok()?;
    }
    Some(out)
}

fn load() -> Tables {
    let mut geographic = HashMap::new();
    let mut by_name = HashMap::new();
    for line in GEOGRAPHIC.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&'static str> = line.split('\t').collect();
        let (Some(code), Some(a), Some(inv_f), Some(pm), Some(names)) = (
            cols.first().and_then(|c| c.parse().ok()),
            cols.get(1).and_then(|c| c.parse().ok()),
            cols.get(2).and_then(|c| c.parse().ok()),
            cols.get(3).and_then(|c| c.parse().ok()),
            cols.get(4),
        ) else {
            continue;
        };
        let names: Vec<&'static str> = names.split('|').collect();
        for name in &names {
            by_name.entry(fold(name)).or_insert(code);
        }
        geographic.insert(
            code,
            Geographic {
                code,
                a,
                inv_f,
                prime_meridian: pm,
                names,
            },
        );
    }
    let mut helmerts: HashMap<u32, Vec<Helmert>> = HashMap::new();
    for line in HELMERT.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&'static str> = line.split('\t').collect();
        if cols.len() < 8 {
            continue;
        }
        let (Ok(source), Ok(code), Some(parameters), Ok(accuracy), Some(area)) = (
            cols[0].parse::<u32>(),
            cols[1].parse::<u32>(),
            numbers::<7>(cols[4]),
            cols[5].parse::<f64>(),
            numbers::<4>(cols[6]),
        ) else {
            continue;
        };
        let method = match cols[3] {
            "P" => Method::PositionVector,
            "C" => Method::CoordinateFrame,
            _ => Method::Translation,
        };
        helmerts.entry(source).or_default().push(Helmert {
            code,
            name: cols[2],
            method,
            parameters,
            accuracy: (accuracy >= 0.0).then_some(accuracy),
            area,
            offshore: cols[7] == "1",
        });
    }
    Tables {
        geographic,
        by_name,
        helmerts,
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(load)
}

/// The geographic CRS of an EPSG code.
pub(crate) fn geographic(code: u32) -> Option<&'static Geographic> {
    tables().geographic.get(&code)
}

/// The geographic CRS whose name, datum name or alias matches `name` (ESRI `D_` and `GCS_`
/// prefixes ignored).
pub(crate) fn geographic_by_name(name: &str) -> Option<u32> {
    tables().by_name.get(&fold(name)).copied()
}

/// The Helmert transformations from a geographic CRS to WGS 84.
pub(crate) fn helmerts(code: u32) -> &'static [Helmert] {
    tables().helmerts.get(&code).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_hold_the_datums_of_europe_and_north_america() {
        assert_eq!(geographic_by_name("D_OSGB_1936"), Some(4277));
        assert_eq!(geographic_by_name("North_American_Datum_1927"), Some(4267));
        assert_eq!(geographic_by_name("European_Datum_1950"), Some(4230));
        let ntf = geographic(4807).unwrap();
        assert!((ntf.prime_meridian - 2.337_229_17).abs() < 1e-9);
        assert!(helmerts(4807).iter().any(|h| h.code == 1193));
        assert!(helmerts(4267).len() > 10);
    }
}
