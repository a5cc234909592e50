//! Archives produced by the tiler, read back by independent decoders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use flatgeobuf::GeometryType;
use helpers::*;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use tuilerie_geo::schema::FieldKind;
use tuilerie_tiler::*;

fn zones(n: usize) -> TestLayer {
    let mut features = Vec::new();
    for i in 0..n {
        let lon = 2.0 + (i % 10) as f64 * 0.1;
        let lat = 48.0 + (i / 10) as f64 * 0.1;
        features.push(TestFeature {
            geometry: square_with_hole(lon, lat, 0.03),
            attrs: vec![
                Attr::Text(format!("Z{i:03}")),
                Attr::Int(i as i64 * 10),
                Attr::Real(i as f64 / 4.0),
            ],
        });
    }
    TestLayer {
        name: "zones".into(),
        geometry_type: GeometryType::Polygon,
        fields: vec![
            ("code".into(), FieldKind::String),
            ("pop".into(), FieldKind::Integer),
            ("ratio".into(), FieldKind::Float),
        ],
        features,
    }
}

fn roads(n: usize) -> TestLayer {
    let features = (0..n)
        .map(|i| {
            let lat = 48.02 + i as f64 * 0.05;
            let pts: Vec<(f64, f64)> = (0..40)
                .map(|k| {
                    (
                        1.95 + k as f64 * 0.03,
                        lat + ((k as f64) * 0.7).sin() * 0.01,
                    )
                })
                .collect();
            TestFeature {
                geometry: geo_types::Geometry::LineString(pts.into()),
                attrs: vec![Attr::Text(format!("road {i}"))],
            }
        })
        .collect();
    TestLayer {
        name: "roads".into(),
        geometry_type: GeometryType::LineString,
        fields: vec![("name".into(), FieldKind::String)],
        features,
    }
}

fn places(n: usize, spread: f64) -> (TestLayer, Vec<(f64, f64)>) {
    let mut coords = Vec::new();
    let features = (0..n)
        .map(|i| {
            let a = i as f64 * 2.399_963;
            let r = spread * ((i as f64) / n as f64).sqrt();
            let (lon, lat) = (2.5 + r * a.cos(), 48.5 + r * a.sin() * 0.7);
            coords.push((lon, lat));
            TestFeature {
                geometry: geo_types::Geometry::Point(geo_types::Point::new(lon, lat)),
                attrs: vec![Attr::Int(i as i64)],
            }
        })
        .collect();
    (
        TestLayer {
            name: "places".into(),
            geometry_type: GeometryType::Point,
            fields: vec![("rank".into(), FieldKind::Integer)],
            features,
        },
        coords,
    )
}

fn options(min: u8, max: u8, tmp: &Path) -> TileOptions {
    TileOptions {
        min_zoom: min,
        max_zoom: Some(max),
        temp_dir: Some(tmp.to_path_buf()),
        ..TileOptions::default()
    }
}

