//! Detection of coordinate reference systems and reprojection to WGS84 longitude/latitude.

use crate::lcc::InverseLcc;
use crate::wkt_crs;
use geo_types::{Coord, Geometry};
use proj4rs::Proj;

/// How a source declares its CRS.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CrsHint {
    /// The format is WGS84 by definition (GeoJSON, CSV without declaration).
    Wgs84,
    /// An EPSG code.
    Epsg(u32),
    /// A textual declaration: `EPSG:2154`, an OGC URN, WKT or a PROJ string.
    Text(String),
    /// The source should declare a CRS but does not (a Shapefile without `.prj`).
    Missing(String),
}

/// A resolved CRS: a label for the schema and how to reach WGS84.
#[derive(Debug, Clone)]
pub(crate) struct Crs {
    /// `EPSG:2154`, or the name found in the definition.
    pub label: String,
    /// PROJ definition of the source, `None` when the source already is WGS84 lon/lat.
    pub proj: Option<String>,
    /// Whether the source uses projected (metric) coordinates.
    pub projected: bool,
}

/// WGS84 longitude/latitude.
pub(crate) fn wgs84() -> Crs {
    Crs {
        label: "EPSG:4326".to_string(),
        proj: None,
        projected: false,
    }
}

/// Well-known CRS names found in `.prj` files without an authority code.
const KNOWN_NAMES: &[(&str, u32)] = &[
    ("rgf1993lambert93", 2154),
    ("rgf93lambert93", 2154),
    ("rgf93v2lambert93", 2154),
    ("rgf93v2blambert93", 2154),
    ("wgs84", 4326),
    ("gcswgs1984", 4326),
    ("wgs1984", 4326),
    ("wgs1984webmercatorauxiliarysphere", 3857),
    ("wgs84pseudomercator", 3857),
    ("ntfparislambertiietendu", 27572),
    ("ntfparislambertzoneii", 27572),
    ("ntfparislambertii", 27572),
    ("rgfg95utmzone22n", 2972),
    ("rgr92utmzone40s", 2975),
    ("rgm04utmzone38s", 4471),
    ("rgspm06utmzone21n", 4467),
    ("rraf1991utmzone20n", 4559),
    ("rgaf09utmzone20n", 5490),
];

fn compact(name: &str) -> String {
    crate::names::normalise(name, "").replace('_', "")
}

fn known_name(name: &str) -> Option<u32> {
    let key = compact(name);
    if let Some((_, code)) = KNOWN_NAMES.iter().find(|(known, _)| *known == key) {
        return Some(*code);
    }
    // Conic conformal zones: "RGF93 / CC46", "RGF_1993_CC46".
    for prefix in ["rgf1993cc", "rgf93cc", "rgf93v2cc", "rgf93v2bcc"] {
        if let Some(zone) = key.strip_prefix(prefix).and_then(|z| z.parse::<u32>().ok()) {
            if (42..=50).contains(&zone) {
                return Some(3900 + zone);
            }
        }
    }
    None
}

/// Parses a textual CRS declaration into an EPSG code when it is one.
fn epsg_from_text(text: &str) -> Option<u32> {
    let trimmed = text.trim();
    let upper = trimmed.to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
        return Some(4326);
    }
    let code = if let Some(rest) = upper.strip_prefix("EPSG:") {
        rest
    } else if upper.starts_with("URN:OGC:DEF:CRS:EPSG:") {
        upper.rsplit(':').next()?
    } else if upper.contains("/DEF/CRS/EPSG/") {
        upper.rsplit('/').next()?
    } else {
        &upper
    };
    code.trim().parse().ok()
}

fn from_epsg(code: u32, found: &str) -> Result<Crs, String> {
    let def = u16::try_from(code)
        .ok()
        .and_then(crs_definitions::from_code)
        .ok_or_else(|| format!("EPSG:{code} (from {found}) is not a known EPSG code"))?;
    from_proj(def.proj4, format!("EPSG:{code}"))
}

fn from_proj(proj: &str, label: String) -> Result<Crs, String> {
    let parsed = Proj::from_proj_string(proj)
        .map_err(|error| format!("{label} cannot be used for reprojection ({error})"))?;
    let latlong = parsed.is_latlong();
    let wgs84_datum = proj.contains("+datum=WGS84") || proj.contains("+ellps=WGS84");
    let is_wgs84 = latlong && wgs84_datum && !proj.contains("+pm=") && !proj.contains("+towgs84");
    Ok(Crs {
        label,
        proj: (!is_wgs84).then(|| proj.to_string()),
        projected: !latlong,
    })
}

