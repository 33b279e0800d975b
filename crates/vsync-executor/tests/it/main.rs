//! Integration tests of the executor against the simulated tenant (`vsync-sim`).

mod apply;
mod faults;
mod harness;
mod model;
mod process;
mod projects;
mod retries;
mod tenant;
mod verify;
