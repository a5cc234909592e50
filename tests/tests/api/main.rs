//! The HTTP API over real HTTP: the real router, SQLite records, JWTs.
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod helpers;
mod joining;
mod matrix;
mod members;
mod race;
mod workspaces;