fn run(db: &Path, out: &Path, opts: &TileOptions) -> TileReport {
    tile_database(db, out, opts, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn features<'a>(tile: &'a Json, layer: &str) -> Vec<&'a Json> {
    tile["layers"][layer]["features"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[test]
fn every_feature_is_present_at_max_zoom_with_its_attributes_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (places, coords) = places(300, 0.4);
    write_db(&db, &[zones(100), roads(20), places]);
    let out = dir.path().join("out.pmtiles");
    let report = run(&db, &out, &options(0, 9, dir.path()));
    assert_eq!(report.max_zoom, 9);
    assert_eq!(report.features_read, 420);
    let decoded = decode(&out);
    let top = tiles_at(&decoded, 9);
    assert!(!top.is_empty());
    let mut seen: BTreeMap<&str, BTreeMap<u64, Json>> = BTreeMap::new();
    for t in &top {
        for layer in ["zones", "roads", "places"] {
            for f in features(t, layer) {
                seen.entry(layer)
                    .or_default()
                    .insert(f["id"].as_u64().unwrap(), f["properties"].clone());
            }
        }
    }
    assert_eq!(seen["zones"].len(), 100);
    assert_eq!(seen["roads"].len(), 20);
    assert_eq!(seen["places"].len(), 300);
    // Feature ids are positions in the layer's FlatGeobuf (spatially sorted): match by attribute.
    let codes: BTreeSet<String> = seen["zones"]
        .values()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, (0..100).map(|i| format!("Z{i:03}")).collect());
    for p in seen["zones"].values() {
        let i: i64 = p["code"].as_str().unwrap()[1..].parse().unwrap();
        assert_eq!(p["pop"].as_i64(), Some(i * 10));
        assert_eq!(p["ratio"].as_f64(), Some(i as f64 / 4.0));
    }
    // Every point lies within one tile unit of where it should be.
    let mut matched = 0;
    for t in &top {
        let (z, x, y) = (
            9,
            t["x"].as_u64().unwrap() as u32,
            t["y"].as_u64().unwrap() as u32,
        );
        for f in features(t, "places") {
            let rank = f["properties"]["rank"].as_i64().unwrap() as usize;
            let (lon, lat) = coords[rank];
            let (ex, ey) = tile_coords(lon, lat, z, x, y);
            let c = &f["coordinates"];
            let (gx, gy) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (gx - ex).abs() <= 1.0 && (gy - ey).abs() <= 1.0,
                "{gx},{gy} vs {ex},{ey}"
            );
            matched += 1;
        }
    }
    assert!(matched >= 300);
    for z in &report.zooms {
        if z.zoom == 9 {
            assert!(z.layers.iter().all(|l| l.dropped == 0 && l.too_small == 0));
        }
    }
}

#[test]
fn rings_are_closed_valid_and_wound_clockwise_with_holes_counter_clockwise() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100)]);
    let out = dir.path().join("out.pmtiles");
    run(&db, &out, &options(0, 10, dir.path()));
    let decoded = decode(&out);
    let mut polygons = 0;
    let mut holes = 0;
    for t in decoded["tiles"].as_array().unwrap() {
        for f in features(t, "zones") {
            let coords = polygon_rings(&f["coordinates"], f["type"].as_str().unwrap());
            for (poly, areas) in coords.iter().zip(f["ring_areas"].as_array().unwrap()) {
                for ring in poly.as_array().unwrap() {
                    let ring = ring.as_array().unwrap();
                    assert!(ring.len() >= 4, "ring with fewer than 3 distinct points");
                    assert_eq!(ring.first(), ring.last(), "ring not closed");
                }
                let areas = areas.as_array().unwrap();
                assert!(
                    areas[0].as_f64().unwrap() > 0.0,
                    "exterior ring not clockwise"
                );
                for a in &areas[1..] {
                    assert!(a.as_f64().unwrap() < 0.0, "hole not counter-clockwise");
                    holes += 1;
                }
                polygons += 1;
            }
        }
    }
    assert!(polygons > 100);
    assert!(holes >= 100);
}

fn polygon_rings<'a>(coords: &'a Json, ty: &str) -> Vec<&'a Json> {
    match ty {
        "Polygon" => vec![coords],
        "MultiPolygon" => coords.as_array().unwrap().iter().collect(),
        other => panic!("unexpected geometry {other}"),
    }
}

#[test]
fn tippecanoe_decode_and_pmtiles_show_read_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (places, _) = places(200, 0.4);
    write_db(&db, &[zones(50), roads(10), places]);
    let out = dir.path().join("out.pmtiles");
    let report = run(&db, &out, &options(0, 8, dir.path()));
    let geojson = tippecanoe_decode(&out);
    let tiles = geojson["features"].as_array().unwrap();
    assert_eq!(tiles.len() as u64, report.tiles);
    let show = pmtiles_show(&out);
    assert!(show.contains("TileType.MVT"), "{show}");
    assert!(show.contains("'clustered': True"), "{show}");
    assert!(
        show.contains(&format!("'addressed_tiles_count': {}", report.tiles)),
        "{show}"
    );
}

