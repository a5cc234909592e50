//! `tuilerie ingest`.

/// Arguments of `tuilerie ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tuilerie ingest`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`tuilerie ingest` is not available in this build")
}
