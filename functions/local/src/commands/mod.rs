//! One module per subcommand.

pub mod ingest;
pub mod serve;
pub mod tile;
pub mod token;
