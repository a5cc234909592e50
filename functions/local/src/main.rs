//! The `tuilerie` command.

fn main() {}
