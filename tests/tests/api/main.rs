//! The HTTP API over real HTTP: the real router, SQLite records, JWTs.
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod authentication;
mod bad_input;
mod creation;
mod helpers;
mod joining;
mod matrix;
mod members;
mod openapi;
mod pipeline;
mod privacy;
mod quotas;
mod race;
mod workspaces;