/// Resolves a declaration into a CRS, or explains what was found.
pub(crate) fn resolve(hint: &CrsHint) -> Result<Crs, String> {
    match hint {
        CrsHint::Wgs84 => Ok(wgs84()),
        CrsHint::Epsg(code) => from_epsg(*code, &format!("EPSG code {code}")),
        CrsHint::Missing(what) => Err(what.clone()),
        CrsHint::Text(text) => resolve_text(text),
    }
}

fn resolve_text(text: &str) -> Result<Crs, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("an empty CRS definition".to_string());
    }
    if trimmed.starts_with('+') {
        return from_proj(trimmed, trimmed.to_string());
    }
    if let Some(code) = epsg_from_text(trimmed) {
        return from_epsg(code, &format!("`{trimmed}`"));
    }
    let shown: String = trimmed.chars().take(120).collect();
    let node = wkt_crs::parse(trimmed)
        .ok_or_else(|| format!("`{shown}`, which is neither an EPSG code nor a WKT definition"))?;
    if let Some(code) = node.epsg_code() {
        if let Ok(crs) = from_epsg(code, "the WKT authority") {
            return Ok(crs);
        }
    }
    let name = node.name().unwrap_or("").to_string();
    if let Some(code) = known_name(&name) {
        return from_epsg(code, &format!("the name `{name}`"));
    }
    let converted = std::panic::catch_unwind(|| proj4wkt::wkt_to_projstring(trimmed).ok())
        .ok()
        .flatten();
    match converted {
        Some(proj) => from_proj(&proj, name.clone())
            .map_err(|_| format!("`{name}` ({shown}), whose projection is not supported")),
        None => Err(format!(
            "`{name}` ({shown}), which has no EPSG code and could not be interpreted"
        )),
    }
}

/// Reprojects geometries from a source CRS to WGS84 lon/lat degrees.
pub(crate) enum Reprojector {
    /// The closed-form inverse Lambert conformal conic of the French grids.
    Lcc(InverseLcc),
    /// Any projection proj4rs knows.
    Proj4rs {
        /// Source projection.
        src: Box<Proj>,
        /// WGS84 (or the source datum when the shift is null).
        dst: Box<Proj>,
        /// Whether the source is in degrees.
        src_latlong: bool,
    },
}

impl Reprojector {
    /// Builds the transformation for a source PROJ definition.
    pub fn new(proj: &str) -> Result<Self, String> {
        match InverseLcc::from_proj(proj) {
            Some(lcc) => Ok(Reprojector::Lcc(lcc)),
            None => Self::with_proj4rs(proj),
        }
    }

    /// Builds the transformation with proj4rs only.
    pub fn with_proj4rs(proj: &str) -> Result<Self, String> {
        let src = Proj::from_proj_string(proj).map_err(|error| error.to_string())?;
        // RGF93, ETRS89, NAD83 and co. with a null shift are WGS84 for mapping purposes: keep the
        // same datum on both sides so no geocentric round trip is made, as PROJ does.
        let null_shift =
            proj.contains("+towgs84=0,0,0,0,0,0,0") || proj.contains("+towgs84=0,0,0 ");
        let dst_def = if null_shift {
            proj.split_whitespace()
                .filter(|p| {
                    p.starts_with("+ellps=")
                        || p.starts_with("+a=")
                        || p.starts_with("+b=")
                        || p.starts_with("+rf=")
                        || p.starts_with("+towgs84=")
                })
                .fold("+proj=longlat".to_string(), |acc, p| format!("{acc} {p}"))
        } else {
            "+proj=longlat +datum=WGS84".to_string()
        };
        let dst = Proj::from_proj_string(&dst_def).map_err(|error| error.to_string())?;
        Ok(Reprojector::Proj4rs {
            src_latlong: src.is_latlong(),
            src: Box::new(src),
            dst: Box::new(dst),
        })
    }

    /// Reprojects one geometry in place; fails on coordinates outside the projection's domain.
    pub fn project(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        let (src, dst, src_latlong) = match self {
            Reprojector::Lcc(lcc) => {
                return for_each_coord(geometry, &mut |c| {
                    (c.x, c.y) = lcc.inverse(c.x, c.y);
                    Ok(())
                })
            }
            Reprojector::Proj4rs {
                src,
                dst,
                src_latlong,
            } => (src, dst, *src_latlong),
        };
        let mut points = GeometryPoints {
            geometry,
            src_latlong,
        };
        if src_latlong {
            for_each_coord(points.geometry, &mut |c| {
                c.x = c.x.to_radians();
                c.y = c.y.to_radians();
                Ok(())
            })?;
        }
        proj4rs::transform::transform(src, dst, &mut points)
            .map_err(|error| format!("reprojection failed ({error})"))?;
        let _ = points.src_latlong;
        for_each_coord(geometry, &mut |c| {
            c.x = c.x.to_degrees();
            c.y = c.y.to_degrees();
            Ok(())
        })
    }
}

