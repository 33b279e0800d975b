//! The HRIS export with its mapping file.

use vsync_reader::{Mapping, ProblemKind, ReadOptions, read};

use crate::{fixture, without_places};

fn options() -> ReadOptions {
    ReadOptions::default().with_mapping(Mapping::load(fixture("hris/mapping.toml")).unwrap())
}

#[test]
fn hris_csv_maps_columns_values_templates_and_groups() {
    let state = read(&[fixture("hris/hris_export.csv")], &options()).unwrap();
    assert_eq!(state.users.len(), 300);
    let first = &state.users[0];
    assert_eq!(&*first.username, "chloe.patel1@example.com");
    assert_eq!(first.email.as_deref(), Some("chloe.patel1@example.com"));
    assert_eq!(
        first.employee_id.as_deref(),
        Some("000007"),
        "leading zeros are kept"
    );
    assert_eq!(first.display_name.as_deref(), Some("Chlo\u{e9} Patel"));
    assert_eq!(first.account_enabled, Some(true));
    assert!(first.groups.contains("Toronto Office"));
    let third = &state.users[2];
    assert_eq!(
        third.display_name.as_deref(),
        Some("Jo M\u{fc}ller"),
        "the preferred name wins"
    );
    assert!(third.groups.contains("Finance Analysts"));
    assert!(state.managed.memberships);
    let terminated = state
        .users
        .iter()
        .filter(|u| u.account_enabled == Some(false))
        .collect::<Vec<_>>();
    assert!(!terminated.is_empty());
    assert!(
        terminated
            .iter()
            .all(|u| !u.groups.iter().any(|g| g.ends_with("Office")))
    );
}

#[test]
fn hris_xlsx_reads_the_same_as_the_csv() {
    let csv = read(&[fixture("hris/hris_export.csv")], &options()).unwrap();
    let xlsx = read(&[fixture("hris/hris_export.xlsx")], &options()).unwrap();
    assert_eq!(
        xlsx.users[0].source.sheet_name(),
        Some("Employees"),
        "a one-sheet workbook is the users sheet"
    );
    assert_eq!(without_places(xlsx), without_places(csv));
}

#[test]
fn mapping_naming_a_missing_column_suggests_the_near_miss() {
    let mapping = Mapping::from_toml_str("[columns]\nusername = \"Work Emial\"\n").unwrap();
    let err = read(
        &[fixture("hris/hris_export.csv")],
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::MissingColumn);
    assert_eq!((p.row, p.column.as_deref()), (Some(1), Some("Work Emial")));
    assert_eq!(p.suggestion.as_deref(), Some("Work Email"));
}

#[test]
fn unmapped_value_is_reported_not_guessed() {
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Work Email\"\naccountEnabled = \"Employment Status\"\n[values.accountEnabled]\nActive = true\n",
    )
    .unwrap();
    let err = read(
        &[fixture("hris/hris_export.csv")],
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap_err();
    assert!(
        err.problems
            .iter()
            .all(|p| p.kind == ProblemKind::InvalidBoolean
                && p.column.as_deref() == Some("Employment Status"))
    );
}

#[test]
fn constants_fill_every_row() {
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Work Email\"\n[constants]\nprofiles = \"Standard\"\n",
    )
    .unwrap();
    let state = read(
        &[fixture("hris/hris_export.csv")],
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap();
    assert!(state.managed.profiles);
    assert!(state.users.iter().all(|u| u.profiles.contains("Standard")));
}
