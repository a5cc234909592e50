//! Tuilerie adapters for one machine: the records port on SQLite, object stores on files.

pub mod blobs;
pub mod records;
