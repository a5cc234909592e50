//! `tuilerie ingest`.

use std::path::PathBuf;
use tuilerie_geo::ingest::{ingest, IngestOptions};

/// Arguments of `tuilerie ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Geodata file: GeoJSON, GeoJSONSeq, CSV, Shapefile (.shp or zipped), GeoPackage,
    /// FlatGeobuf, or a zip of several.
    pub input: PathBuf,
    /// Directory of the vector database to write.
    #[arg(short, long)]
    pub output: PathBuf,
    /// CRS of the input, overriding the one it declares, e.g. `EPSG:2154`.
    #[arg(long)]
    pub crs: Option<String>,
}

/// Runs `tuilerie ingest`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let options = IngestOptions {
        crs_override: args.crs,
        ..IngestOptions::default()
    };
    let report = ingest(&args.input, &args.output, &options)
        .map_err(|error| anyhow::anyhow!("{error} [{}]", error.code()))?;
    for layer in &report.schema.layers {
        let extent = layer
            .extent
            .map(|e| format!("[{:.5}, {:.5}, {:.5}, {:.5}]", e[0], e[1], e[2], e[3]))
            .unwrap_or_default();
        println!(
            "layer {} ({}): {} features, {} skipped, {} fields, {} from {}, extent {}",
            layer.name,
            layer.original_name,
            layer.feature_count,
            layer.skipped_count,
            layer.fields.len(),
            layer.geometry_types.join("/"),
            layer.source_crs,
            extent
        );
    }
    for warning in &report.warnings {
        println!("warning: {}", warning.message);
    }
    println!("vector database written to {}", args.output.display());
    Ok(())
}
