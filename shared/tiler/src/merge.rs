//! Merging shard outputs into one clustered PMTiles v3 archive with TileJSON metadata.

use crate::error::{Result, TileError};
use crate::plan::TilePlan;
use crate::report::{TileReport, ZoomReport};
use crate::shard::ShardResult;
use pmtiles::{Compression, PmTilesWriter, TileCoord, TileId, TileType};
use serde_json::json;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Shard files up to this size are read whole during the merge.
const WHOLE_SHARD_BYTES: u64 = 32 << 20;

struct Entry {
    id: u64,
    shard: usize,
    offset: u64,
    len: u32,
}

fn index_shard(
    pos: usize,
    result: &ShardResult,
    file: &File,
    entries: &mut Vec<Entry>,
) -> Result<()> {
    let path = &result.file;
    let end = file.metadata().map_err(TileError::io(path))?.len();
    let len = end
        .checked_sub(result.index_offset)
        .ok_or_else(|| TileError::Corrupt(path.clone()))?;
    let mut bytes = vec![0u8; len as usize];
    file.read_exact_at(&mut bytes, result.index_offset)
        .map_err(TileError::io(path))?;
    if !bytes.len().is_multiple_of(20) {
        return Err(TileError::Corrupt(path.clone()));
    }
    for rec in bytes.chunks_exact(20) {
        let mut id = [0u8; 8];
        id.copy_from_slice(&rec[..8]);
        let mut offset = [0u8; 8];
        offset.copy_from_slice(&rec[8..16]);
        let mut len = [0u8; 4];
        len.copy_from_slice(&rec[16..]);
        entries.push(Entry {
            id: u64::from_le_bytes(id),
            shard: pos,
            offset: u64::from_le_bytes(offset),
            len: u32::from_le_bytes(len),
        });
    }
    Ok(())
}

