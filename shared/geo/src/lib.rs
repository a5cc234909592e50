//! The Tuilerie geodata engine.
//!
//! `read` turns uploaded files into streams of features per layer, `crs` detects and reprojects
//! coordinate reference systems, `vectordb` stores the integrated data (one FlatGeobuf per layer
//! and a [`schema::Schema`] document), and `tiler` turns a vector database into a PMTiles
//! archive of Mapbox Vector Tiles.

pub mod schema;
