//! Integration tests of vsync-reader, against the real files in the repository's `fixtures/`.

mod bad;
pub mod craft;
mod derive;
mod formats;
mod fuzz;
mod generator;
mod good;
mod hostile;
mod hris;
mod inputs;
mod mappings;
mod roundtrip;
mod source_checks;

use std::path::PathBuf;

use vsync_model::{DesiredState, InputInfo, SourceRef};
use vsync_reader::{Problem, ReadError, ReadOptions, read};

/// A file under the repository's `fixtures/` folder.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// Reads a fixture with default options.
pub fn read_fixture(rel: &str) -> Result<DesiredState, ReadError> {
    read(&[fixture(rel)], &ReadOptions::default())
}

/// The problems a fixture is refused with.
pub fn problems(rel: &str) -> Vec<Problem> {
    match read_fixture(rel) {
        Ok(state) => panic!("{rel} was accepted: {state:?}"),
        Err(e) => e.problems,
    }
}

/// Drops what legitimately differs between two reads of the same content: the places.
pub fn without_places(mut state: DesiredState) -> DesiredState {
    for user in &mut state.users {
        user.source = SourceRef::default();
    }
    for group in &mut state.groups {
        group.source = SourceRef::default();
    }
    for group in &mut state.derived {
        group.source = SourceRef::default();
    }
    state.input = InputInfo::default();
    state.relation_rows.clear();
    state
}