#[test]
fn metadata_is_tilejson_with_layers_fields_bounds_and_drop_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // A column no feature fills appears in no tile.
    let mut roads = roads(5);
    roads.fields.push(("unused".into(), FieldKind::String));
    write_db(&db, &[zones(30), roads]);
    let out = dir.path().join("out.pmtiles");
    run(&db, &out, &options(2, 8, dir.path()));
    let meta = &decode(&out)["metadata"];
    assert_eq!(meta["tilejson"], "3.0.0");
    // Strings, as MBTiles metadata and tippecanoe-decode expect.
    assert_eq!(meta["minzoom"], "2");
    assert_eq!(meta["maxzoom"], "8");
    let layers = meta["vector_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["id"], "zones");
    assert_eq!(layers[0]["fields"]["code"], "String");
    assert_eq!(layers[0]["fields"]["pop"], "Number");
    let road_fields: Vec<&String> = layers[1]["fields"].as_object().unwrap().keys().collect();
    assert_eq!(road_fields, ["name"]);
    let b: Vec<f64> = meta["bounds"]
        .as_str()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!((b[0] - 1.95).abs() < 0.01);
    assert!((b[3] - 48.23).abs() < 0.01);
    assert_eq!(meta["center"].as_str().unwrap().split(',').count(), 3);
    let stats: Json = serde_json::from_str(meta["tuilerie"].as_str().unwrap()).unwrap();
    let zooms = stats["zooms"].as_array().unwrap();
    assert_eq!(zooms.len(), 7);
    assert!(zooms[6]["layers"]["zones"]["kept"].as_u64().unwrap() >= 30);
}

#[test]
fn a_tiny_limit_forces_thinning_that_is_reported_but_never_at_max_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (places, _) = places(3000, 0.3);
    write_db(&db, &[places]);
    let out = dir.path().join("out.pmtiles");
    let mut opts = options(0, 12, dir.path());
    // Without density thinning, only the limits leave points out.
    opts.preset = Preset::KeepAll;
    opts.limits = TileLimits {
        max_bytes: 6_000,
        max_features: 400,
    };
    let report = run(&db, &out, &opts);
    assert!(report.features_dropped > 0);
    assert!(report.max_tile_bytes <= 6_000);
    let decoded = decode(&out);
    for t in decoded["tiles"].as_array().unwrap() {
        assert!(t["bytes"].as_u64().unwrap() <= 6_000);
        assert!(features(t, "places").len() <= 400);
    }
    let low = &report.zooms[0].layers[0];
    assert!(low.dropped > 0 && low.kept <= 400);
    let top = report.zooms.last().unwrap();
    assert_eq!(top.zoom, 12);
    assert_eq!(top.layers[0].dropped, 0);
    let ranks: BTreeSet<i64> = tiles_at(&decoded, 12)
        .iter()
        .flat_map(|t| features(t, "places"))
        .map(|f| f["properties"]["rank"].as_i64().unwrap())
        .collect();
    assert_eq!(ranks.len(), 3000);
    let stats: Json =
        serde_json::from_str(decoded["metadata"]["tuilerie"].as_str().unwrap()).unwrap();
    let meta_dropped = stats["features_dropped"].as_u64().unwrap();
    assert_eq!(meta_dropped, report.features_dropped);
}

#[test]
fn a_tile_that_cannot_fit_at_max_zoom_is_an_error_not_a_silent_drop() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (places, _) = places(200, 0.001);
    write_db(&db, &[places]);
    let mut opts = options(0, 6, dir.path());
    opts.limits.max_features = 50;
    let err = tile_database(
        &db,
        &dir.path().join("out.pmtiles"),
        &opts,
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(matches!(err, TileError::TileTooLarge { z: 6, .. }), "{err}");
    assert_eq!(err.code(), "InvalidInput");
    assert!(err.to_string().contains("never dropped"));
}

