//! Tuilerie core.
