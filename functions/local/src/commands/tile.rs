//! `tuilerie tile`.

use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use tuilerie_tiler::{
    AttributeFilter, LayerOptions, Preset, SampleArea, TileLimits, TileOptions, TileReport,
};

/// Arguments of `tuilerie tile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A vector database directory, or any geodata file readable by `tuilerie ingest`.
    pub input: PathBuf,
    /// Output PMTiles archive.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Lowest zoom.
    #[arg(long, default_value_t = 0)]
    pub min_zoom: u8,
    /// Highest zoom; guessed from the data when absent.
    #[arg(long)]
    pub max_zoom: Option<u8>,
    /// Generalisation preset: heterogeneous, networks, lines, polygons_schematised,
    /// polygons_selected, polygons_merged, polygons_harmonised, keep_all (no density thinning).
    #[arg(long, default_value = "heterogeneous")]
    pub preset: Preset,
    /// Tile buffer in tile units (extent 4096).
    #[arg(long, default_value_t = 64)]
    pub buffer: u32,
    /// Tile a 10 × 10 sample at the maximum zoom around LON,LAT, or `densest`.
    #[arg(long)]
    pub sample: Option<String>,
    /// Attributes kept for a layer: `LAYER:field1,field2` (repeatable).
    #[arg(long = "attributes")]
    pub attributes: Vec<String>,
    /// Attribute filter for a layer: `LAYER:field == value` (repeatable).
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Zoom range of a layer: `LAYER:MIN-MAX` (repeatable).
    #[arg(long = "layer-zooms")]
    pub layer_zooms: Vec<String>,
    /// Maximum compressed tile size in bytes.
    #[arg(long, default_value_t = 500_000)]
    pub max_tile_bytes: usize,
    /// Maximum features per tile.
    #[arg(long, default_value_t = 200_000)]
    pub max_tile_features: usize,
    /// Directory for intermediate files.
    #[arg(long)]
    pub temp_dir: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn split_layer(text: &str) -> anyhow::Result<(&str, &str)> {
    text.split_once(':')
        .with_context(|| format!("`{text}` must start with a layer name and `:`"))
}

fn options(args: &Args) -> anyhow::Result<TileOptions> {
    let mut options = TileOptions {
        min_zoom: args.min_zoom,
        max_zoom: args.max_zoom,
        preset: args.preset,
        buffer: args.buffer,
        limits: TileLimits {
            max_bytes: args.max_tile_bytes,
            max_features: args.max_tile_features,
        },
        temp_dir: args.temp_dir.clone(),
        ..TileOptions::default()
    };
    if let Some(sample) = &args.sample {
        let center = if sample == "densest" {
            None
        } else {
            let (lon, lat) = sample
                .split_once(',')
                .context("--sample takes LON,LAT or `densest`")?;
            Some([lon.trim().parse()?, lat.trim().parse()?])
        };
        options.sample = Some(SampleArea { center });
    }
    fn layer<'a>(options: &'a mut TileOptions, name: &str) -> &'a mut LayerOptions {
        options.layers.entry(name.to_string()).or_default()
    }
    for a in &args.attributes {
        let (name, fields) = split_layer(a)?;
        layer(&mut options, name).attributes =
            Some(fields.split(',').map(|f| f.trim().to_string()).collect());
    }
    for f in &args.filters {
        let (name, expr) = split_layer(f)?;
        layer(&mut options, name).filter = Some(AttributeFilter::parse(expr)?);
    }
    for z in &args.layer_zooms {
        let (name, range) = split_layer(z)?;
        let (lo, hi) = range
            .split_once('-')
            .context("layer zooms are written MIN-MAX")?;
        let l = layer(&mut options, name);
        l.min_zoom = Some(lo.trim().parse()?);
        l.max_zoom = Some(hi.trim().parse()?);
    }
    Ok(options)
}

fn print_report(r: &TileReport) {
    println!(
        "{} tiles ({} distinct), {} bytes, largest tile {} bytes at {}",
        r.tiles, r.unique_tiles, r.bytes, r.max_tile_bytes, r.max_tile
    );
    println!(
        "zooms {}–{}{}, preset {}, {} features read, {} shards",
        r.min_zoom,
        r.max_zoom,
        if r.max_zoom_guessed {
            " (max guessed)"
        } else {
            ""
        },
        r.preset,
        r.features_read,
        r.shards
    );
    println!(
        "features dropped to fit the limits: {}, left out as too small: {}, points thinned \
         by density: {}",
        r.features_dropped, r.features_too_small, r.features_thinned
    );
    for z in &r.zooms {
        for l in &z.layers {
            if l.dropped > 0 || l.too_small > 0 || l.thinned > 0 {
                println!(
                    "  z{} {}: kept {}, dropped {}, too small {}, thinned {}",
                    z.zoom, l.layer, l.kept, l.dropped, l.too_small, l.thinned
                );
            }
        }
    }
    if let Some(peak) = r.peak_memory_bytes {
        println!("peak memory: {} MB", peak / (1 << 20));
    }
}

/// Runs `tuilerie tile`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let options = options(&args)?;
    let cancel = AtomicBool::new(false);
    let last = std::cell::Cell::new(-1i64);
    let progress = |f: f64| {
        let pct = (f * 100.0) as i64;
        if pct != last.get() {
            last.set(pct);
            eprint!("\rtiling: {pct:3}%");
            let _ = std::io::stderr().flush();
        }
    };
    let report = tuilerie_tiler::tile_file(&args.input, &args.output, &options, &progress, &cancel);
    eprintln!();
    let report = report?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print_report(&report);
    }
    Ok(())
}
