//! Conversion of WKT1 definitions (OGC and ESRI flavours) into PROJ strings by their projection
//! method, parameters and units, so that a `.prj` without an authority code is understood
//! whatever its names: US State Plane in US survey feet, Gauss-Krüger zones, Albers, RD New.

use crate::wkt_crs::Node;

/// What a WKT1 definition says, ready for datum handling.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Definition {
    /// PROJ string of the projection on the datum's ellipsoid, without any datum shift.
    pub proj: String,
    /// Name of the datum (`D_OSGB_1936`, `OSGB_1936`).
    pub datum: String,
    /// EPSG code of the geographic CRS, when the WKT gives it.
    pub geographic_code: Option<u32>,
    /// Name of the geographic CRS (`GCS_OSGB_1936`).
    pub geographic_name: String,
    /// `TOWGS84` parameters, when written.
    pub towgs84: Option<Vec<f64>>,
    /// Whether the coordinates are projected.
    pub projected: bool,
}

fn fold(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn child<'a>(node: &'a Node, keyword: &str) -> Option<&'a Node> {
    node.children
        .iter()
        .find(|c| c.keyword.eq_ignore_ascii_case(keyword))
}

fn number(node: &Node, index: usize) -> Option<f64> {
    node.values.get(index)?.trim().parse().ok()
}

fn method(name: &str) -> Option<&'static str> {
    Some(match fold(name).as_str() {
        "transversemercator" | "gausskruger" | "transversemercatorcomplex" => "tmerc",
        "lambertconformalconic" | "lambertconformalconic1sp" | "lambertconformalconic2sp" => "lcc",
        "albers" | "albersconicequalarea" => "aea",
        "doublestereographic" | "obliquestereographic" => "sterea",
        "stereographic"
        | "polarstereographic"
        | "stereographicnorthpole"
        | "stereographicsouthpole" => "stere",
        "mercator" | "mercator1sp" | "mercator2sp" => "merc",
        "lambertazimuthalequalarea" => "laea",
        "cassini" | "cassinisoldner" => "cass",
        "equirectangular" | "platecarree" | "equidistantcylindrical" => "eqc",
        "hotineobliquemercatorazimuthcenter" | "obliquemercator" => "somerc",
        _ => return None,
    })
}

/// Converts a WKT1 `PROJCS` or `GEOGCS` node; `None` when its method is not supported.
pub(crate) fn convert(node: &Node) -> Option<Definition> {
    let keyword = node.keyword.to_ascii_uppercase();
    let (geogcs, projected) = match keyword.as_str() {
        "PROJCS" => (child(node, "GEOGCS")?, true),
        "GEOGCS" => (node, false),
        _ => return None,
    };
    let datum = child(geogcs, "DATUM")?;
    let spheroid = child(datum, "SPHEROID")?;
    let a = number(spheroid, 1)?;
    let rf = number(spheroid, 2)?;
    let ellipsoid = if rf == 0.0 {
        format!("+a={a} +b={a}")
    } else {
        format!("+a={a} +rf={rf}")
    };
    let prime_meridian = child(geogcs, "PRIMEM")
        .and_then(|p| number(p, 1))
        .unwrap_or(0.0);
    let towgs84 = child(datum, "TOWGS84").map(|t| {
        t.values
            .iter()
            .filter_map(|v| v.trim().parse().ok())
            .collect::<Vec<f64>>()
    });
    let mut proj = if projected {
        let name = child(node, "PROJECTION")?.name()?.to_string();
        let projection = method(&name)?;
        let unit = child(node, "UNIT")
            .and_then(|u| number(u, 1))
            .unwrap_or(1.0);
        let mut parameters = std::collections::HashMap::new();
        for p in node
            .children
            .iter()
            .filter(|c| c.keyword.eq_ignore_ascii_case("PARAMETER"))
        {
            if let (Some(name), Some(value)) = (p.name(), number(p, 1)) {
                parameters.insert(fold(name), value);
            }
        }
        let get = |names: &[&str]| names.iter().find_map(|n| parameters.get(*n).copied());
        let lat0 = get(&[
            "latitudeoforigin",
            "latitudeofcenter",
            "latitudeofnaturalorigin",
            "latitudeoffalseorigin",
        ]);
        let lon0 = get(&[
            "centralmeridian",
            "longitudeoforigin",
            "longitudeofcenter",
            "longitudeofnaturalorigin",
            "longitudeoffalseorigin",
        ]);
        let k = get(&["scalefactor", "scalefactoratnaturalorigin"]);
        let sp1 = get(&["standardparallel1", "latitudeof1ststandardparallel"]);
        let sp2 = get(&["standardparallel2", "latitudeof2ndstandardparallel"]);
        let fe = get(&["falseeasting", "eastingatfalseorigin"]).unwrap_or(0.0) * unit;
        let fn_ = get(&["falsenorthing", "northingatfalseorigin"]).unwrap_or(0.0) * unit;
        let mut out = format!("+proj={projection}");
        let mut push = |key: &str, value: Option<f64>| {
            if let Some(value) = value {
                out.push_str(&format!(" +{key}={value}"));
            }
        };
        match projection {
            "lcc" => {
                let (lat1, lat2) = match (sp1, sp2) {
                    (Some(a), Some(b)) => (Some(a), Some(b)),
                    (Some(a), None) => (Some(a), Some(a)),
                    _ => (lat0, lat0),
                };
                push("lat_1", lat1);
                push("lat_2", lat2);
                push("lat_0", lat0.or(lat1));
                push("lon_0", lon0);
                push("k_0", k);
            }
            "aea" => {
                push("lat_1", sp1);
                push("lat_2", sp2);
                push("lat_0", lat0);
                push("lon_0", lon0);
            }
            "merc" | "eqc" => {
                push("lat_ts", sp1);
                push("lon_0", lon0);
                push("k_0", k);
            }
            _ => {
                push("lat_0", lat0);
                push("lon_0", lon0);
                push("k_0", k);
            }
        }
        push("x_0", Some(fe));
        push("y_0", Some(fn_));
        out.push_str(&format!(" {ellipsoid} +to_meter={unit}"));
        out
    } else {
        format!("+proj=longlat {ellipsoid}")
    };
    if prime_meridian != 0.0 {
        proj.push_str(&format!(" +pm={prime_meridian}"));
    }
    proj.push_str(" +no_defs");
    Some(Definition {
        proj,
        datum: datum.name().unwrap_or("").to_string(),
        geographic_code: geogcs.epsg_code(),
        geographic_name: geogcs.name().unwrap_or("").to_string(),
        towgs84,
        projected,
    })
}
