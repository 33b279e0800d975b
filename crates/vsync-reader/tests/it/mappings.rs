//! The documented mapping examples in `examples/mappings/`: each reads its fixture, and every
//! column of the fixture is read or ignored on purpose.

use vsync_reader::{Mapping, ReadOptions, read_with_summary};

use crate::fixture;

/// Reads `examples/mappings/<name>.csv` with `<name>.toml`: users and the groups created.
fn read_example(name: &str) -> (vsync_model::DesiredState, vsync_reader::ReadSummary) {
    let dir = fixture("../examples/mappings");
    let mapping = Mapping::load(dir.join(format!("{name}.toml"))).unwrap();
    let outcome = read_with_summary(
        &[dir.join(format!("{name}.csv"))],
        &ReadOptions::default().with_mapping(mapping),
    );
    let state = outcome.result.unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        outcome.summary.sheets.iter().all(|s| s.unread.is_empty()),
        "{name}: {}",
        outcome.summary
    );
    assert!(
        outcome
            .summary
            .value_maps
            .iter()
            .all(|m| m.unmapped.is_empty()),
        "{name}: {}",
        outcome.summary
    );
    (state, outcome.summary)
}

fn group_names(state: &vsync_model::DesiredState) -> Vec<&str> {
    state.groups.iter().map(|g| g.name.as_str()).collect()
}

#[test]
fn workday() {
    let (state, _) = read_example("workday");
    assert_eq!(state.users.len(), 6);
    assert_eq!(state.users[0].employee_id.as_deref(), Some("000101"));
    assert_eq!(state.users[1].display_name.as_deref(), Some("Jo Müller"));
    assert_eq!(state.users[3].account_enabled, Some(false));
    assert!(group_names(&state).contains(&"Contingent Workers"));
}

#[test]
fn sap_successfactors() {
    let (state, _) = read_example("successfactors");
    assert_eq!(state.users.len(), 4);
    assert_eq!(&*state.users[1].username, "juergen.doe@example.com");
    assert_eq!(state.users[3].account_enabled, Some(false));
    assert_eq!(
        group_names(&state),
        ["Corporate - Finance", "Americas - Sales"]
    );
}

#[test]
fn bamboohr() {
    let (state, _) = read_example("bamboohr");
    assert_eq!(state.users.len(), 4);
    assert_eq!(
        state.users[0].display_name.as_deref(),
        Some("Charlie Abbott")
    );
    assert_eq!(group_names(&state), ["Product", "Sales", "Contractors"]);
    assert_eq!(
        state.groups[0].description.as_deref(),
        Some("Everyone in Product (North America)")
    );
}

#[test]
fn adp_workforce_now() {
    let (state, summary) = read_example("adp");
    assert_eq!(state.users.len(), 4);
    assert_eq!(
        state.users[1].display_name.as_deref(),
        Some("Dwayne O'Neil")
    );
    assert_eq!(
        group_names(&state),
        ["Payroll", "Roseland Office", "Human Resources"]
    );
    let payroll = summary
        .derived
        .iter()
        .find(|g| g.name == "Payroll")
        .unwrap();
    assert_eq!(payroll.members, 2);
}
