//! The Tuilerie geodata engine.
//!
//! [`ingest`] turns uploaded files into a vector database: readers stream features per layer,
//! `crs` detects and reprojects coordinate reference systems, [`vectordb`] stores the integrated
//! data (one FlatGeobuf per layer and a [`schema::Schema`] document).

mod crs;
mod datum;
pub mod error;
pub mod feature;
pub mod ingest;
mod lcc;
pub mod names;
mod read;
mod reproject;
pub mod schema;
pub mod vectordb;
mod wkb;
mod wkt_crs;
mod wkt_proj;

pub use error::IngestError;
