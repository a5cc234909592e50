//! A fast inverse Lambert Conformal Conic for the French grids (Lambert-93, CC zones) on
//! GRS80/WGS84 with a null datum shift: closed-form conformal-latitude series instead of the
//! iterative solution, about three times faster and within 0.1 mm of it.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

/// Inverse LCC projection from metres to WGS84 lon/lat degrees.
#[derive(Debug, Clone)]
pub(crate) struct InverseLcc {
    n: f64,
    akf: f64,
    rho0: f64,
    x0: f64,
    y0: f64,
    lon0: f64,
    series: [f64; 4],
}

fn parameter(proj: &str, key: &str) -> Option<f64> {
    proj.split_whitespace()
        .find_map(|p| p.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

impl InverseLcc {
    /// Builds the projection from a PROJ string when it is an LCC this fast path supports.
    pub fn from_proj(proj: &str) -> Option<Self> {
        let words: Vec<&str> = proj.split_whitespace().collect();
        if !words.contains(&"+proj=lcc") {
            return None;
        }
        let allowed = [
            "+proj=",
            "+lat_1=",
            "+lat_2=",
            "+lat_0=",
            "+lon_0=",
            "+x_0=",
            "+y_0=",
            "+k_0=",
            "+k=",
            "+ellps=",
            "+towgs84=",
            "+units=m",
            "+no_defs",
            "+type=crs",
        ];
        if !words
            .iter()
            .all(|w| allowed.iter().any(|a| w.starts_with(a)))
        {
            return None;
        }
        let rf = match words.iter().find_map(|w| w.strip_prefix("+ellps=")) {
            Some("GRS80") => 298.257_222_101,
            Some("WGS84") => 298.257_223_563,
            _ => return None,
        };
        if let Some(shift) = words.iter().find_map(|w| w.strip_prefix("+towgs84=")) {
            if !shift
                .split(',')
                .all(|v| v.parse::<f64>().is_ok_and(|v| v == 0.0))
            {
                return None;
            }
        }
        let a = 6_378_137.0;
        let f = 1.0 / rf;
        let e2: f64 = f * (2.0 - f);
        let e = e2.sqrt();
        let lat1 = parameter(proj, "+lat_1")?.to_radians();
        let lat2 = parameter(proj, "+lat_2")
            .map(f64::to_radians)
            .unwrap_or(lat1);
        let lat0 = parameter(proj, "+lat_0")
            .map(f64::to_radians)
            .unwrap_or(lat1);
        let k0 = parameter(proj, "+k_0")
            .or_else(|| parameter(proj, "+k"))
            .unwrap_or(1.0);
        let m = |phi: f64| phi.cos() / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let t = |phi: f64| {
            let s = e * phi.sin();
            (FRAC_PI_4 - phi / 2.0).tan() / ((1.0 - s) / (1.0 + s)).powf(e / 2.0)
        };
        let n = if (lat1 - lat2).abs() > 1e-10 {
            (m(lat1).ln() - m(lat2).ln()) / (t(lat1).ln() - t(lat2).ln())
        } else {
            lat1.sin()
        };
        let big_f = m(lat1) / (n * t(lat1).powf(n));
        let akf = a * k0 * big_f;
        let (e4, e6, e8) = (e2 * e2, e2 * e2 * e2, e2 * e2 * e2 * e2);
        Some(InverseLcc {
            n,
            akf,
            rho0: akf * t(lat0).powf(n),
            x0: parameter(proj, "+x_0").unwrap_or(0.0),
            y0: parameter(proj, "+y_0").unwrap_or(0.0),
            lon0: parameter(proj, "+lon_0").unwrap_or(0.0).to_radians(),
            series: [
                e2 / 2.0 + 5.0 * e4 / 24.0 + e6 / 12.0 + 13.0 * e8 / 360.0,
                7.0 * e4 / 48.0 + 29.0 * e6 / 240.0 + 811.0 * e8 / 11520.0,
                7.0 * e6 / 120.0 + 81.0 * e8 / 1120.0,
                4279.0 * e8 / 161_280.0,
            ],
        })
    }

    /// Projects metres back to lon/lat degrees.
    #[inline]
    pub fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        let sign = self.n.signum();
        let dx = x - self.x0;
        let dy = self.rho0 - (y - self.y0);
        let rho = sign * dx.hypot(dy);
        if rho == 0.0 {
            return (self.lon0.to_degrees(), (sign * FRAC_PI_2).to_degrees());
        }
        let theta = (sign * dx).atan2(sign * dy);
        let t = (rho / self.akf).powf(1.0 / self.n);
        let chi = FRAC_PI_2 - 2.0 * t.atan();
        let (s2, c2) = (2.0 * chi).sin_cos();
        let s4 = 2.0 * s2 * c2;
        let c4 = c2 * c2 - s2 * s2;
        let s6 = s4 * c2 + c4 * s2;
        let s8 = 2.0 * s4 * c4;
        let [k2, k4, k6, k8] = self.series;
        let phi = chi + k2 * s2 + k4 * s4 + k6 * s6 + k8 * s8;
        let mut lon = theta / self.n + self.lon0;
        if lon.abs() > PI {
            lon -= 2.0 * PI * (lon / (2.0 * PI)).round();
        }
        (lon.to_degrees(), phi.to_degrees())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::{resolve, CrsHint, Reprojector};
    use geo_types::{point, Geometry};

    #[test]
    fn the_fast_path_matches_proj4rs_within_a_tenth_of_a_millimetre() {
        for code in [2154, 3942, 3946, 3950] {
            let proj = resolve(&CrsHint::Epsg(code)).unwrap().proj.unwrap();
            let fast = InverseLcc::from_proj(&proj).unwrap();
            let reference = Reprojector::with_proj4rs(&proj).unwrap();
            for i in 0..20 {
                for j in 0..20 {
                    let x = 100_000.0 + 55_000.0 * f64::from(i);
                    let y = match code {
                        2154 => 6_050_000.0 + 55_000.0 * f64::from(j),
                        _ => 1_000_000.0 + 20_000.0 * f64::from(j),
                    };
                    let mut geometry = Geometry::Point(point!(x: x, y: y));
                    reference.project(&mut geometry).unwrap();
                    let Geometry::Point(expected) = geometry else {
                        unreachable!()
                    };
                    let (lon, lat) = fast.inverse(x, y);
                    assert!(
                        (lon - expected.x()).abs() < 1e-9 && (lat - expected.y()).abs() < 1e-9,
                        "EPSG:{code} {x} {y}: {lon} {lat} vs {expected:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn other_projections_are_left_to_proj4rs() {
        assert!(InverseLcc::from_proj(
            "+proj=utm +zone=22 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
        .is_none());
        let ntf = resolve(&CrsHint::Epsg(27572)).unwrap().proj.unwrap();
        assert!(InverseLcc::from_proj(&ntf).is_none());
    }
}
