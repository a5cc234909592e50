//! Small hand-written inputs for each reader: CRS declarations, names, encodings, types.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use geo_types::Geometry;
use tuilerie_geo::feature::Value;
use tuilerie_geo::ingest::{ingest, IngestOptions};
use tuilerie_geo::schema::FieldKind;

fn point(feature: &tuilerie_geo::vectordb::Feature) -> (f64, f64) {
    match feature.geometry {
        Geometry::Point(p) => (p.x(), p.y()),
        ref other => panic!("not a point: {other:?}"),
    }
}

#[test]
fn a_legacy_geojson_crs_member_is_honoured_and_names_are_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(
        dir.path(),
        "Réseau routier (2024).geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},
            "features":[{"type":"Feature","properties":{"Nom de la rue":"Rue de l'Été","Nom-de-la-rue":"x","voies":2,"largeur":7.5,"ouverte":true},
            "geometry":{"type":"Point","coordinates":[652469.02,6861333.84]}}]}"#,
    );
    let out = dir.path().join("db");
    let report = ingest(&input, &out, &IngestOptions::default()).unwrap();
    let layer = &report.schema.layers[0];
    assert_eq!(
        (layer.name.as_str(), layer.original_name.as_str()),
        ("reseau_routier_2024", "Réseau routier (2024)")
    );
    assert_eq!(layer.source_crs, "EPSG:2154");
    let fields: Vec<(&str, &str, FieldKind)> = layer
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.original_name.as_str(), f.kind))
        .collect();
    assert_eq!(
        fields,
        [
            ("nom_de_la_rue", "Nom de la rue", FieldKind::String),
            ("nom_de_la_rue_2", "Nom-de-la-rue", FieldKind::String),
            ("voies", "voies", FieldKind::Integer),
            ("largeur", "largeur", FieldKind::Float),
            ("ouverte", "ouverte", FieldKind::Boolean)
        ]
    );
    let features = helpers::features(&out, "reseau_routier_2024");
    let (lon, lat) = point(&features[0]);
    assert!(
        (lon - 2.3523).abs() < 0.0001 && (lat - 48.8503).abs() < 0.0001,
        "{lon} {lat}"
    );
    assert_eq!(
        helpers::property(&features[0], "nom_de_la_rue"),
        &Value::String("Rue de l'Été".into())
    );
    assert_eq!(
        helpers::property(&features[0], "ouverte"),
        &Value::Boolean(true)
    );
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("schema.json")).unwrap()).unwrap();
    assert_eq!(schema["layers"][0]["file"], "reseau_routier_2024.fgb");
}

#[test]
fn a_geojson_sequence_with_record_separators_is_read_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(
        dir.path(),
        "points.geojsonl",
        "\u{1e}{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n\n\u{1e}{\"type\":\"Feature\",\"properties\":{\"a\":2.5},\"geometry\":{\"type\":\"Point\",\"coordinates\":[3,4]}}\nnot json\n",
    );
    let report = ingest(&input, &dir.path().join("db"), &IngestOptions::default()).unwrap();
    let layer = &report.schema.layers[0];
    assert_eq!((layer.feature_count, layer.skipped_count), (2, 1));
    assert_eq!(layer.skipped[0].feature, 3);
    assert_eq!(layer.fields[0].kind, FieldKind::Mixed);
    assert_eq!(layer.extent, Some([1.0, 2.0, 3.0, 4.0]));
}

#[test]
fn a_semicolon_csv_with_lon_lat_columns_and_decimal_commas_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(dir.path(), "mairies.csv", "code;nom;lon;lat;habitants\n01001;L'Abergement;4,92;46,15;776\n35238;Rennes;-1,68;48,11;220000\n");
    let out = dir.path().join("db");
    let report = ingest(&input, &out, &IngestOptions::default()).unwrap();
    let layer = &report.schema.layers[0];
    let kinds: Vec<FieldKind> = layer.fields.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FieldKind::String, FieldKind::String, FieldKind::Integer]
    );
    let features = helpers::features(&out, "mairies");
    let rennes = features
        .iter()
        .find(|f| helpers::text(helpers::property(f, "code")) == "35238")
        .unwrap();
    assert_eq!(point(rennes), (-1.68, 48.11));
    assert!(features
        .iter()
        .any(|f| helpers::property(f, "code") == &Value::String("01001".into())));
}

#[test]
fn a_crs_override_replaces_the_declared_crs() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(dir.path(), "xy.csv", "x,y\n652469.02,6861333.84\n");
    let options = IngestOptions {
        crs_override: Some("EPSG:2154".into()),
        ..Default::default()
    };
    let report = ingest(&input, &dir.path().join("db"), &options).unwrap();
    assert_eq!(report.schema.layers[0].source_crs, "EPSG:2154");
    let extent = report.schema.layers[0].extent.unwrap();
    assert!((extent[0] - 2.35).abs() < 0.01, "{extent:?}");
}

#[test]
fn layers_in_different_crs_are_each_reprojected_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let lambert = br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2154"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[652469.02,6861333.84]}}]}"#;
    let wgs84 = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[2.35,48.85]}}]}"#;
    let inner = helpers::zip(dir.path(), "inner.zip", &[("wgs84.geojson", wgs84)]);
    let archive = helpers::zip(
        dir.path(),
        "upload.zip",
        &[
            ("lambert.geojson", lambert),
            ("inner.zip", &std::fs::read(inner).unwrap()),
        ],
    );
    let report = ingest(&archive, &dir.path().join("db"), &IngestOptions::default()).unwrap();
    assert_eq!(report.schema.layers.len(), 2);
    let mixed = report
        .warnings
        .iter()
        .find(|w| w.code == "mixed_crs")
        .unwrap();
    assert!(
        mixed.message.contains("EPSG:2154, EPSG:4326"),
        "{}",
        mixed.message
    );
    for layer in &report.schema.layers {
        let e = layer.extent.unwrap();
        assert!(
            (e[0] - 2.35).abs() < 0.01 && (e[1] - 48.85).abs() < 0.01,
            "{e:?}"
        );
    }
}

