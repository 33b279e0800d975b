//! An HRIS export read without a mapping: which of the shipped mapping examples reads its
//! header, and the `--mapping` to pass. Without it the problems are "missing column
//! username" and unknown columns, with no hint that a mapping exists.

use vsync_reader::{Mapping, ProblemKind, ReadError, ReadOptions};

use crate::settings::ResolvedInput;

/// The shipped examples: the system, the example's path in vsync's source, its TOML.
const EXAMPLES: [(&str, &str, &str); 4] = [
    (
        "Workday",
        "examples/mappings/workday.toml",
        include_str!("../../../examples/mappings/workday.toml"),
    ),
    (
        "SAP SuccessFactors",
        "examples/mappings/successfactors.toml",
        include_str!("../../../examples/mappings/successfactors.toml"),
    ),
    (
        "BambooHR",
        "examples/mappings/bamboohr.toml",
        include_str!("../../../examples/mappings/bamboohr.toml"),
    ),
    (
        "ADP Workforce Now",
        "examples/mappings/adp.toml",
        include_str!("../../../examples/mappings/adp.toml"),
    ),
];

/// Whether a read through a mapping found every column the mapping names.
fn header_fits(outcome: &Result<vsync_model::DesiredState, ReadError>) -> bool {
    match outcome {
        Ok(_) => true,
        Err(error) => !error.problems.iter().any(|p| {
            matches!(
                p.kind,
                ProblemKind::MissingColumn | ProblemKind::DuplicateColumn | ProblemKind::Mapping
            )
        }),
    }
}

/// Adds, first, a problem naming the shipped example whose columns the input's header has,
/// when the input was read without a mapping and misses one of vsync's columns or has
/// columns that are not vsync's.
pub fn with_hint(input: &ResolvedInput, options: &ReadOptions, mut error: ReadError) -> ReadError {
    if input.mapping.is_some() {
        return error;
    }
    let Some(missing) = error
        .problems
        .iter()
        .find(|p| {
            matches!(
                p.kind,
                ProblemKind::MissingColumn | ProblemKind::UnknownColumn
            )
        })
        .cloned()
    else {
        return error;
    };
    for (system, path, text) in EXAMPLES {
        let Ok(mapping) = Mapping::from_toml_str(text) else {
            continue;
        };
        let mapped = options.clone().with_mapping(mapping);
        if !header_fits(&vsync_reader::read(&input.paths, &mapped)) {
            continue;
        }
        let mut hint = missing;
        hint.kind = ProblemKind::Mapping;
        hint.column = None;
        hint.suggestion = None;
        hint.message = format!(
            "the header is that of a {system} export, which vsync reads through a mapping: \
             pass `--mapping {path}` (the example in vsync's source, or your copy of it)"
        );
        error.problems.insert(0, hint);
        return error;
    }
    error
}