#[test]
fn cancellation_stops_tiling_and_leaves_no_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100)]);
    let out = dir.path().join("out.pmtiles");
    let cancel = AtomicBool::new(false);
    let err = tile_database(
        &db,
        &out,
        &options(0, 12, dir.path()),
        &|f| {
            if f > 0.0 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, TileError::Cancelled));
    assert_eq!(err.code(), "Cancelled");
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("tuilerie-tiles")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn progress_is_monotone_and_reaches_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100), roads(20)]);
    let seen = std::sync::Mutex::new(Vec::new());
    tile_database(
        &db,
        &dir.path().join("out.pmtiles"),
        &options(0, 9, dir.path()),
        &|f| seen.lock().unwrap().push(f),
        &AtomicBool::new(false),
    )
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 2);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), 1.0);
    assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)));
}

#[test]
fn identical_tiles_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let big = TestLayer {
        name: "land".into(),
        geometry_type: GeometryType::Polygon,
        fields: vec![],
        features: vec![TestFeature {
            geometry: geo_types::Geometry::Polygon(geo_types::Polygon::new(
                vec![
                    (-10.0, 40.0),
                    (10.0, 40.0),
                    (10.0, 55.0),
                    (-10.0, 55.0),
                    (-10.0, 40.0),
                ]
                .into(),
                vec![],
            )),
            attrs: vec![],
        }],
    };
    write_db(&db, &[big]);
    let out = dir.path().join("out.pmtiles");
    let report = run(&db, &out, &options(0, 7, dir.path()));
    assert!(report.unique_tiles * 2 < report.tiles, "{report:?}");
    let header = &decode(&out)["header"];
    assert_eq!(header["addressed_tiles_count"].as_u64(), Some(report.tiles));
    assert_eq!(
        header["tile_contents_count"].as_u64(),
        Some(report.unique_tiles)
    );
}

#[test]
fn the_split_pipeline_gives_the_same_archive_as_one_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100), roads(20)]);
    let mut opts = options(0, 10, dir.path());
    opts.split_zoom = Some(5);
    let one = run(&db, &dir.path().join("one.pmtiles"), &opts);
    let p = plan(&db, &opts).unwrap();
    let p: TilePlan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert!(p.shards.len() > 1);
    let out_dir = dir.path().join("shards");
    let results: Vec<ShardResult> = (0..p.shards.len())
        .map(|i| run_shard(&p, i, &out_dir).unwrap())
        .collect();
    let split = merge(&p, &results, &dir.path().join("split.pmtiles")).unwrap();
    assert_eq!(one.tiles, split.tiles);
    assert_eq!(one.zooms, split.zooms);
    let a = decode(&dir.path().join("one.pmtiles"));
    let b = decode(&dir.path().join("split.pmtiles"));
    assert_eq!(a["tiles"], b["tiles"]);
}

#[test]
fn the_max_zoom_is_guessed_from_the_data_when_absent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100)]);
    let mut opts = options(0, 0, dir.path());
    opts.max_zoom = None;
    let report = run(&db, &dir.path().join("out.pmtiles"), &opts);
    assert!(report.max_zoom_guessed);
    // Squares 0.06° wide span about half a tile around zoom 12.
    assert!((10..=13).contains(&report.max_zoom), "{}", report.max_zoom);
}

