//! Integration tests of vsync-client against the simulated tenant
//! (vsync-sim) over HTTP. Every test starts its own tenant and runs under
//! a timeout, so a missing answer fails instead of hanging.

mod harness;

mod auth;
mod budget;
mod faults;
mod groups;
mod headers;
mod pacing;
mod paging;
mod permissions;
mod profiles;
mod projects;
mod raw;
mod read_only;
mod redaction;
mod reports;
mod safety;
mod server_errors;
mod session;
mod throttling;
mod users;
