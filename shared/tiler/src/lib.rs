//! The Tuilerie tiling engine: a vector database in, a PMTiles archive of MVT tiles out.
//!
//! The work is split into [`plan()`] (read the database once, spill features into one bucket per
//! shard), [`run_shard`] (recursive clipping and tile building, one subtree per shard) and
//! [`merge()`] (one clustered, deduplicated PMTiles v3 archive with TileJSON metadata).
//! [`tile_database`] runs the three on every local core.

mod bucket;
mod build;
mod clip;
pub mod error;
mod feature;
pub mod filter;
mod globe;
mod guess;
pub mod merge;
mod mvt;
pub mod options;
pub mod plan;
mod read;
pub mod report;
mod run;
pub mod shard;
mod simplify;
mod spill;
mod tiny;
mod valid;

pub use error::{Result, TileError};
pub use feature::Value;
pub use filter::{AttributeFilter, FilterOp};
pub use merge::merge;
pub use options::{LayerOptions, Preset, PresetKnobs, SampleArea, TileLimits, TileOptions};
pub use plan::{plan, plan_with, PlanLayer, ShardSpec, TilePlan};
pub use report::{LayerCounts, TileReport, ZoomReport};
pub use run::{tile_database, tile_file};
pub use shard::{run_shard, run_shard_with, ShardResult};
