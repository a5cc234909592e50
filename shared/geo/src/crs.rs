//! Detection of coordinate reference systems and reprojection to WGS84 longitude/latitude.

pub(crate) use crate::datum::DatumPlan;
pub(crate) use crate::reproject::{for_each_coord, Reprojector};
use crate::{datum, wkt_crs, wkt_proj};
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
    /// Where the CRS is meant to be used, `[west, south, east, north]` in WGS84, when known.
    pub area: Option<[f64; 4]>,
    /// How the datum reaches WGS 84.
    pub datum: DatumPlan,
}

/// Areas of use of the French CRS (with a margin), to spot data declared in the wrong one.
const AREAS: &[(u32, [f64; 4])] = &[
    (2154, [-10.9, 40.1, 11.4, 52.6]),
    (27572, [-10.9, 40.1, 11.4, 52.6]),
    (2972, [-55.7, 1.1, -50.6, 9.9]),
    (2975, [50.8, -25.8, 59.3, -17.3]),
    (4471, [42.7, -15.5, 47.7, -10.3]),
    (4467, [-58.1, 42.4, -54.9, 48.4]),
    (4559, [-64.7, 13.1, -56.5, 19.6]),
    (5490, [-64.7, 13.1, -56.5, 19.6]),
];

fn area(code: u32) -> Option<[f64; 4]> {
    if (3942..=3950).contains(&code) {
        return Some([-10.9, 40.1, 11.4, 52.6]);
    }
    AREAS.iter().find(|(c, _)| *c == code).map(|(_, a)| *a)
}

