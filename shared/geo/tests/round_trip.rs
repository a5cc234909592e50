//! Real data written by GDAL in every format ingests to the same features, attributes and
//! coordinates (within 1 cm of GDAL's own reprojection for the Lambert-93 Shapefile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use geo::CoordsIter;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::Path;
use tuilerie_geo::ingest::{ingest, IngestOptions};
use tuilerie_geo::vectordb::Feature;

fn rings(feature: &Feature) -> Vec<Vec<(f64, f64)>> {
    use geo_types::Geometry;
    let polygons = match &feature.geometry {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        other => panic!("unexpected geometry {other:?}"),
    };
    polygons
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| ring.coords_iter().map(|c| (c.x, c.y)).collect())
        .collect()
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * 111_320.0 * a.1.to_radians().cos();
    let dy = (a.1 - b.1) * 110_540.0;
    (dx * dx + dy * dy).sqrt()
}

/// Ingests one fixture and checks it against a reference written by the fixture script.
fn check(file: &str, reference: &str, expected_crs: &str) {
    let fixtures = helpers::communes();
    let out = tempfile::tempdir().unwrap();
    let report = ingest(&fixtures.join(file), out.path(), &IngestOptions::default()).unwrap();
    let reference: HashMap<String, Json> =
        serde_json::from_slice(&std::fs::read(fixtures.join(reference)).unwrap()).unwrap();
    assert_eq!(report.schema.layers.len(), 1);
    let layer = &report.schema.layers[0];
    assert_eq!(layer.source_crs, expected_crs);
    assert_eq!(layer.feature_count as usize, reference.len(), "{file}");
    assert_eq!(layer.skipped_count, 0);
    let features = helpers::features(out.path(), &layer.name);
    assert_eq!(features.len(), reference.len());
    let mut worst: f64 = 0.0;
    for feature in &features {
        let code = helpers::text(helpers::property(feature, "code"));
        let expected = reference
            .get(&code)
            .unwrap_or_else(|| panic!("{file}: unknown code {code}"));
        assert_eq!(
            helpers::text(helpers::property(feature, "nom")),
            expected["nom"].as_str().unwrap(),
            "{file} {code}"
        );
        assert_eq!(
            helpers::text(helpers::property(feature, "type")),
            expected["type"].as_str().unwrap()
        );
        assert_eq!(
            helpers::text(helpers::property(feature, "population")),
            expected["population"].to_string()
        );
        let ratio: f64 = helpers::text(helpers::property(feature, "ratio"))
            .parse()
            .unwrap();
        assert!((ratio - expected["ratio"].as_f64().unwrap()).abs() < 1e-9);
        let ours = rings(feature);
        let theirs: Vec<Vec<(f64, f64)>> = expected["rings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ring| {
                ring.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                    .collect()
            })
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{file} {code}: ring count");
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a.len(), b.len(), "{file} {code}: vertex count");
            for (p, q) in a.iter().zip(b) {
                worst = worst.max(metres(*p, *q));
            }
        }
    }
    assert!(
        worst < 0.01,
        "{file}: a vertex is {worst} m away from the reference"
    );
}

#[test]
fn a_geopackage_written_by_gdal_round_trips() {
    check("communes.gpkg", "reference.json", "EPSG:4326");
}

#[test]
fn a_lambert_93_zipped_shapefile_with_latin_1_attributes_matches_gdal_reprojection() {
    check("communes_shp.zip", "reference_shp.json", "EPSG:2154");
}

#[test]
fn a_flatgeobuf_written_by_gdal_round_trips() {
    check("communes.fgb", "reference.json", "EPSG:4326");
}

#[test]
fn a_csv_with_a_wkt_column_written_by_gdal_round_trips() {
    check("communes.csv", "reference.json", "EPSG:4326");
}

#[test]
fn a_geojson_written_by_gdal_round_trips() {
    check("communes.geojson", "reference.json", "EPSG:4326");
}

#[test]
fn a_zip_mixing_formats_gives_one_layer_per_file_with_unique_names() {
    let fixtures = helpers::communes();
    let dir = tempfile::tempdir().unwrap();
    let geojson = std::fs::read(fixtures.join("communes.geojson")).unwrap();
    let fgb = std::fs::read(fixtures.join("communes.fgb")).unwrap();
    let archive = helpers::zip(
        dir.path(),
        "upload.zip",
        &[
            ("a/communes.geojson", &geojson),
            ("b/communes.fgb", &fgb),
            ("notes.docx", b"x"),
        ],
    );
    let out = dir.path().join("db");
    let report = ingest(&archive, &out, &IngestOptions::default()).unwrap();
    let names: Vec<&str> = report
        .schema
        .layers
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["communes", "communes_2"]);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.code == "ignored_file" && w.message.contains("notes.docx")));
    assert!(Path::new(&out).join("communes_2.fgb").exists());
    assert_eq!(helpers::features(&out, "communes_2").len(), 101);
}
