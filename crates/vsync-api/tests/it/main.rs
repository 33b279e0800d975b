//! Integration tests of the wire types against the OpenAPI spec.

mod spec_conformance;
