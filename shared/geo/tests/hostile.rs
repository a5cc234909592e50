//! A catalogue of hostile and malformed uploads, each refused with its error code and a
//! message naming what is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use std::io::Write;
use std::path::{Path, PathBuf};
use tuilerie_geo::ingest::{ingest, IngestOptions};

type Build = fn(&Path) -> PathBuf;

fn feature_collection(features: &str) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
}

fn zip_bomb(dir: &Path) -> PathBuf {
    let zeros = vec![0u8; 20 << 20];
    helpers::zip(dir, "bomb.zip", &[("big.geojson", &zeros)])
}

fn too_many_entries(dir: &Path) -> PathBuf {
    let path = dir.join("many.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..10_001 {
        writer.start_file(format!("f{i}.txt"), options).unwrap();
    }
    writer.finish().unwrap();
    path
}

fn traversal(dir: &Path) -> PathBuf {
    helpers::zip(
        dir,
        "escape.zip",
        &[("../../evil.geojson", feature_collection("").as_bytes())],
    )
}

fn absolute(dir: &Path) -> PathBuf {
    helpers::zip(
        dir,
        "absolute.zip",
        &[("/tmp/evil.geojson", feature_collection("").as_bytes())],
    )
}

fn symlink(dir: &Path) -> PathBuf {
    let path = dir.join("link.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    writer
        .add_symlink(
            "data.geojson",
            "/etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.finish().unwrap();
    path
}

fn nested_twice(dir: &Path) -> PathBuf {
    let inner = helpers::zip(
        dir,
        "inner.zip",
        &[("a.geojson", feature_collection("").as_bytes())],
    );
    let middle = helpers::zip(
        dir,
        "middle.zip",
        &[("inner.zip", &std::fs::read(inner).unwrap())],
    );
    helpers::zip(
        dir,
        "outer.zip",
        &[("middle.zip", &std::fs::read(middle).unwrap())],
    )
}

fn truncated(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let bytes = std::fs::read(helpers::communes().join(fixture)).unwrap();
    helpers::write(dir, name, &bytes[..bytes.len() / 3])
}

fn truncated_shapefile(dir: &Path) -> PathBuf {
    let shp = helpers::communes().join("shp");
    let read = |ext: &str| std::fs::read(shp.join(format!("communes.{ext}"))).unwrap();
    let shp_bytes = read("shp");
    helpers::zip(
        dir,
        "cut.zip",
        &[
            ("communes.shp", &shp_bytes[..shp_bytes.len() / 2]),
            ("communes.dbf", &read("dbf")),
            ("communes.prj", &read("prj")),
        ],
    )
}

fn unknown_prj(dir: &Path) -> PathBuf {
    let shp = helpers::communes().join("shp");
    let read = |ext: &str| std::fs::read(shp.join(format!("communes.{ext}"))).unwrap();
    let prj = br#"PROJCS["Chantier_Local_Grid",GEOGCS["Local",DATUM["D_Local",SPHEROID["Local",6378000.0,299.0]]],PROJECTION["Mystery_Projection"],UNIT["Meter",1.0]]"#;
    helpers::zip(
        dir,
        "local.zip",
        &[
            ("communes.shp", &read("shp")),
            ("communes.shx", &read("shx")),
            ("communes.dbf", &read("dbf")),
            ("communes.prj", prj),
        ],
    )
}

fn shapefile_without_prj(dir: &Path) -> PathBuf {
    let shp = helpers::communes().join("shp");
    let read = |ext: &str| std::fs::read(shp.join(format!("communes.{ext}"))).unwrap();
    helpers::zip(
        dir,
        "noprj.zip",
        &[
            ("communes.shp", &read("shp")),
            ("communes.dbf", &read("dbf")),
        ],
    )
}

fn garbage(dir: &Path, ext: &str) -> PathBuf {
    let mut state: u32 = 0x1234_5678;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    helpers::write(dir, &format!("garbage.{ext}"), bytes)
}

fn huge_attribute(dir: &Path) -> PathBuf {
    let big = "x".repeat(3 << 20);
    let feature = format!(
        r#"{{"type":"Feature","properties":{{"big":"{big}"}},"geometry":{{"type":"Point","coordinates":[2.35,48.85]}}}}"#
    );
    helpers::write(dir, "big.geojson", feature_collection(&feature))
}

fn latitude_912(dir: &Path) -> PathBuf {
    helpers::write(
        dir,
        "routes.geojson",
        feature_collection(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[652469.0,912.5]}}"#,
        ),
    )
}

