//! The Tuilerie domain: workspaces, members and roles, creation and join requests, quotas, and
//! the ports (traits) the use cases need. No AWS, SQL, HTTP or filesystem here.
//!
//! Start with [`service::Services`]: every use case of the product is a method of one of its
//! per-area services, and every rule (who may do what, which invariants hold) is enforced
//! there or, when it must be atomic, by the records operation it calls (see [`ports`]).

pub mod error;
pub mod ids;
pub mod item;
pub mod ports;
pub mod quota;
pub mod request;
pub mod role;
pub mod service;
pub mod storage;
pub mod user;
pub mod workspace;

pub use error::{Error, Result};
