//! Layer names, attribute keys and value types round-trip from a GeoJSON source to the tiles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::*;

const LONG_KEY: &str = "a key much longer than sixty-four characters, as some open data portals \
                        write their column descriptions";

fn source() -> Json {
    let props = [
        json!({"NAME": "Upper", "name": "lower", "Préfecture d'été": "Évry", "名前": "東京",
               LONG_KEY: "long", "mixed": 27, "ratio": 1, "big": 18446744073709551615u64,
               "flag": true, "n": 0}),
        json!({"NAME": "Upper 2", "name": "lower 2", "mixed": "27", "ratio": 1.5,
               "flag": false, "n": 1}),
        json!({"mixed": true, "ratio": -3, "n": 2}),
    ];
    let features: Vec<Json> = props
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            json!({"type": "Feature", "properties": p,
                   "geometry": {"type": "Point", "coordinates": [2.0 + i as f64 * 0.01, 48.0]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

#[test]
fn keys_layer_names_and_value_types_are_kept_as_in_the_source_at_max_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("Mes Lieux.geojson");
    std::fs::write(&input, source().to_string()).unwrap();
    let out = dir.path().join("out.pmtiles");
    let options = TileOptions {
        max_zoom: Some(10),
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    tile_file(&input, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    let decoded = decode(&out);
    let mut seen: BTreeMap<i64, Json> = BTreeMap::new();
    for t in tiles_at(&decoded, 10) {
        let names: Vec<&String> = t["layers"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["Mes Lieux"], "layer names in tiles");
        for f in t["layers"]["Mes Lieux"]["features"].as_array().unwrap() {
            let p = f["properties"].clone();
            seen.insert(p["n"].as_i64().unwrap(), p);
        }
    }
    assert_eq!(seen.len(), 3);
    let first = seen[&0].as_object().unwrap();
    assert_eq!(first["NAME"], "Upper");
    assert_eq!(first["name"], "lower");
    assert_eq!(first["Préfecture d'été"], "Évry");
    assert_eq!(first["名前"], "東京");
    assert_eq!(first[LONG_KEY], "long");
    assert_eq!(first["big"].as_u64(), Some(u64::MAX));
    assert_eq!(first["flag"], true);
    assert!(first["mixed"].is_i64() && first["mixed"] == 27, "{first:?}");
    assert!(first["ratio"].is_i64() && first["ratio"] == 1, "{first:?}");
    let second = seen[&1].as_object().unwrap();
    assert_eq!(second["NAME"], "Upper 2");
    assert_eq!(second["name"], "lower 2");
    assert_eq!(second["mixed"], "27");
    assert_eq!(second["ratio"].as_f64(), Some(1.5));
    assert_eq!(second["flag"], false);
    let third = seen[&2].as_object().unwrap();
    assert_eq!(third["mixed"], true);
    assert!(third["ratio"].is_i64() && third["ratio"] == -3);
    assert!(!third.contains_key("NAME") && !third.contains_key("flag"));
    let meta = &decoded["metadata"]["vector_layers"][0];
    assert_eq!(meta["id"], "Mes Lieux");
    assert_eq!(meta["fields"]["mixed"], "Mixed");
    assert_eq!(meta["fields"]["NAME"], "String");
    assert_eq!(meta["fields"]["flag"], "Boolean");
}
