//! A mutation fuzzer for the readers that runs on the stable toolchain.
//!
//! For each reader it mutates a small seed corpus (bit flips, truncations, insertions,
//! deletions, splices) for a time budget, ingests every mutant and counts panics that escape
//! `ingest` (typed errors are fine). Crashing inputs are saved under `target/fuzz-crashes`.
//!
//! `cargo run -p tuilerie-geo --example fuzz_readers -- [--seconds N] [--reader NAME]... [--seed S]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tuilerie_geo::ingest::{ingest, IngestOptions};

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One seed: files to write side by side; `target` is the index of the file given to ingest.
#[derive(Clone)]
struct Seed {
    files: Vec<(String, Vec<u8>)>,
    target: usize,
}

fn feature_collection() -> Vec<u8> {
    r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
{"type":"Feature","properties":{"nom":"Évette-Salbert","n":12,"f":1.5,"b":true,"o":{"a":[1]}},"geometry":{"type":"Point","coordinates":[6.8,47.6]}},
{"type":"Feature","properties":{"nom":"Rue","n":null},"geometry":{"type":"LineString","coordinates":[[6.8,47.6],[6.9,47.7]]}},
{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[6,47],[7,47],[7,48],[6,47]],[[6.2,47.1],[6.3,47.1],[6.3,47.2],[6.2,47.1]]]]}},
{"type":"Feature","properties":{"nom":"c"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}}]}"#.as_bytes().to_vec()
}

fn shapefile() -> (Vec<u8>, Vec<u8>) {
    let points: [(f64, f64); 5] = [
        (650000.0, 6860000.0),
        (650000.0, 6861000.0),
        (651000.0, 6861000.0),
        (651000.0, 6860000.0),
        (650000.0, 6860000.0),
    ];
    let mut content = Vec::new();
    content.extend_from_slice(&5i32.to_le_bytes());
    for v in [650000.0f64, 6860000.0, 651000.0, 6861000.0] {
        content.extend_from_slice(&v.to_le_bytes());
    }
    content.extend_from_slice(&1i32.to_le_bytes());
    content.extend_from_slice(&5i32.to_le_bytes());
    content.extend_from_slice(&0i32.to_le_bytes());
    for (x, y) in points {
        content.extend_from_slice(&x.to_le_bytes());
        content.extend_from_slice(&y.to_le_bytes());
    }
    let mut shp = vec![0u8; 100];
    shp[0..4].copy_from_slice(&9994i32.to_be_bytes());
    shp[28..32].copy_from_slice(&1000i32.to_le_bytes());
    shp[32..36].copy_from_slice(&5i32.to_le_bytes());
    for record in 1..=2i32 {
        shp.extend_from_slice(&record.to_be_bytes());
        shp.extend_from_slice(&((content.len() / 2) as i32).to_be_bytes());
        shp.extend_from_slice(&content);
    }
    let length = (shp.len() / 2) as i32;
    shp[24..28].copy_from_slice(&length.to_be_bytes());
    let mut dbf = vec![0u8; 32];
    dbf[0] = 3;
    dbf[4..8].copy_from_slice(&2u32.to_le_bytes());
    let fields: [(&[u8], u8, u8, u8); 3] = [
        (b"NOM", b'C', 20, 0),
        (b"POP", b'N', 10, 0),
        (b"DATE", b'D', 8, 0),
    ];
    for (name, kind, len, dec) in fields {
        let mut d = [0u8; 32];
        d[..name.len()].copy_from_slice(name);
        d[11] = kind;
        d[16] = len;
        d[17] = dec;
        dbf.extend_from_slice(&d);
    }
    dbf.push(0x0d);
    let header_len = dbf.len() as u16;
    let record_len: u16 = 1 + 20 + 10 + 8;
    dbf[8..10].copy_from_slice(&header_len.to_le_bytes());
    dbf[10..12].copy_from_slice(&record_len.to_le_bytes());
    for name in [&b"Ch\xe8vremont"[..], b"Belfort"] {
        dbf.push(b' ');
        let mut cell = name.to_vec();
        cell.resize(20, b' ');
        dbf.extend_from_slice(&cell);
        dbf.extend_from_slice(b"      1234");
        dbf.extend_from_slice(b"20240131");
    }
    dbf.push(0x1a);
    (shp, dbf)
}

