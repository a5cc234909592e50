//! The HTTP API over real HTTP: the real router, SQLite records, JWTs.

mod helpers;
mod matrix;
