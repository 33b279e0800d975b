//! Integration tests of the executor against the simulated tenant (`vsync-sim`).

mod apply;
mod harness;
