//! Integration tests of the wire types against the OpenAPI spec.

mod operations;
mod spec_conformance;
