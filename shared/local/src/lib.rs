//! Tuilerie local.
