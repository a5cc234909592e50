//! Tuilerie aws.
