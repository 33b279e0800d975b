//! What a mapping derives: groups created from the export alone, the provenance of every
//! derived group, and the summary `validate` prints.

use std::fmt::Write as _;

use vsync_reader::{Mapping, ProblemKind, ReadOptions, read, read_bytes, read_with_summary};

use crate::fixture;

#[test]
fn groups_a_creating_rule_derives_are_declared_with_their_description() {
    let options = ReadOptions::default()
        .with_mapping(Mapping::load(fixture("../examples/mappings/workday.toml")).unwrap());
    let state = read(&[fixture("../examples/mappings/workday.csv")], &options).unwrap();
    let names: Vec<&str> = state.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Finance Team",
            "People Team",
            "Engineering Team",
            "Contingent Workers"
        ],
        "the terminated worker's Sales team is derived for nobody"
    );
    assert_eq!(
        state.groups[0].description.as_deref(),
        Some("Workers of the Finance organization, cost center 4100")
    );
    assert_eq!(
        state.groups[0].source.row, 2,
        "the first row that derived it"
    );
    assert!(state.managed.memberships);
    let finance = &state.derived[0];
    assert_eq!(
        (finance.name.as_str(), finance.members, finance.create),
        ("Finance Team", 2, true)
    );
    assert!(
        finance
            .rule
            .ends_with("workday.toml, [[groups]] rule 1 (\"{Supervisory Organization} Team\")"),
        "{}",
        finance.rule
    );
}

#[test]
fn without_create_each_derived_group_keeps_its_rule_and_first_row() {
    // So that a group missing from the tenant can be traced to what derived it.
    let options =
        ReadOptions::default().with_mapping(Mapping::load(fixture("hris/mapping.toml")).unwrap());
    let state = read(&[fixture("hris/hris_export.csv")], &options).unwrap();
    assert!(state.groups.is_empty());
    let finance = state
        .derived
        .iter()
        .find(|g| g.name == "Finance Analysts")
        .unwrap();
    assert!(!finance.create);
    assert_eq!(finance.source.row, 4);
    assert!(finance.rule.contains("rule 1"), "{}", finance.rule);
    let members = state
        .users
        .iter()
        .filter(|u| u.groups.contains("Finance Analysts"))
        .count();
    assert_eq!(finance.members, members);
}

#[test]
fn the_summary_counts_value_map_hits_and_misses_even_when_the_file_is_refused() {
    let mut text = String::from("Email,Worker Status\n");
    let statuses = [
        "Active",
        "Active",
        "On Leave",
        "Terminated",
        "Contractor",
        "Contractor",
    ];
    for (i, status) in statuses.iter().enumerate() {
        let _ = writeln!(text, "u{i}@example.com,{status}");
    }
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Email\"\naccountEnabled = \"Worker Status\"\n\
         [values.accountEnabled]\nActive = true\n\"On Leave\" = true\nTerminated = false\nRetired = false\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, &text).unwrap();
    let outcome = read_with_summary(&[&path], &ReadOptions::default().with_mapping(mapping));
    let err = outcome.result.unwrap_err();
    assert!(
        err.problems
            .iter()
            .all(|p| p.kind == ProblemKind::InvalidBoolean)
    );
    let map = &outcome.summary.value_maps[0];
    assert_eq!(
        map.to_string(),
        "Worker Status: 3 values mapped, 1 unmapped value \"Contractor\" in 2 rows"
    );
    assert_eq!(map.mapped[0].rows, 2, "Active, in two rows");
}

#[test]
fn the_summary_lists_the_derived_groups_and_their_members() {
    let options = ReadOptions::default()
        .with_mapping(Mapping::load(fixture("../examples/mappings/workday.toml")).unwrap());
    let outcome = read_with_summary(&[fixture("../examples/mappings/workday.csv")], &options);
    outcome.result.unwrap();
    let shown = outcome.summary.to_string();
    assert!(shown.contains("groups the mapping derives: 4"), "{shown}");
    assert!(
        shown.contains("\"Finance Team\": 2 members, created if the tenant lacks it"),
        "{shown}"
    );
    assert!(shown.contains("Worker Status: 3 values mapped"), "{shown}");
}

#[test]
fn a_derived_group_name_with_a_control_character_is_a_problem() {
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Email\"\n[[groups]]\ngroup = \"{Dept} Team\"\ncreate = true\n",
    )
    .unwrap();
    let err = read_bytes(
        "export.csv",
        "Email,Dept\na@example.com,Fin\u{7}ance\n".as_bytes(),
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ProblemKind::ControlCharacter, "{err}");
    assert_eq!(err.problems[0].row, Some(2));
}
