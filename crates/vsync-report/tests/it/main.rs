//! Integration tests of the report: every format built from real engine plans.

mod fixtures;
mod json;
mod project;
mod rows;
mod safety;
mod text;
mod xlsx;