#[test]
fn projected_data_that_looks_like_degrees_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(dir.path(), "xy.csv", "x,y\n2.35,48.85\n");
    let options = IngestOptions {
        crs_override: Some("EPSG:2154".into()),
        ..Default::default()
    };
    let report = ingest(&input, &dir.path().join("db"), &options).unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == "suspicious_crs")
        .unwrap();
    assert!(
        warning
            .message
            .contains("is the file in EPSG:4326 rather than EPSG:2154?"),
        "{}",
        warning.message
    );
}

#[test]
fn a_shapefile_without_cpg_falls_back_to_latin_1_for_non_utf8_attributes() {
    let shp = helpers::communes().join("shp");
    let read = |ext: &str| std::fs::read(shp.join(format!("communes.{ext}"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = helpers::zip(
        dir.path(),
        "communes.zip",
        &[
            ("communes.shp", &read("shp")),
            ("communes.shx", &read("shx")),
            ("communes.dbf", &read("dbf")),
            ("communes.prj", &read("prj")),
        ],
    );
    let out = dir.path().join("db");
    ingest(&archive, &out, &IngestOptions::default()).unwrap();
    let names: Vec<String> = helpers::features(&out, "communes")
        .iter()
        .map(|f| helpers::text(helpers::property(f, "nom")))
        .collect();
    assert!(names.iter().any(|n| n == "Chèvremont"), "{names:?}");
    assert!(names.iter().all(|n| !n.contains('\u{fffd}')));
}

#[test]
fn every_geometry_table_of_a_geopackage_is_a_layer_with_its_own_crs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("réseaux.gpkg");
    let db = rusqlite::Connection::open(&path).unwrap();
    let mercator = crs_definitions::EPSG_3857
        .wkt
        .replace("AUTHORITY[\"EPSG\",\"3857\"]", "AUTHORITY[\"LOCAL\",\"1\"]");
    db.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('RGF93', 2154, 'EPSG', 2154, 'undefined');
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
         INSERT INTO gpkg_geometry_columns VALUES ('Routes départementales', 'geom', 'POINT', 2154, 0, 0);
         INSERT INTO gpkg_geometry_columns VALUES ('arrets', 'geom', 'POINT', 900913, 0, 0);
         CREATE TABLE \"Routes départementales\" (fid INTEGER PRIMARY KEY, geom BLOB, \"Numéro\" TEXT, voies INTEGER, ouverte BOOLEAN);
         CREATE TABLE arrets (fid INTEGER PRIMARY KEY, geom BLOB, nom TEXT);",
    )
    .unwrap();
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('mercator', 900913, 'NONE', 0, ?1)",
        [&mercator],
    )
    .unwrap();
    let blob = |x: f64, y: f64| {
        let mut blob = b"GP\x00\x03".to_vec();
        blob.extend_from_slice(&0i32.to_le_bytes());
        for v in [x, x, y, y] {
            blob.extend_from_slice(&v.to_le_bytes());
        }
        blob.push(1);
        blob.extend_from_slice(&1u32.to_le_bytes());
        blob.extend_from_slice(&x.to_le_bytes());
        blob.extend_from_slice(&y.to_le_bytes());
        blob
    };
    db.execute("INSERT INTO \"Routes départementales\" (geom, \"Numéro\", voies, ouverte) VALUES (?1, 'D 137', 2, 1)", [blob(652_469.02, 6_861_333.84)]).unwrap();
    db.execute(
        "INSERT INTO arrets (geom, nom) VALUES (?1, 'Gare')",
        [blob(261_600.0, 6_250_000.0)],
    )
    .unwrap();
    drop(db);
    let out = dir.path().join("db");
    let report = ingest(&path, &out, &IngestOptions::default()).unwrap();
    let layers: Vec<(&str, &str)> = report
        .schema
        .layers
        .iter()
        .map(|l| (l.name.as_str(), l.source_crs.as_str()))
        .collect();
    assert_eq!(layers[0], ("routes_departementales", "EPSG:2154"));
    assert_eq!(layers[1].0, "arrets");
    let route = &helpers::features(&out, "routes_departementales")[0];
    assert_eq!(
        helpers::property(route, "numero"),
        &Value::String("D 137".into())
    );
    assert_eq!(helpers::property(route, "ouverte"), &Value::Boolean(true));
    let (lon, lat) = point(&helpers::features(&out, "arrets")[0]);
    assert!(
        (lon - 2.35).abs() < 0.01 && (lat - 48.85).abs() < 0.01,
        "{lon} {lat}"
    );
    assert!(report.warnings.iter().any(|w| w.code == "mixed_crs"));
}

#[test]
fn features_outside_the_area_of_their_crs_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = helpers::write(
        dir.path(),
        "xy.csv",
        "x,y\n652469.02,6861333.84\n-4000000,6000000\n",
    );
    let options = IngestOptions {
        crs_override: Some("EPSG:2154".into()),
        ..Default::default()
    };
    let report = ingest(&input, &dir.path().join("db"), &options).unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == "outside_crs_area")
        .unwrap();
    assert!(
        warning.message.contains(
            "1 features lie outside the area where EPSG:2154 is used, first at feature 2"
        ),
        "{}",
        warning.message
    );
}
