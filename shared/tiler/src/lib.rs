//! The Tuilerie tiling engine: a vector database in, a PMTiles archive of MVT tiles out.