struct GeometryPoints<'a> {
    geometry: &'a mut Geometry<f64>,
    src_latlong: bool,
}

impl proj4rs::transform::Transform for GeometryPoints<'_> {
    fn transform_coordinates<F: proj4rs::transform::TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        let mut failure = None;
        let _ = for_each_coord(self.geometry, &mut |c| match f(c.x, c.y, 0.0) {
            Ok((x, y, _)) => {
                c.x = x;
                c.y = y;
                Ok(())
            }
            Err(error) => {
                failure = Some(error);
                Err(String::new())
            }
        });
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Calls `f` on every coordinate of a geometry, stopping at the first error.
pub(crate) fn for_each_coord(
    geometry: &mut Geometry<f64>,
    f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
) -> Result<(), String> {
    fn line(
        line: &mut geo_types::LineString<f64>,
        f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
    ) -> Result<(), String> {
        line.0.iter_mut().try_for_each(f)
    }
    fn polygon(
        polygon: &mut geo_types::Polygon<f64>,
        f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut result = Ok(());
        polygon.exterior_mut(|ring| result = line(ring, f));
        result?;
        let mut result = Ok(());
        polygon.interiors_mut(|rings| {
            result = rings.iter_mut().try_for_each(|ring| line(ring, f));
        });
        result
    }
    match geometry {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => {
            f(&mut l.start)?;
            f(&mut l.end)
        }
        Geometry::LineString(l) => line(l, f),
        Geometry::Polygon(p) => polygon(p, f),
        Geometry::MultiPoint(m) => m.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(m) => m.0.iter_mut().try_for_each(|l| line(l, f)),
        Geometry::MultiPolygon(m) => m.0.iter_mut().try_for_each(|p| polygon(p, f)),
        Geometry::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| for_each_coord(g, f)),
        Geometry::Rect(r) => {
            let mut min = r.min();
            let mut max = r.max();
            f(&mut min)?;
            f(&mut max)?;
            *r = geo_types::Rect::new(min, max);
            Ok(())
        }
        Geometry::Triangle(t) => {
            let (mut a, mut b, mut c) = (t.v1(), t.v2(), t.v3());
            f(&mut a)?;
            f(&mut b)?;
            f(&mut c)?;
            *t = geo_types::Triangle::new(a, b, c);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::point;

    #[test]
    fn textual_declarations_give_epsg_labels() {
        for text in [
            "EPSG:2154",
            "urn:ogc:def:crs:EPSG::2154",
            "http://www.opengis.net/def/crs/EPSG/0/2154",
            "2154",
        ] {
            assert_eq!(
                resolve(&CrsHint::Text(text.into())).unwrap().label,
                "EPSG:2154",
                "{text}"
            );
        }
        assert!(
            resolve(&CrsHint::Text("urn:ogc:def:crs:OGC:1.3:CRS84".into()))
                .unwrap()
                .proj
                .is_none()
        );
    }

    #[test]
    fn an_esri_lambert_93_prj_is_recognised_by_name() {
        let prj = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;
        assert_eq!(
            resolve(&CrsHint::Text(prj.into())).unwrap().label,
            "EPSG:2154"
        );
    }

    #[test]
    fn unknown_definitions_are_explained() {
        let error = resolve(&CrsHint::Text(
            "PROJCS[\"My local grid\",UNIT[\"m\",1]]".into(),
        ))
        .unwrap_err();
        assert!(error.contains("My local grid"), "{error}");
        assert!(resolve(&CrsHint::Epsg(99999))
            .unwrap_err()
            .contains("99999"));
    }

    #[test]
    fn lambert_93_reprojects_paris_notre_dame() {
        let crs = resolve(&CrsHint::Epsg(2154)).unwrap();
        let reprojector = Reprojector::new(crs.proj.as_deref().unwrap()).unwrap();
        let mut geometry = Geometry::Point(point!(x: 652_469.02, y: 6_861_333.84));
        reprojector.project(&mut geometry).unwrap();
        let Geometry::Point(p) = geometry else {
            unreachable!()
        };
        assert!(
            (p.x() - 2.35).abs() < 0.01 && (p.y() - 48.853).abs() < 0.01,
            "{p:?}"
        );
    }

    #[test]
    fn every_required_epsg_code_is_available() {
        for code in [
            4326, 3857, 2154, 3942, 3943, 3944, 3945, 3946, 3947, 3948, 3949, 3950, 27572, 2972,
            2975, 4471, 4467, 4559, 5490,
        ] {
            let crs = resolve(&CrsHint::Epsg(code)).unwrap();
            if let Some(proj) = crs.proj {
                Reprojector::new(&proj).unwrap();
            }
        }
    }
}