fn geopackage(dir: &Path) -> Vec<u8> {
    let path = dir.join("seed.gpkg");
    let _ = std::fs::remove_file(&path);
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('RGF93', 2154, 'EPSG', 2154, 'undefined');
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
         INSERT INTO gpkg_geometry_columns VALUES ('Mes communes', 'geom', 'POINT', 2154, 0, 0);
         CREATE TABLE \"Mes communes\" (fid INTEGER PRIMARY KEY, geom BLOB, nom TEXT, pop INTEGER, surface REAL, ouvert BOOLEAN, jour DATE);",
    )
    .unwrap();
    let mut blob = b"GP\x00\x01".to_vec();
    blob.extend_from_slice(&2154i32.to_le_bytes());
    blob.push(1);
    blob.extend_from_slice(&1u32.to_le_bytes());
    blob.extend_from_slice(&650000f64.to_le_bytes());
    blob.extend_from_slice(&6860000f64.to_le_bytes());
    for i in 0..3 {
        db.execute(
            "INSERT INTO \"Mes communes\" (geom, nom, pop, surface, ouvert, jour) VALUES (?1, 'Chèvremont', ?2, 1.5, 1, '2024-01-31')",
            rusqlite::params![blob, i],
        )
        .unwrap();
    }
    drop(db);
    std::fs::read(&path).unwrap()
}

fn seeds(work: &Path) -> Vec<(&'static str, Vec<Seed>)> {
    let geojson = feature_collection();
    let single = |name: &str, bytes: Vec<u8>| Seed {
        files: vec![(name.to_string(), bytes)],
        target: 0,
    };
    let (shp, dbf) = shapefile();
    let prj = crs_definitions::EPSG_2154.wkt.as_bytes().to_vec();
    let fgb = {
        let src = work.join("seed.geojson");
        std::fs::write(&src, &geojson).unwrap();
        let out = work.join("seed-db");
        let report = ingest(&src, &out, &IngestOptions::default()).unwrap();
        std::fs::read(out.join(&report.schema.layers[0].file)).unwrap()
    };
    let csv_wkt = b"wkt;nom;pop;surface\n\"POLYGON((6 47,7 47,7 48,6 47))\";Belfort;12;1,5\n\"POINT(6.8 47.6)\";Ch\xe8vremont;0012;2.5\n01010000000000000000001840CDCCCCCCCCCC4740;hex;3;\n".to_vec();
    let csv_xy = b"lon,lat,name,flag\n6.8,47.6,a,true\n-1.68,48.11,\"b, c\",false\n".to_vec();
    let seq = b"\x1e{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n{\"type\":\"Feature\",\"properties\":{\"a\":\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}\n".to_vec();
    let zip = {
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut cursor);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in [
            ("a/b.geojson", &geojson),
            ("c.csv", &csv_xy),
            ("d.shp", &shp),
            ("d.dbf", &dbf),
            ("d.prj", &prj),
        ] {
            writer.start_file(name, options).unwrap();
            std::io::Write::write_all(&mut writer, bytes).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    };
    let shapefile = |target: usize| Seed {
        files: vec![
            ("s.shp".to_string(), shp.clone()),
            ("s.dbf".to_string(), dbf.clone()),
            ("s.prj".to_string(), prj.clone()),
        ],
        target,
    };
    let mut shp_seed = shapefile(0);
    shp_seed.target = 0;
    vec![
        ("geojson", vec![single("f.geojson", geojson.clone())]),
        ("geojsonseq", vec![single("f.geojsonl", seq)]),
        (
            "csv",
            vec![single("f.csv", csv_wkt), single("g.csv", csv_xy)],
        ),
        (
            "shapefile",
            vec![
                shp_seed,
                Seed {
                    target: 1,
                    ..shapefile(0)
                },
                Seed {
                    target: 2,
                    ..shapefile(0)
                },
            ],
        ),
        ("geopackage", vec![single("f.gpkg", geopackage(work))]),
        ("flatgeobuf", vec![single("f.fgb", fgb)]),
        ("zip", vec![single("f.zip", zip)]),
    ]
}

fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    for _ in 0..=rng.below(4) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = [0, 0xff, 0x7f, 0x80, b'"', b'[', b'{', b','][rng.below(8)];
            }
            2 => data.truncate(rng.below(len + 1)),
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(i..i, bytes);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let end = (i + 1 + rng.below(64)).min(len);
                data.drain(i..end);
            }
            5 if !other.is_empty() => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            6 if len >= 4 => {
                let i = rng.below(len - 3);
                let value = [0u32, u32::MAX, 0x7fff_ffff, 0x8000_0000, 1 << 20][rng.below(5)];
                data[i..i + 4].copy_from_slice(&value.to_le_bytes());
            }
            _ if len > 0 => {
                let i = rng.below(len);
                let end = (i + 1 + rng.below(32)).min(len);
                let chunk = data[i..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            _ => {}
        }
    }
}

fn main() {
    let mut seconds = 3.0f64;
    let mut only: Vec<String> = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seconds N")
            }
            "--reader" => only.push(args.next().expect("--reader NAME")),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed S"),
            other => panic!("unknown argument {other}"),
        }
    }
    std::panic::set_hook(Box::new(|info| {
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = info.to_string();
    }));
    let work = tempfile::tempdir().unwrap();
    let crashes_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-crashes");
    let mut rng = Rng(seed | 1);
    let mut total_crashes = 0;
    for (reader, corpus) in seeds(work.path()) {
        if !only.is_empty() && !only.iter().any(|o| o == reader) {
            continue;
        }
        let (mut executions, mut crashes) = (0u64, 0u64);
        let mut slowest = Duration::ZERO;
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        while Instant::now() < deadline {
            let mut input = corpus[rng.below(corpus.len())].clone();
            let victim = if rng.below(3) == 0 {
                rng.below(input.files.len())
            } else {
                input.target
            };
            let other = corpus[rng.below(corpus.len())].files[0].1.clone();
            mutate(&mut rng, &mut input.files[victim].1, &other);
            let dir = work.path().join(format!("case-{executions}"));
            std::fs::create_dir_all(&dir).unwrap();
            for (name, bytes) in &input.files {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
            let target: PathBuf = dir.join(&input.files[input.target].0);
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| {
                ingest(&target, &dir.join("db"), &IngestOptions::default())
            });
            let elapsed = started.elapsed();
            slowest = slowest.max(elapsed);
            executions += 1;
            if elapsed > Duration::from_secs(2) {
                let saved = crashes_dir.join(format!("slow-{reader}-{seed}-{executions}"));
                std::fs::create_dir_all(&saved).unwrap();
                for (name, bytes) in &input.files {
                    std::fs::write(saved.join(name), bytes).unwrap();
                }
                eprintln!(
                    "slow input in {reader}: {} ms (saved in {})",
                    elapsed.as_millis(),
                    saved.display()
                );
            }
            if outcome.is_err() {
                crashes += 1;
                let message = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let saved = crashes_dir.join(format!("{reader}-{seed}-{executions}"));
                std::fs::create_dir_all(&saved).unwrap();
                for (name, bytes) in &input.files {
                    std::fs::write(saved.join(name), bytes).unwrap();
                }
                eprintln!(
                    "crash in {reader}: {message} (input saved in {})",
                    saved.display()
                );
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        println!(
            "{reader:11} {executions:7} executions {crashes:3} crashes  slowest {:.0} ms",
            slowest.as_secs_f64() * 1000.0
        );
        total_crashes += crashes;
    }
    if total_crashes > 0 {
        println!("{total_crashes} crashes");
        std::process::exit(1);
    }
}
