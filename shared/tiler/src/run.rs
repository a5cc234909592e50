//! Running plan, shards and merge on this machine, with progress and cancellation.

use crate::build::GzipCache;
use crate::error::{Result, TileError};
use crate::merge::merge;
use crate::options::TileOptions;
use crate::plan::plan_with;
use crate::report::TileReport;
use crate::shard::{run_shard_cached, ShardResult};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Share of the progress given to planning (reading the database).
const PLAN_SHARE: f64 = 0.3;
/// Share of the progress given to the shards.
const SHARD_SHARE: f64 = 0.65;

/// Tiles the vector database in `db_dir` into the PMTiles archive `output`.
///
/// `progress` receives the fraction done (monotone, ending at 1); setting `cancel` stops the
/// run with [`TileError::Cancelled`] and removes the intermediate files.
pub fn tile_database(
    db_dir: &Path,
    output: &Path,
    options: &TileOptions,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<TileReport> {
    let last = std::cell::Cell::new(0.0f64);
    let report = |f: f64| {
        let f = f.clamp(0.0, 1.0);
        if f > last.get() {
            last.set(f);
            progress(f);
        }
    };
    let plan = plan_with(db_dir, options, &|f| report(f * PLAN_SHARE), cancel)?;
    let outcome = run_planned(&plan, output, &report, cancel);
    let _ = std::fs::remove_dir_all(&plan.work_dir);
    let result = outcome?;
    report(1.0);
    Ok(result)
}

fn run_planned(
    plan: &crate::plan::TilePlan,
    output: &Path,
    report: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<TileReport> {
    let out_dir = plan.work_dir.join("shards");
    let total: u64 = plan
        .shards
        .iter()
        .map(|s| s.bytes.max(1))
        .sum::<u64>()
        .max(1);
    let done = AtomicU64::new(0);
    let gzip = GzipCache::default();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mut order: Vec<usize> = (0..plan.shards.len()).collect();
    // Largest shards first keeps every core busy until the end.
    order.sort_by_key(|i| std::cmp::Reverse(plan.shards[*i].bytes));
    // A few threads take shards one at a time, each shard spreading its tiles over the rayon
    // pool: at most that many shards are in memory at once.
    let workers = rayon::current_num_threads().max(1);
    // Every shard's features are in the same spill file: opened once.
    let spill = match plan.shards.first() {
        Some(s) => Some(std::fs::File::open(&s.file).map_err(TileError::io(&s.file))?),
        None => None,
    };
    std::fs::create_dir_all(&out_dir).map_err(TileError::io(&out_dir))?;
    let worker = |tick: &dyn Fn()| -> Result<Vec<ShardResult>> {
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(i) = order.get(k) else {
                return Ok(mine);
            };
            if failed.load(Ordering::Relaxed) {
                return Ok(mine);
            }
            let r = run_shard_cached(plan, *i, &out_dir, cancel, &gzip, spill.as_ref());
            done.fetch_add(plan.shards[*i].bytes.max(1), Ordering::Relaxed);
            tick();
            match r {
                Ok(r) => mine.push(r),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
    };
    let results: Result<Vec<ShardResult>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers)
            .map(|_| scope.spawn(|| worker(&|| {})))
            .collect();
        // This thread is a worker too (it reports progress): it reuses the memory the
        // reading freed.
        let mut all = worker(&|| {
            let f = done.load(Ordering::Relaxed) as f64 / total as f64;
            report(PLAN_SHARE + SHARD_SHARE * f);
        });
        for h in handles {
            let part = h
                .join()
                .unwrap_or_else(|_| Err(TileError::Options("a shard stopped unexpectedly".into())));
            match (&mut all, part) {
                (Ok(all), Ok(part)) => all.extend(part),
                (Ok(_), Err(e)) => all = Err(e),
                (Err(_), _) => {}
            }
        }
        all
    });
    let mut results = results?;
    if cancel.load(Ordering::Relaxed) {
        return Err(TileError::Cancelled);
    }
    results.sort_by_key(|r| r.index);
    report(PLAN_SHARE + SHARD_SHARE);
    merge(plan, &results, output)
}

/// Tiles any readable geodata file: ingests it into a temporary vector database, then tiles
/// it. A directory holding a vector database is tiled directly.
pub fn tile_file(
    input: &Path,
    output: &Path,
    options: &TileOptions,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<TileReport> {
    if input.join(tuilerie_geo::schema::SCHEMA_FILE).is_file() {
        return tile_database(input, output, options, progress, cancel);
    }
    let base = options.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).map_err(TileError::io(&base))?;
    let db = base.join(format!(
        "tuilerie-db-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let ingested = tuilerie_geo::ingest::ingest(input, &db, &Default::default());
    let result = match ingested {
        Ok(_) => {
            progress(0.0);
            tile_database(&db, output, options, progress, cancel)
        }
        Err(e) => Err(TileError::Ingest {
            path: input.to_path_buf(),
            reason: e.to_string(),
        }),
    };
    let _ = std::fs::remove_dir_all(&db);
    result
}