fn cases() -> Vec<(&'static str, Build, &'static str, &'static str)> {
    vec![
        ("zip bomb", zip_bomb, "archive_rejected", "expands"),
        (
            "too many entries",
            too_many_entries,
            "archive_rejected",
            "10001 entries",
        ),
        (
            "path traversal",
            traversal,
            "archive_rejected",
            "escaping the archive",
        ),
        (
            "absolute path",
            absolute,
            "archive_rejected",
            "escaping the archive",
        ),
        (
            "symlink entry",
            symlink,
            "archive_rejected",
            "symbolic link",
        ),
        (
            "zip inside a zip inside a zip",
            nested_twice,
            "archive_rejected",
            "nested",
        ),
        (
            "empty file",
            |d| helpers::write(d, "empty.geojson", ""),
            "empty_input",
            "is empty",
        ),
        (
            "empty zip",
            |d| helpers::zip(d, "empty.zip", &[]),
            "empty_input",
            "empty archive",
        ),
        (
            "empty feature collection",
            |d| helpers::write(d, "none.geojson", feature_collection("")),
            "empty_input",
            "no feature",
        ),
        (
            "truncated GeoPackage",
            |d| truncated(d, "communes.gpkg", "cut.gpkg"),
            "malformed",
            "GeoPackage",
        ),
        (
            "truncated FlatGeobuf",
            |d| truncated(d, "communes.fgb", "cut.fgb"),
            "malformed",
            "FlatGeobuf",
        ),
        (
            "truncated Shapefile",
            truncated_shapefile,
            "malformed",
            "truncated",
        ),
        (
            "truncated GeoJSON",
            |d| truncated(d, "communes.geojson", "cut.geojson"),
            "malformed",
            "invalid GeoJSON",
        ),
        (
            "garbage .geojson",
            |d| garbage(d, "geojson"),
            "malformed",
            "invalid GeoJSON",
        ),
        (
            "garbage .geojsonl",
            |d| garbage(d, "geojsonl"),
            "invalid_features",
            "not valid JSON",
        ),
        (
            "garbage .csv",
            |d| garbage(d, "csv"),
            "no_geometry_column",
            "no geometry column",
        ),
        (
            "garbage .gpkg",
            |d| garbage(d, "gpkg"),
            "malformed",
            "GeoPackage",
        ),
        (
            "garbage .fgb",
            |d| garbage(d, "fgb"),
            "malformed",
            "FlatGeobuf",
        ),
        (
            "garbage .shp",
            |d| garbage(d, "shp"),
            "unknown_crs",
            "no .prj",
        ),
        (
            "garbage .zip",
            |d| garbage(d, "zip"),
            "malformed",
            "zip archive",
        ),
        (
            "unsupported extension",
            |d| helpers::write(d, "report.docx", "x"),
            "unsupported_format",
            ".docx",
        ),
        (
            "lone .dbf",
            |d| helpers::write(d, "table.dbf", "x"),
            "unsupported_format",
            "part of a Shapefile",
        ),
        (
            "GeoJSON with latitude 912.5",
            latitude_912,
            "invalid_features",
            "latitude 912.5 is out of range; is the file in a projected CRS (e.g. EPSG:2154)",
        ),
        (
            "unknown CRS in .prj",
            unknown_prj,
            "unknown_crs",
            "Chantier_Local_Grid",
        ),
        (
            "Shapefile without .prj",
            shapefile_without_prj,
            "unknown_crs",
            "no .prj file",
        ),
        (
            "unknown legacy GeoJSON crs",
            |d| {
                helpers::write(
                    d,
                    "odd.geojson",
                    r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
                )
            },
            "unknown_crs",
            "99999",
        ),
        (
            "CSV without geometry columns",
            |d| helpers::write(d, "table.csv", "name;population\nRennes;220000\n"),
            "no_geometry_column",
            "`name`, `population`",
        ),
        (
            "invalid WKT in CSV",
            |d| helpers::write(d, "bad.csv", "wkt,name\nPOINT(1 2 3 4 5,a\n"),
            "invalid_features",
            "not valid WKT",
        ),
    ]
}

