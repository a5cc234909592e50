//! Every polygon of every tile is valid by GEOS (shapely `is_valid`), at every zoom.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use flatgeobuf::GeometryType;
use geo_types::{Geometry, LineString, MultiPolygon, Polygon};
use helpers::*;
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::*;

/// Runs `tests/check_polygons.py` on an archive.
pub fn check_polygons(archive: &Path) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check_polygons.py");
    let out = Command::new(tools().join("python"))
        .arg(script)
        .arg(archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "checker failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ring(points: Vec<(f64, f64)>) -> LineString<f64> {
    LineString::from(points)
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
}

/// A square of 20° with a hole of 10°: tiles inside the hole, inside the ring and across.
fn frame() -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        ring(rect(0.0, 40.0, 20.0, 58.0)),
        vec![ring(rect(4.0, 44.0, 16.0, 54.0))],
    ))
}

/// A comb: thin teeth a few metres apart that simplification and quantisation collapse, with
/// holes close to the teeth and across tile edges.
fn comb() -> Geometry<f64> {
    let mut pts = vec![(-5.0, 30.0)];
    for k in 0..200 {
        let x = -5.0 + k as f64 * 0.05;
        pts.push((x, 31.0 + (k % 7) as f64 * 0.01));
        pts.push((x + 0.0004, 31.0 + (k % 7) as f64 * 0.01));
        pts.push((x + 0.0004, 30.5));
        pts.push((x + 0.05, 30.5));
    }
    pts.push((5.0, 30.0));
    pts.push((-5.0, 30.0));
    let holes = (0..20)
        .map(|k| {
            let x = -4.9 + k as f64 * 0.5;
            ring(rect(x, 30.0005, x + 0.3, 30.4999))
        })
        .collect();
    Geometry::Polygon(Polygon::new(ring(pts), holes))
}

/// Polygons of a multipolygon touching along an edge and overlapping after quantisation.
fn neighbours() -> Geometry<f64> {
    let cells = (0..30)
        .map(|k| {
            let x = 10.0 + k as f64 * 0.001;
            Polygon::new(ring(rect(x, 10.0, x + 0.001, 10.002)), vec![])
        })
        .collect();
    Geometry::MultiPolygon(MultiPolygon::new(cells))
}

fn layer(name: &str, geometries: Vec<Geometry<f64>>) -> TestLayer {
    TestLayer {
        name: name.into(),
        geometry_type: GeometryType::Unknown,
        fields: vec![],
        features: geometries
            .into_iter()
            .map(|geometry| TestFeature {
                geometry,
                attrs: vec![],
            })
            .collect(),
    }
}

fn tile(db: &Path, out: &Path, min: u8, max: u8, tmp: &Path) -> TileReport {
    let options = TileOptions {
        min_zoom: min,
        max_zoom: Some(max),
        temp_dir: Some(tmp.to_path_buf()),
        ..TileOptions::default()
    };
    tile_database(db, out, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn assert_all_valid(check: &Json) {
    assert_eq!(check["invalid_count"], 0, "invalid polygons: {check}");
    assert_eq!(
        check["zero_area_tile_count"], 0,
        "tiles whose polygons enclose no area: {check}"
    );
}

#[test]
fn polygons_with_holes_combs_and_touching_parts_are_valid_at_every_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut squares = Vec::new();
    for i in 0..60 {
        let (lon, lat) = (2.0 + (i % 10) as f64 * 0.07, 48.0 + (i / 10) as f64 * 0.07);
        squares.push(square_with_hole(lon, lat, 0.03));
    }
    write_db(
        &db,
        &[
            layer("squares", squares),
            layer("shapes", vec![comb(), neighbours()]),
        ],
    );
    let out = dir.path().join("out.pmtiles");
    tile(&db, &out, 0, 12, dir.path());
    let check = check_polygons(&out);
    assert!(check["checked"].as_u64().unwrap() > 500, "{check}");
    assert_all_valid(&check);
}

#[test]
fn tiles_inside_a_hole_are_empty_and_tiles_inside_a_polygon_are_one_stored_square() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[layer("frame", vec![frame()])]);
    let out = dir.path().join("out.pmtiles");
    let report = tile(&db, &out, 0, 8, dir.path());
    let check = check_polygons(&out);
    assert_all_valid(&check);
    let decoded = decode(&out);
    let (hx, hy) = {
        let (px, py) = tile_coords(10.0, 49.0, 8, 0, 0);
        ((px / 4096.0) as u64, (py / 4096.0) as u64)
    };
    let in_hole = decoded["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["z"] == 8 && t["x"] == hx && t["y"] == hy);
    assert!(!in_hole, "tile 8/{hx}/{hy} lies inside the hole yet exists");
    // Tiles wholly inside the ring hold one square each and share one stored content.
    let z8 = tiles_at(&decoded, 8);
    let squares = z8
        .iter()
        .filter(|t| {
            let f = &t["layers"]["frame"]["features"][0];
            f["type"] == "Polygon" && f["coordinates"][0].as_array().unwrap().len() == 5
        })
        .count();
    assert!(squares > 40, "{squares} tiles are one square");
    assert!(
        report.unique_tiles + squares as u64 - 1 <= report.tiles,
        "{report:?}"
    );
}
