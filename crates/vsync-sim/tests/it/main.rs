//! Integration tests over real HTTP: one binary, a shared harness that
//! starts a fresh simulator per test, every JSON answer validated against
//! its schema in `users-api.openapi.yaml`.

mod harness;
mod schema;

mod auth;
mod users;
