//! The whole globe: countries, an ocean, a polar grid and lines across the antimeridian keep
//! their area at the maximum zoom and show on both sides of ±180°.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use flatgeobuf::GeometryType;
use geo::{Area, BooleanOps, MapCoords};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use helpers::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::*;

const MAX_ZOOM: u8 = 5;

/// The countries of npm `@geo-maps/countries-land-10km`, installed by `scripts/tools`.
fn countries_file() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@geo-maps/countries-land-10km/map.geo.json");
    assert!(
        path.is_file(),
        "{} not found: run scripts/tools to install the test data",
        path.display()
    );
    path
}

fn ring(coords: &Json) -> LineString<f64> {
    coords
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
        .collect::<Vec<_>>()
        .into()
}

fn polygon(coords: &Json) -> Polygon<f64> {
    let rings = coords.as_array().unwrap();
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

fn countries() -> Vec<Geometry<f64>> {
    let data: Json = serde_json::from_slice(&std::fs::read(countries_file()).unwrap()).unwrap();
    data["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            match g["type"].as_str().unwrap() {
                "Polygon" => Geometry::Polygon(polygon(&g["coordinates"])),
                _ => Geometry::MultiPolygon(MultiPolygon::new(
                    g["coordinates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(polygon)
                        .collect(),
                )),
            }
        })
        .collect()
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].into()
}

/// The world minus three "continents".
fn ocean() -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        rect(-180.0, -90.0, 180.0, 90.0),
        vec![
            rect(-120.0, 10.0, -70.0, 60.0),
            rect(0.0, -30.0, 40.0, 30.0),
            rect(100.0, -40.0, 150.0, -10.0),
        ],
    ))
}

/// Cells around both poles, 30° wide.
fn polar_grid() -> Vec<Geometry<f64>> {
    let mut cells = Vec::new();
    for (lat0, lat1) in [(70.0, 80.0), (80.0, 90.0), (-80.0, -70.0), (-90.0, -80.0)] {
        for k in 0..12 {
            let lon = -180.0 + f64::from(k) * 30.0;
            cells.push(Geometry::Polygon(Polygon::new(
                rect(lon, lat0, lon + 30.0, lat1),
                vec![],
            )));
        }
    }
    cells
}

/// A cell written across the antimeridian, from 170° to 190°.
fn dateline_cell() -> Vec<Geometry<f64>> {
    vec![Geometry::Polygon(Polygon::new(
        rect(170.0, 60.0, 190.0, 68.0),
        vec![],
    ))]
}

fn dateline_lines() -> Vec<Geometry<f64>> {
    vec![
        Geometry::LineString(vec![(170.0, 0.0), (190.0, 2.0)].into()),
        Geometry::LineString(vec![(-190.0, 20.0), (-170.0, 22.0)].into()),
        Geometry::LineString(vec![(175.0, -20.0), (180.0, -20.0)].into()),
        Geometry::LineString(vec![(-180.0, -21.0), (-175.0, -21.0)].into()),
    ]
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

/// Web Mercator area of polygons within the world's latitudes, in tile units of `z`, with the
/// tiler's projection: vertices projected, then cut at the latitude limit.
fn mercator_area(geometries: &[Geometry<f64>], z: u8) -> f64 {
    let world = Polygon::new(rect(-2.0, 0.0, 3.0, 1.0), vec![]);
    let project = |c: Coord<f64>| {
        let s = c.y.clamp(-89.9999, 89.9999).to_radians().sin();
        Coord {
            x: c.x / 360.0 + 0.5,
            y: 0.5 - 0.25 * ((1.0 + s) / (1.0 - s)).ln() / std::f64::consts::PI,
        }
    };
    let scale = f64::from(4096u32 << z);
    geometries
        .iter()
        .map(|g| {
            let mp = match g {
                Geometry::Polygon(p) => MultiPolygon::new(vec![p.map_coords(project)]),
                Geometry::MultiPolygon(m) => m.map_coords(project),
                _ => return 0.0,
            };
            mp.intersection(&world).unsigned_area() * scale * scale
        })
        .sum()
}

fn check_polygons(archive: &Path) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check_polygons.py");
    let out = Command::new(tools().join("python"))
        .arg(script)
        .arg(archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_globe_keeps_its_areas_at_max_zoom_and_shows_on_both_sides_of_the_antimeridian() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (land, sea, polar, cell) = (countries(), vec![ocean()], polar_grid(), dateline_cell());
    write_db(
        &db,
        &[
            layer("countries", land.clone()),
            layer("ocean", sea.clone()),
            layer("polar", polar.clone()),
            layer("cell", cell.clone()),
            layer("lines", dateline_lines()),
        ],
    );
    let out = dir.path().join("out.pmtiles");
    let options = TileOptions {
        max_zoom: Some(MAX_ZOOM),
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    let report = tile_database(&db, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.features_dropped, 0, "{report:?}");
    let check = check_polygons(&out);
    assert_eq!(check["invalid_count"], 0, "{check}");
    assert_eq!(check["zero_area_tile_count"], 0, "{check}");
    let areas = &check["areas"][MAX_ZOOM.to_string()];
    let layers = [
        ("countries", &land),
        ("ocean", &sea),
        ("polar", &polar),
        ("cell", &cell),
    ];
    for (name, geometries) in layers {
        let expected = mercator_area(geometries, MAX_ZOOM);
        let got = areas[name].as_f64().unwrap();
        assert!(
            (got - expected).abs() <= expected * 0.01,
            "{name}: {got} tile units² at z{MAX_ZOOM}, expected {expected}"
        );
    }
    // The features crossing ±180° show in the first and the last column of tiles.
    let decoded = decode(&out);
    let last = (1u64 << MAX_ZOOM) - 1;
    for name in ["lines", "cell"] {
        for column in [0, last] {
            let present = tiles_at(&decoded, u64::from(MAX_ZOOM)).iter().any(|t| {
                t["x"] == column
                    && t["layers"][name]["features"]
                        .as_array()
                        .is_some_and(|f| !f.is_empty())
            });
            assert!(present, "layer {name} is missing from column {column}");
        }
    }
}
