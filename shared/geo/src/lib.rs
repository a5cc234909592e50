//! Tuilerie geo.
