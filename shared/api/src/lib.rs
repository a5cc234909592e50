//! Tuilerie api.
