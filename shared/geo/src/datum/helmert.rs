//! Helmert transformations through geocentric coordinates, and the choice among several of
//! them point by point, as PROJ makes it when a CRS has more than one way to WGS 84.

use super::tables::{Geographic, Helmert};

/// Convention of a Helmert transformation's rotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Geocentric translations only.
    Translation,
    /// Seven parameters, position vector convention (EPSG 9606).
    PositionVector,
    /// Seven parameters, coordinate frame convention (EPSG 9607).
    CoordinateFrame,
}

const WGS84_A: f64 = 6_378_137.0;
const WGS84_INV_F: f64 = 298.257_223_563;
const ARCSEC: f64 = std::f64::consts::PI / (180.0 * 3600.0);

#[derive(Debug, Clone)]
struct Candidate {
    translation: [f64; 3],
    /// Rotations in radians, in the position vector convention.
    rotation: [f64; 3],
    scale: f64,
    area: [f64; 4],
    accuracy: Option<f64>,
    pseudo_area: f64,
    offshore: bool,
}

/// The shift from one geographic CRS to WGS 84: every candidate transformation with its
/// area of use.
#[derive(Debug, Clone)]
pub(crate) struct DatumShift {
    a: f64,
    e2: f64,
    candidates: Vec<Candidate>,
}

fn e2(a: f64, inv_f: f64) -> f64 {
    let _ = a;
    if inv_f == 0.0 {
        0.0
    } else {
        let f = 1.0 / inv_f;
        f * (2.0 - f)
    }
}

fn contains(area: &[f64; 4], lon: f64, lat: f64) -> bool {
    let [west, south, east, north] = *area;
    let in_lon = if west <= east {
        lon >= west && lon <= east
    } else {
        lon >= west || lon <= east
    };
    in_lon && lat >= south && lat <= north
}

fn to_geocentric(a: f64, e2: f64, lon: f64, lat: f64) -> [f64; 3] {
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_lon, cos_lon) = lon.to_radians().sin_cos();
    let n = a / (1.0 - e2 * sin_lat * sin_lat).sqrt();
    [
        n * cos_lat * cos_lon,
        n * cos_lat * sin_lon,
        n * (1.0 - e2) * sin_lat,
    ]
}

fn to_geodetic(a: f64, e2: f64, [x, y, z]: [f64; 3]) -> (f64, f64) {
    let lon = y.atan2(x);
    let p = x.hypot(y);
    let mut lat = z.atan2(p * (1.0 - e2));
    for _ in 0..4 {
        let sin_lat = lat.sin();
        let n = a / (1.0 - e2 * sin_lat * sin_lat).sqrt();
        lat = (z + e2 * n * sin_lat).atan2(p);
    }
    (lon.to_degrees(), lat.to_degrees())
}

impl DatumShift {
    /// The shift of a geographic CRS through the given transformations; `None` when there are
    /// none or all are null (the datum coincides with WGS 84).
    pub fn new(source: &Geographic, helmerts: &[Helmert]) -> Option<Self> {
        if helmerts
            .iter()
            .all(|h| h.parameters.iter().all(|p| *p == 0.0))
        {
            return None;
        }
        let candidates = helmerts
            .iter()
            .map(|h| {
                let [tx, ty, tz, rx, ry, rz, ds] = h.parameters;
                let sign = if h.method == Method::CoordinateFrame {
                    -1.0
                } else {
                    1.0
                };
                let [west, south, east, north] = h.area;
                let width = if west <= east {
                    east - west
                } else {
                    360.0 - west + east
                };
                Candidate {
                    translation: [tx, ty, tz],
                    rotation: [rx, ry, rz].map(|r| sign * r * ARCSEC),
                    scale: 1.0 + ds * 1e-6,
                    area: h.area,
                    accuracy: h.accuracy,
                    pseudo_area: width
                        * (north.to_radians().sin() - south.to_radians().sin()).abs(),
                    offshore: h.offshore,
                }
            })
            .collect();
        Some(DatumShift {
            a: source.a,
            e2: e2(source.a, source.inv_f),
            candidates,
        })
    }

    /// Index of the transformation used at a point: the most accurate one whose area of use
    /// holds it (the smaller area on a tie, offshore ones last); `None` outside every area.
    pub fn choose(&self, lon: f64, lat: f64) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, c) in self.candidates.iter().enumerate() {
            if !contains(&c.area, lon, lat) {
                continue;
            }
            let Some(current) = best.map(|b| &self.candidates[b]) else {
                best = Some(i);
                continue;
            };
            let better = match (c.accuracy, current.accuracy) {
                _ if c.offshore && !current.offshore => false,
                _ if current.offshore && !c.offshore => true,
                (Some(_), None) => true,
                (Some(a), Some(b)) => a < b || (a == b && c.pseudo_area < current.pseudo_area),
                _ => false,
            };
            if better {
                best = Some(i);
            }
        }
        best
    }

    /// Shifts one point given in degrees on the source datum (Greenwich longitudes) to WGS 84;
    /// returns the index of the transformation used, `None` when the point lies outside every
    /// area of use and was left as it is (ballpark).
    pub fn apply(&self, lon: &mut f64, lat: &mut f64) -> Option<usize> {
        let index = self.choose(*lon, *lat)?;
        let c = &self.candidates[index];
        let [x, y, z] = to_geocentric(self.a, self.e2, *lon, *lat);
        let [rx, ry, rz] = c.rotation;
        let [tx, ty, tz] = c.translation;
        let s = c.scale;
        let shifted = [
            tx + s * (x - rz * y + ry * z),
            ty + s * (rz * x + y - rx * z),
            tz + s * (-ry * x + rx * y + z),
        ];
        (*lon, *lat) = to_geodetic(WGS84_A, e2(WGS84_A, WGS84_INV_F), shifted);
        Some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datum::{geographic, helmerts};

    fn shift(code: u32, lon: f64, lat: f64) -> (f64, f64, u32) {
        let shift = DatumShift::new(geographic(code).unwrap(), helmerts(code)).unwrap();
        let (mut x, mut y) = (lon, lat);
        let used = shift.apply(&mut x, &mut y).unwrap();
        (x, y, helmerts(code)[used].code)
    }

    #[test]
    fn the_most_accurate_transformation_of_the_area_is_chosen_as_proj_does() {
        // Expected values computed by GDAL 3.12 with PROJ and no grid file.
        for (code, lon, lat, expected_lon, expected_lat, expected_op) in [
            (4277, -1.5, 52.0, -1.501_468_393, 52.000_432_094, 1314),
            (4267, -100.0, 40.0, -100.000_415_589, 39.999_996_882, 1175),
            (4267, -74.0, 40.7, -73.999_569_167, 40.700_000_396, 1173),
            (4267, -150.0, 61.2, -150.002_220_902, 61.199_434_408, 1176),
            (4230, 2.35, 41.4, 2.348_850_630, 41.398_873_994, 1633),
            (4230, 10.0, 53.5, 9.998_802_990, 53.499_312_043, 1134),
            (4230, 2.0, 49.0, 1.998_715_258, 48.999_088_499, 1275),
        ] {
            let (x, y, op) = shift(code, lon, lat);
            assert_eq!(op, expected_op, "EPSG:{code} at {lon} {lat}");
            assert!(
                (x - expected_lon).abs() < 1e-8 && (y - expected_lat).abs() < 1e-8,
                "EPSG:{code} at {lon} {lat}: {x} {y}"
            );
        }
    }
}
