//! The `vsync` command.

fn main() {}
