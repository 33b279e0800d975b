//! Integration tests over real HTTP: one binary, a shared harness that
//! starts a fresh simulator per test, every JSON answer validated against
//! its schema in the specs (`users-api.openapi.yaml`, `projects-api.openapi.yaml`).

#![expect(
    clippy::many_single_char_names,
    reason = "t for the simulator, v for an answer, u and g for IDs keep scenarios short"
)]

mod harness;
mod schema;

mod auth;
mod binary;
mod coverage;
mod expectations;
mod faults;
mod groups;
mod limits;
mod permissions;
mod projects;
mod reports;
mod state_file;
mod tenants;
mod users;
