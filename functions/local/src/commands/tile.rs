//! `tuilerie tile`.

/// Arguments of `tuilerie tile`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tuilerie tile`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`tuilerie tile` is not available in this build")
}
