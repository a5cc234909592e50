//! The handlers, grouped by what they act on. Each one reads its input, calls one use case
//! and answers its result as JSON; every rule lives in the core.

pub mod account;
pub mod creation;
pub mod join;
pub mod members;
pub mod meta;
pub mod pipeline;
pub mod quotas;
pub mod workspaces;
