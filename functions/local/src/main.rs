//! The `tuilerie` command: the whole product on one machine.
//!
//! Each subcommand lives in its own module under `commands/`.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Publish geodata as vector tile streams from shared workspaces.
#[derive(Debug, Parser)]
#[command(name = "tuilerie", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the local server: the whole API, uploads and public tiles.
    Serve(commands::serve::Args),
    /// Issue a token for a local user.
    Token(commands::token::Args),
    /// Read a geodata file and write a vector database.
    Ingest(commands::ingest::Args),
    /// Generate a PMTiles pyramid from a vector database or a geodata file.
    Tile(commands::tile::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "tuilerie=info,tuilerie_api=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => commands::serve::run(args),
        Command::Token(args) => commands::token::run(args),
        Command::Ingest(args) => commands::ingest::run(args),
        Command::Tile(args) => commands::tile::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
