//! `tuilerie serve`.

/// Arguments of `tuilerie serve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tuilerie serve`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`tuilerie serve` is not available in this build")
}
