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

/// The diff's unknown groups that the mapping's rules derive without creating them: all of
/// them, each with its rule and the first row that derived it, and the two ways to create
/// them; the diff's other problems follow. `None` when no unknown group is a derived one.
pub fn derived_groups_missing(
    desired: &vsync_model::DesiredState,
    error: &vsync_engine::EngineError,
) -> Option<String> {
    use std::fmt::Write as _;
    use vsync_engine::{EngineError, NameKind};
    use vsync_model::NameKey;

    let derived = |name: &str| {
        let key = NameKey::new(name);
        desired
            .derived
            .iter()
            .find(|d| !d.create && NameKey::new(&d.name) == key)
    };
    let (missing, others): (Vec<&EngineError>, Vec<&EngineError>) =
        error.problems().iter().partition(|p| {
            matches!(p, EngineError::UnknownName { what: NameKind::Group, name, .. } if derived(name).is_some())
        });
    if missing.is_empty() {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    let groups: Vec<&vsync_model::DerivedGroup> = missing
        .iter()
        .filter_map(|p| match p {
            EngineError::UnknownName { name, .. } => derived(name),
            _ => None,
        })
        .filter(|d| seen.insert(NameKey::new(&d.name)))
        .collect();
    let mut text = format!(
        "the mapping's rules derive {} user group{} the tenant lacks:",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" }
    );
    for group in &groups {
        let _ = write!(
            text,
            "\n  \"{}\": derived by {}, first at {} ({} member{})",
            group.name,
            group.rule,
            group.source,
            group.members,
            if group.members == 1 { "" } else { "s" }
        );
    }
    text.push_str(
        "\nto create them, add `create = true` to the rules (or `[derived_groups] create = true` \
         for every rule), or declare them in a UserGroups sheet or a user_groups.csv given as \
         another --input",
    );
    if !others.is_empty() {
        let _ = write!(
            text,
            "\nand {} other problem{}:",
            others.len(),
            if others.len() == 1 { "" } else { "s" }
        );
        for other in others {
            let _ = write!(text, "\n  {other}");
        }
    }
    Some(text)
}
