//! Test helpers shared by the integration tests.

pub mod contract;
pub mod moto;