#[test]
fn every_hostile_or_malformed_upload_is_refused_with_its_code_and_a_clear_message() {
    let mut failures = Vec::new();
    for (name, build, code, message) in cases() {
        let dir = tempfile::tempdir().unwrap();
        let input = build(dir.path());
        match ingest(&input, &dir.path().join("db"), &IngestOptions::default()) {
            Ok(report) => failures.push(format!(
                "{name}: accepted ({} layers)",
                report.schema.layers.len()
            )),
            Err(error) => {
                let shown = error.to_string();
                if error.code() != code || !shown.contains(message) {
                    failures.push(format!(
                        "{name}: got [{}] {shown}; expected [{code}] containing `{message}`",
                        error.code()
                    ));
                }
            }
        }
        assert!(
            !dir.path().join("../evil.geojson").exists()
                && !Path::new("/tmp/evil.geojson").exists()
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn an_unknown_crs_override_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(
        dir.path(),
        "a.geojson",
        feature_collection(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        ),
    );
    let options = IngestOptions {
        crs_override: Some("EPSG:99999".into()),
        ..Default::default()
    };
    let error = ingest(&input, &dir.path().join("db"), &options).unwrap_err();
    assert_eq!(error.code(), "unknown_crs");
    assert!(error.to_string().contains("EPSG:99999"), "{error}");
}

#[test]
fn invalid_features_are_skipped_with_their_number_and_reason_when_others_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut features = Vec::new();
    for i in 0..1500 {
        let lat = if i == 1041 || i == 1200 { 912.5 } else { 48.0 };
        features.push(format!(r#"{{"type":"Feature","properties":{{"n":{i}}},"geometry":{{"type":"Point","coordinates":[2.0,{lat}]}}}}"#));
    }
    let input = helpers::write(
        dir.path(),
        "routes.geojson",
        feature_collection(&features.join(",")),
    );
    let report = ingest(&input, &dir.path().join("db"), &IngestOptions::default()).unwrap();
    let layer = &report.schema.layers[0];
    assert_eq!((layer.feature_count, layer.skipped_count), (1498, 2));
    assert_eq!(layer.skipped[0].feature, 1042);
    let warning = &report
        .warnings
        .iter()
        .find(|w| w.code == "skipped_features")
        .unwrap()
        .message;
    assert!(warning.contains("layer `routes`: 2 features were skipped, first at feature 1 042: latitude 912.5 is out of range"), "{warning}");
}

#[test]
fn a_feature_or_row_larger_than_the_record_limit_is_refused_without_reading_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(64 << 10);
    let geojson = helpers::write(
        dir.path(),
        "big.geojson",
        feature_collection(&format!(
            r#"{{"type":"Feature","properties":{{"a":"{big}"}},"geometry":null}}"#
        )),
    );
    let csv = helpers::write(dir.path(), "big.csv", format!("lon,lat,a\n1,2,{big}\n"));
    let mut options = IngestOptions::default();
    options.limits.max_record_bytes = 16 << 10;
    for (input, message) in [
        (geojson, "feature 1 is larger than the 16384 bytes"),
        (csv, "a row is longer than the 16384 bytes"),
    ] {
        let error = ingest(&input, &dir.path().join("db"), &options).unwrap_err();
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[test]
fn a_file_larger_than_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = std::fs::File::create(dir.path().join("big.geojson")).unwrap();
    file.write_all(&[b' '; 2048]).unwrap();
    let mut options = IngestOptions::default();
    options.limits.max_input_bytes = 1024;
    let error = ingest(
        &dir.path().join("big.geojson"),
        &dir.path().join("db"),
        &options,
    )
    .unwrap_err();
    assert_eq!(error.code(), "too_large");
}

#[test]
fn an_attribute_over_the_size_limit_is_cut_with_a_warning_and_the_feature_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = huge_attribute(dir.path());
    let out = dir.path().join("db");
    let report = ingest(&input, &out, &IngestOptions::default()).unwrap();
    assert_eq!(report.schema.layers[0].feature_count, 1);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == "truncated_attributes")
        .expect("a warning about the cut attribute");
    assert!(
        warning.message.contains("`big`, 3 145 728 bytes"),
        "{}",
        warning.message
    );
    let features = helpers::features(&out, "big");
    assert_eq!(
        helpers::text(helpers::property(&features[0], "big")).len(),
        1 << 20
    );
}
