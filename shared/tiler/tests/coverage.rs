//! A grid of polygons too small to draw below the maximum zoom keeps its coverage there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use flatgeobuf::GeometryType;
use geo_types::{Geometry, Polygon};
use helpers::*;
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::*;

const CELL: f64 = 0.002;
const COLUMNS: usize = 40;
const ROWS: usize = 30;

fn grid() -> TestLayer {
    let mut features = Vec::new();
    for i in 0..COLUMNS * ROWS {
        let (x, y) = (
            5.0 + (i % COLUMNS) as f64 * CELL,
            45.0 + (i / COLUMNS) as f64 * CELL,
        );
        let ring = vec![
            (x, y),
            (x + CELL, y),
            (x + CELL, y + CELL),
            (x, y + CELL),
            (x, y),
        ];
        features.push(TestFeature {
            geometry: Geometry::Polygon(Polygon::new(ring.into(), vec![])),
            attrs: vec![],
        });
    }
    TestLayer {
        name: "cells".into(),
        geometry_type: GeometryType::Polygon,
        fields: vec![],
        features,
    }
}

/// Area of the grid in tile units of zoom `z`.
fn grid_area(z: u8) -> f64 {
    let y = |lat: f64| {
        let s = lat.to_radians().sin();
        0.5 - 0.25 * ((1.0 + s) / (1.0 - s)).ln() / std::f64::consts::PI
    };
    let w = COLUMNS as f64 * CELL / 360.0;
    let h = y(45.0) - y(45.0 + ROWS as f64 * CELL);
    w * h * f64::from(4096u32 << z).powi(2)
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
fn tiny_cells_add_up_into_squares_that_keep_the_grid_covered_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[grid()]);
    let out = dir.path().join("out.pmtiles");
    let options = TileOptions {
        max_zoom: Some(12),
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    let report = tile_database(&db, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    let check = check_polygons(&out);
    assert_eq!(check["invalid_count"], 0, "{check}");
    for z in 3..=7u8 {
        let expected = grid_area(z);
        let got = check["areas"][z.to_string()]["cells"]
            .as_f64()
            .unwrap_or(0.0);
        assert!(
            got > expected * 0.5 && got < expected * 2.0,
            "z{z}: the grid covers {got} tile units², expected about {expected}"
        );
        // Below z7 every cell is under the minimum size: left out, and reported.
        let counts = &report.zooms[usize::from(z)].layers[0];
        if z < 7 {
            assert!(counts.too_small > 0, "z{z}: {counts:?}");
        }
    }
}
