//! Files as users have them: geometry collections, and what ingestion skips, reach the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::*;
use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::*;

const COLLECTION: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"a":1},"geometry":{"type":"GeometryCollection","geometries":[
 {"type":"Point","coordinates":[2,48]},
 {"type":"LineString","coordinates":[[2,48],[2.1,48.1]]},
 {"type":"Polygon","coordinates":[[[2,48],[2.05,48],[2.05,48.05],[2,48.05],[2,48]]]}]}},
{"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":[2.2,48.2]}}
]}"#;

#[test]
fn a_geometry_collection_is_split_into_its_parts_with_the_same_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("collection.geojson");
    std::fs::write(&input, COLLECTION).unwrap();
    let out = dir.path().join("out.pmtiles");
    let options = TileOptions {
        max_zoom: Some(10),
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    let report = tile_file(&input, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.features_read, 2);
    let decoded = decode(&out);
    let mut parts = BTreeSet::new();
    for t in tiles_at(&decoded, 10) {
        for f in t["layers"]["collection"]["features"].as_array().unwrap() {
            parts.insert((
                f["properties"]["a"].as_i64().unwrap(),
                f["type"].as_str().unwrap().to_string(),
            ));
        }
    }
    let expected: BTreeSet<(i64, String)> = [
        (1, "Point"),
        (1, "LineString"),
        (1, "Polygon"),
        (2, "Point"),
    ]
    .into_iter()
    .map(|(a, t)| (a, t.to_string()))
    .collect();
    assert_eq!(parts, expected);
}

fn tile_text(name: &str, text: &str) -> TileReport {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out.pmtiles");
    let options = TileOptions {
        max_zoom: Some(8),
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    tile_file(&input, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn feature(i: usize, pretty: bool) -> String {
    let f = serde_json::json!({"type": "Feature", "properties": {"n": i},
        "geometry": {"type": "Point", "coordinates": [2.0 + i as f64 * 0.001, 48.0]}});
    if pretty {
        serde_json::to_string_pretty(&f).unwrap()
    } else {
        f.to_string()
    }
}

#[test]
fn a_pretty_printed_comma_separated_sequence_with_a_bom_counts_its_features() {
    let features: Vec<String> = (0..110).map(|i| feature(i, true)).collect();
    let text = format!("\u{feff}{},\n", features.join(",\n"));
    let report = tile_text("sequence.geojson", &text);
    assert_eq!(report.features_read, 110);
}

#[test]
fn a_sequence_of_one_line_features_with_record_separators_and_commas_is_read() {
    let features: Vec<String> = (0..50)
        .map(|i| match i % 3 {
            0 => format!("\u{1e}{}", feature(i, false)),
            1 => format!("{},", feature(i, false)),
            _ => feature(i, false),
        })
        .collect();
    let report = tile_text("sequence.geojsonl", &features.join("\n"));
    assert_eq!(report.features_read, 50);
}

#[test]
fn a_feature_collection_with_a_bom_is_read() {
    let features: Vec<String> = (0..20).map(|i| feature(i, false)).collect();
    let text = format!(
        "\u{feff}{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        features.join(",")
    );
    let report = tile_text("collection.geojson", &text);
    assert_eq!(report.features_read, 20);
}