/// WGS84 longitude/latitude.
pub(crate) fn wgs84() -> Crs {
    Crs {
        label: "EPSG:4326".to_string(),
        proj: None,
        projected: false,
        area: None,
        datum: DatumPlan::Null {
            geographic: Some(4326),
        },
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
    let geographic = wkt_crs::parse(def.wkt).and_then(|node| geographic_code(&node));
    let label = format!("EPSG:{code}");
    let mut crs = from_proj(def.proj4, label.clone())?;
    if crs.proj.is_some() {
        let (proj, plan) = with_datum(def.proj4, geographic, "", None);
        crs = Crs {
            proj: Some(proj),
            datum: plan,
            ..from_proj(def.proj4, label)?
        };
    }
    crs.area = area(code);
    Ok(crs)
}

/// EPSG code of the geographic CRS under a WKT definition.
fn geographic_code(node: &wkt_crs::Node) -> Option<u32> {
    let keyword = node.keyword.to_ascii_uppercase();
    if keyword.starts_with("GEOG") {
        return node.epsg_code();
    }
    node.children
        .iter()
        .filter(|c| {
            let k = c.keyword.to_ascii_uppercase();
            k.starts_with("PROJ") || k.starts_with("GEOG") || k == "BASEGEOGCRS"
        })
        .find_map(geographic_code)
}

const DATUM_WORDS: &[&str] = &["+datum=", "+towgs84=", "+nadgrids="];
const ELLIPSOID_WORDS: &[&str] = &["+ellps=", "+a=", "+b=", "+rf=", "+R=", "+f="];
const NULL_SHIFT: &str = "+towgs84=0,0,0,0,0,0,0";

/// A PROJ string without its datum words (and ellipsoid words when `ellipsoid` replaces them).
fn strip(proj: &str, ellipsoid: Option<String>) -> String {
    let mut out: Vec<String> = proj
        .split_whitespace()
        .filter(|w| !DATUM_WORDS.iter().any(|d| w.starts_with(d)))
        .filter(|w| ellipsoid.is_none() || !ELLIPSOID_WORDS.iter().any(|e| w.starts_with(e)))
        .map(str::to_string)
        .collect();
    if let Some(ellipsoid) = ellipsoid {
        out.push(ellipsoid);
    }
    out.push(NULL_SHIFT.to_string());
    out.join(" ")
}

/// Decides how a CRS reaches WGS 84 and gives the PROJ string its reprojection starts from.
fn with_datum(
    proj: &str,
    geographic: Option<u32>,
    datum_name: &str,
    towgs84: Option<&[f64]>,
) -> (String, DatumPlan) {
    if let Some(parameters) = towgs84.filter(|t| t.iter().any(|v| *v != 0.0)) {
        let written: Vec<String> = parameters.iter().map(f64::to_string).collect();
        let text = written.join(",");
        let mut out = strip(proj, None);
        out = out.replace(NULL_SHIFT, &format!("+towgs84={text}"));
        return (out, DatumPlan::Declared { parameters: text });
    }
    let geographic = geographic
        .filter(|code| datum::geographic(*code).is_some())
        .or_else(|| datum::geographic_by_name(datum_name));
    if geographic == Some(4326) {
        return (strip(proj, None), DatumPlan::Null { geographic });
    }
    if let Some(code) = geographic.filter(|code| !datum::helmerts(*code).is_empty()) {
        let all_null = datum::helmerts(code)
            .iter()
            .all(|h| h.parameters.iter().all(|p| *p == 0.0));
        if all_null {
            let kept = if proj.contains(NULL_SHIFT) {
                proj.to_string()
            } else {
                strip(proj, None)
            };
            return (kept, DatumPlan::Null { geographic });
        }
        let ellipsoid = datum::geographic(code).map(|g| {
            if g.inv_f == 0.0 {
                format!("+a={} +b={}", g.a, g.a)
            } else {
                format!("+a={} +rf={}", g.a, g.inv_f)
            }
        });
        return (
            strip(proj, ellipsoid),
            DatumPlan::Table { geographic: code },
        );
    }
    if towgs84.is_some() || proj.contains(NULL_SHIFT) && datum_name.is_empty() {
        return (proj.to_string(), DatumPlan::Null { geographic });
    }
    if let Some(word) = proj
        .split_whitespace()
        .find(|w| w.starts_with("+towgs84=") || w.starts_with("+datum="))
    {
        return (
            proj.to_string(),
            DatumPlan::Declared {
                parameters: word.trim_start_matches('+').to_string(),
            },
        );
    }
    let wgs84_like = proj.contains("+ellps=GRS80")
        || proj.contains("+ellps=WGS84")
        || proj.contains("+a=6378137 ");
    if wgs84_like {
        return (strip(proj, None), DatumPlan::Null { geographic });
    }
    let datum = if datum_name.is_empty() {
        "an unknown datum".to_string()
    } else {
        datum_name.to_string()
    };
    (strip(proj, None), DatumPlan::Ballpark { datum })
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
        area: None,
        datum: DatumPlan::Null { geographic: None },
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
    let trimmed = text.trim_start_matches('\u{feff}').trim();
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
    let definition = wkt_proj::convert(&node).ok_or_else(|| {
        format!("`{name}` ({shown}), whose projection is not supported; choose its EPSG code")
    })?;
    let (proj, plan) = with_datum(
        &definition.proj,
        definition.geographic_code,
        &definition.datum,
        definition.towgs84.as_deref(),
    );
    let mut crs = from_proj(&proj, name.clone())
        .map_err(|_| format!("`{name}` ({shown}), whose projection is not supported"))?;
    if !definition.projected && matches!(plan, DatumPlan::Null { .. }) && !proj.contains("+pm=") {
        crs.proj = None;
    }
    crs.datum = plan;
    Ok(crs)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_required_epsg_code_is_available() {
        for code in [
            4326, 3857, 2154, 3942, 3943, 3944, 3945, 3946, 3947, 3948, 3949, 3950, 27572, 2972,
            2975, 4471, 4467, 4559, 5490,
        ] {
            let crs = resolve(&CrsHint::Epsg(code)).unwrap();
            if crs.proj.is_some() {
                Reprojector::for_crs(&crs).unwrap();
            }
        }
    }
}