#[test]
fn layer_filters_kept_attributes_and_zoom_ranges_apply() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(100), roads(20)]);
    let mut opts = options(0, 8, dir.path());
    opts.layers.insert(
        "zones".into(),
        LayerOptions {
            attributes: Some(vec!["code".into()]),
            filter: Some(AttributeFilter::parse("pop >= 500").unwrap()),
            ..LayerOptions::default()
        },
    );
    opts.layers.insert(
        "roads".into(),
        LayerOptions {
            min_zoom: Some(6),
            ..LayerOptions::default()
        },
    );
    let out = dir.path().join("out.pmtiles");
    let report = run(&db, &out, &opts);
    assert_eq!(report.features_read, 50 + 20);
    let decoded = decode(&out);
    let mut codes = BTreeSet::new();
    for t in decoded["tiles"].as_array().unwrap() {
        let z = t["z"].as_u64().unwrap();
        if z < 6 {
            assert!(features(t, "roads").is_empty());
        }
        for f in features(t, "zones") {
            let props = f["properties"].as_object().unwrap();
            assert_eq!(props.keys().collect::<Vec<_>>(), vec!["code"]);
            codes.insert(props["code"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(codes, (50..100).map(|i| format!("Z{i:03}")).collect());
}

#[test]
fn sample_mode_tiles_ten_by_ten_at_max_zoom_and_the_zooms_above() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (places, _) = places(2000, 0.5);
    write_db(&db, &[zones(100), places]);
    let mut opts = options(0, 12, dir.path());
    opts.sample = Some(SampleArea { center: None });
    let out = dir.path().join("out.pmtiles");
    let report = run(&db, &out, &opts);
    assert!(report.sample_bounds.is_some());
    let decoded = decode(&out);
    let top = tiles_at(&decoded, 12);
    assert!(!top.is_empty() && top.len() <= 100);
    let xs: BTreeSet<u64> = top.iter().map(|t| t["x"].as_u64().unwrap()).collect();
    let ys: BTreeSet<u64> = top.iter().map(|t| t["y"].as_u64().unwrap()).collect();
    assert!(xs.last().unwrap() - xs.first().unwrap() < 10);
    assert!(ys.last().unwrap() - ys.first().unwrap() < 10);
    for z in 0..12 {
        assert!(!tiles_at(&decoded, z).is_empty(), "zoom {z} missing");
    }
    // The densest area is the centre of the spiral of places.
    let (cx, cy) = tile_coords(2.5, 48.5, 12, 0, 0);
    let (cx, cy) = ((cx / 4096.0) as u64, (cy / 4096.0) as u64);
    assert!(xs.contains(&cx) && ys.contains(&cy));
}

#[test]
fn every_preset_produces_a_readable_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[zones(60), roads(10)]);
    for preset in Preset::ALL {
        let mut opts = options(0, 7, dir.path());
        opts.preset = preset;
        let out = dir.path().join(format!("{}.pmtiles", preset.name()));
        let report = run(&db, &out, &opts);
        assert_eq!(report.preset, preset.name());
        let decoded = decode(&out);
        let top: usize = tiles_at(&decoded, 7)
            .iter()
            .map(|t| features(t, "zones").len())
            .sum();
        assert!(top >= 60, "{preset:?}");
    }
    assert_eq!(
        "polygons-merged".parse::<Preset>(),
        Ok(Preset::PolygonsMerged)
    );
}

#[test]
fn a_geojson_file_is_ingested_then_tiled() {
    let dir = tempfile::tempdir().unwrap();
    let mut parcels = Vec::new();
    for i in 0..40 {
        let (lon, lat) = (4.0 + (i % 8) as f64 * 0.05, 45.0 + (i / 8) as f64 * 0.05);
        parcels.push(serde_json::json!({
            "type": "Feature",
            "properties": {"name": format!("parcel {i}"), "area": i},
            "geometry": {"type": "Polygon", "coordinates": [[
                [lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.02], [lon, lat + 0.02], [lon, lat]
            ]]},
        }));
    }
    let input = dir.path().join("parcels.geojson");
    std::fs::write(
        &input,
        serde_json::json!({"type": "FeatureCollection", "features": parcels}).to_string(),
    )
    .unwrap();
    let out = dir.path().join("out.pmtiles");
    let report = tile_file(
        &input,
        &out,
        &options(0, 10, dir.path()),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.features_read, 40);
    let decoded = decode(&out);
    let layer = decoded["metadata"]["vector_layers"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let names: BTreeSet<String> = tiles_at(&decoded, 10)
        .iter()
        .flat_map(|t| features(t, &layer))
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 40);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("tuilerie-"))
        .count();
    assert_eq!(leftovers, 0);
}
