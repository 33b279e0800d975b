//! End-to-end tests: the built `vsync` binary against a simulated tenant over HTTP on
//! 127.0.0.1, as a scheduler or a person would run it.

mod commands;
mod examples;
mod export;
mod guards;
mod harness;
mod identity;
mod input_files;
mod output;
mod problems;
mod projects;
mod reads;
mod retries;
mod run_record;
mod runs;
mod server_errors;
#[cfg(target_os = "linux")]
mod terminal;
