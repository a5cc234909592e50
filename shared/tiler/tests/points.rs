//! Point layers are thinned by density below the maximum zoom, reported per zoom, unless the
//! `keep_all` preset keeps them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use flatgeobuf::GeometryType;
use helpers::*;
use std::sync::atomic::AtomicBool;
use tuilerie_geo::schema::FieldKind;
use tuilerie_tiler::*;

fn places(n: usize) -> TestLayer {
    let features = (0..n)
        .map(|i| {
            let a = i as f64 * 2.399_963;
            let r = 2.0 * ((i as f64) / n as f64).sqrt();
            TestFeature {
                geometry: geo_types::Geometry::Point(geo_types::Point::new(
                    2.5 + r * a.cos(),
                    46.5 + r * a.sin() * 0.7,
                )),
                attrs: vec![Attr::Int(i as i64)],
            }
        })
        .collect();
    TestLayer {
        name: "places".into(),
        geometry_type: GeometryType::Point,
        fields: vec![("rank".into(), FieldKind::Integer)],
        features,
    }
}

fn run(preset: Preset) -> TileReport {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    write_db(&db, &[places(4000)]);
    let options = TileOptions {
        max_zoom: Some(10),
        preset,
        temp_dir: Some(dir.path().to_path_buf()),
        ..TileOptions::default()
    };
    let out = dir.path().join("out.pmtiles");
    tile_database(&db, &out, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn counts(report: &TileReport, z: u8) -> &LayerCounts {
    &report.zooms.iter().find(|r| r.zoom == z).unwrap().layers[0]
}

#[test]
fn points_are_thinned_by_the_drop_rate_per_zoom_and_all_kept_at_max_zoom() {
    let report = run(Preset::Heterogeneous);
    let top = counts(&report, 10);
    assert!(top.kept >= 4000 && top.thinned == 0, "{top:?}");
    for z in [4u8, 6, 8] {
        let c = counts(&report, z);
        // A share 2.5^-(10 - z) of the points is kept, each counted once per tile it is in.
        let expected = 4000.0 * 2.5f64.powi(-i32::from(10 - z));
        assert!(
            (c.kept as f64) > expected * 0.6 && (c.kept as f64) < expected * 2.0,
            "z{z}: {c:?}, expected about {expected}"
        );
        assert!(c.thinned > 0, "z{z}: {c:?}");
    }
    assert_eq!(
        report.features_thinned,
        report
            .zooms
            .iter()
            .map(|z| z.layers[0].thinned)
            .sum::<u64>()
    );
    // Thinned points stay thinned above: the kept share grows with the zoom.
    let kept: Vec<u64> = (0..=10).map(|z| counts(&report, z).kept).collect();
    assert!(kept.windows(2).all(|w| w[0] <= w[1]), "{kept:?}");
}

#[test]
fn the_keep_all_preset_keeps_every_point_at_every_zoom() {
    let report = run(Preset::KeepAll);
    for z in 0..=10u8 {
        let c = counts(&report, z);
        assert!(
            c.kept >= 4000 && c.thinned == 0 && c.dropped == 0,
            "z{z}: {c:?}"
        );
    }
}
