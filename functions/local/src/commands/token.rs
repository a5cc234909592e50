//! `tuilerie token`.

/// Arguments of `tuilerie token`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tuilerie token`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`tuilerie token` is not available in this build")
}