/// Merges the shards' tiles into `output`, in tile-id order, identical tiles stored once.
/// The archive is written beside `output` and renamed at the end: a failed merge leaves none.
pub fn merge(plan: &TilePlan, results: &[ShardResult], output: &Path) -> Result<TileReport> {
    let tmp = output.with_extension("pmtiles.tmp");
    let result = write_archive(plan, results, output, &tmp);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_archive(
    plan: &TilePlan,
    results: &[ShardResult],
    output: &Path,
    tmp: &Path,
) -> Result<TileReport> {
    let mut files: Vec<File> = Vec::new();
    for r in results {
        files.push(File::open(&r.file).map_err(TileError::io(&r.file))?);
    }
    let mut entries = Vec::new();
    for (pos, r) in results.iter().enumerate() {
        index_shard(pos, r, &files[pos], &mut entries)?;
    }
    entries.sort_unstable_by_key(|e| e.id);
    let names: Vec<String> = plan.layers.iter().map(|l| l.name.clone()).collect();
    let mut zooms: Vec<ZoomReport> = (0..=plan.max_zoom)
        .map(|z| ZoomReport::new(z, &names))
        .collect();
    let mut max_tile = (0u64, String::new());
    for r in results {
        for (a, b) in zooms.iter_mut().zip(&r.zooms) {
            a.add(b);
        }
        if r.max_tile.0 > max_tile.0 {
            max_tile = r.max_tile.clone();
        }
    }
    let zooms: Vec<ZoomReport> = zooms
        .into_iter()
        .filter(|z| z.zoom >= plan.min_zoom)
        .collect();
    let archive_err = |e: pmtiles::PmtError| TileError::Archive {
        path: output.to_path_buf(),
        reason: e.to_string(),
    };
    let out = File::create(tmp).map_err(TileError::io(tmp))?;
    let b = plan.bounds;
    let center_zoom = plan.min_zoom.max(plan.max_zoom.saturating_sub(4));
    let center = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .min_zoom(plan.min_zoom)
        .max_zoom(plan.max_zoom)
        .bounds(b[0], b[1], b[2], b[3])
        .center(center[0], center[1])
        .center_zoom(center_zoom)
        .create(out)
        .map_err(archive_err)?;
    let mut unique = std::collections::HashSet::new();
    let mut buf = Vec::new();
    // Tiles of one shard at one zoom are consecutive in tile-id order (Hilbert): a small shard
    // file is read whole once per run of its tiles instead of one read per tile.
    let mut loaded: Option<(usize, Vec<u8>)> = None;
    for e in &entries {
        let path = &results[e.shard].file;
        let (start, end) = (e.offset as usize, e.offset as usize + e.len as usize);
        if loaded.as_ref().is_none_or(|(s, _)| *s != e.shard)
            && results[e.shard].index_offset <= WHOLE_SHARD_BYTES
        {
            let mut all = vec![0u8; results[e.shard].index_offset as usize];
            files[e.shard]
                .read_exact_at(&mut all, 0)
                .map_err(TileError::io(path))?;
            loaded = Some((e.shard, all));
        }
        let data: &[u8] = match &loaded {
            Some((s, all)) if *s == e.shard => all
                .get(start..end)
                .ok_or_else(|| TileError::Corrupt(path.clone()))?,
            _ => {
                buf.resize(e.len as usize, 0);
                files[e.shard]
                    .read_exact_at(&mut buf, e.offset)
                    .map_err(TileError::io(path))?;
                &buf
            }
        };
        unique.insert(xxhash(data));
        let coord = TileCoord::from(TileId::new(e.id).map_err(archive_err)?);
        writer.add_tile(coord, data).map_err(archive_err)?;
    }
    let mut report = TileReport {
        tiles: entries.len() as u64,
        unique_tiles: unique.len() as u64,
        max_tile_bytes: max_tile.0,
        max_tile: max_tile.1,
        min_zoom: plan.min_zoom,
        max_zoom: plan.max_zoom,
        max_zoom_guessed: plan.max_zoom_guessed,
        split_zoom: plan.split_zoom,
        shards: plan.shards.len(),
        preset: plan.preset.name().to_string(),
        features_read: plan.features_read,
        features_dropped: zooms
            .iter()
            .flat_map(|z| &z.layers)
            .map(|l| l.dropped)
            .sum(),
        features_too_small: zooms
            .iter()
            .flat_map(|z| &z.layers)
            .map(|l| l.too_small)
            .sum(),
        features_thinned: zooms
            .iter()
            .flat_map(|z| &z.layers)
            .map(|l| l.thinned)
            .sum(),
        zooms,
        sample_bounds: plan.area.map(|_| plan.bounds),
        ..TileReport::default()
    };
    writer.set_metadata(metadata(plan, &report, center, center_zoom).to_string());
    writer.finalize().map_err(archive_err)?;
    std::fs::rename(tmp, output).map_err(TileError::io(output))?;
    report.bytes = std::fs::metadata(output)
        .map_err(TileError::io(output))?
        .len();
    report.peak_memory_bytes = crate::report::peak_memory_bytes();
    Ok(report)
}

fn xxhash(data: &[u8]) -> (u64, usize) {
    use std::hash::{DefaultHasher, Hasher};
    let mut h = DefaultHasher::new();
    h.write(data);
    (h.finish(), data.len())
}

fn metadata(
    plan: &TilePlan,
    report: &TileReport,
    center: [f64; 2],
    center_zoom: u8,
) -> serde_json::Value {
    let layers: Vec<serde_json::Value> = plan
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            // Only the attributes some tile carries.
            let used = |k: usize| {
                report.zooms.iter().any(|z| {
                    z.layers
                        .get(i)
                        .and_then(|c| c.fields_used.get(k))
                        .copied()
                        .unwrap_or(false)
                })
            };
            let fields: serde_json::Map<String, serde_json::Value> = l
                .fields
                .iter()
                .zip(&l.field_types)
                .enumerate()
                .filter(|(k, _)| used(*k))
                .map(|(_, (f, t))| (f.clone(), json!(t)))
                .collect();
            json!({
                "id": l.name,
                "fields": fields,
                "minzoom": l.min_zoom,
                "maxzoom": l.max_zoom,
                "description": "",
            })
        })
        .collect();
    let zooms: Vec<serde_json::Value> = report
        .zooms
        .iter()
        .map(|z| {
            let layers: serde_json::Map<String, serde_json::Value> = z
                .layers
                .iter()
                .map(|l| {
                    (
                        l.layer.clone(),
                        json!({"kept": l.kept, "dropped": l.dropped, "too_small": l.too_small,
                               "thinned": l.thinned}),
                    )
                })
                .collect();
            json!({"zoom": z.zoom, "tiles": z.tiles, "layers": layers})
        })
        .collect();
    let b = plan.bounds;
    let tuilerie = json!({
            "preset": plan.preset.name(),
            "max_zoom_guessed": plan.max_zoom_guessed,
            "features_read": report.features_read,
            "features_dropped": report.features_dropped,
            "features_too_small": report.features_too_small,
            "features_thinned": report.features_thinned,
            "sample": plan.area.is_some(),
            "zooms": zooms,
    });
    // Values are strings as in MBTiles metadata (tippecanoe-decode warns otherwise), except the
    // layer list; zooms, bounds and centre are also in the archive header.
    json!({
        "tilejson": "3.0.0",
        "name": plan.layers.first().map(|l| l.name.clone()).unwrap_or_default(),
        "format": "pbf",
        "type": "overlay",
        "scheme": "xyz",
        "minzoom": plan.min_zoom.to_string(),
        "maxzoom": plan.max_zoom.to_string(),
        "bounds": format!("{},{},{},{}", b[0], b[1], b[2], b[3]),
        "center": format!("{},{},{}", center[0], center[1], center_zoom),
        "vector_layers": layers,
        "tuilerie": tuilerie.to_string(),
    })
}
