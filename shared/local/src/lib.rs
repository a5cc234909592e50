//! Tuilerie adapters for one machine: the records port on SQLite.

pub mod records;
