//! Several inputs at once: each file's role comes from its sheet names, its file name or its
//! header, the mapping applies to the exports it fits, and duplicates across files name both
//! places.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use vsync_reader::{Mapping, ProblemKind, ReadOptions, read, read_with_summary};

use crate::fixture;

fn example(name: &str) -> PathBuf {
    fixture("../examples/mappings").join(name)
}

fn workday() -> ReadOptions {
    ReadOptions::default().with_mapping(Mapping::load(example("workday.toml")).unwrap())
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_export_and_a_groups_file_of_any_names_are_told_apart_by_their_headers() {
    let dir = tempfile::tempdir().unwrap();
    let teams = write(
        dir.path(),
        "teams.csv",
        "displayName,description\nFinance Team,Declared here\nAuditors,Read-only access\n",
    );
    let outcome = read_with_summary(&[example("workday.csv"), teams.clone()], &workday());
    let state = outcome.result.unwrap();
    assert_eq!(state.users.len(), 6);
    let finance = state
        .groups
        .iter()
        .find(|g| g.name == "Finance Team")
        .unwrap();
    assert_eq!(
        finance.description.as_deref(),
        Some("Declared here"),
        "a group the file declares is what its row says, even when a rule creates it too"
    );
    assert!(state.groups.iter().any(|g| g.name == "Auditors"));
    let roles: Vec<(&str, bool)> = outcome
        .summary
        .sheets
        .iter()
        .map(|s| (s.kind, s.mapped))
        .collect();
    assert_eq!(roles, [("Users", true), ("UserGroups", false)]);
    assert_eq!(state.input.files.len(), 2);
}

#[test]
fn a_groups_workbook_beside_a_csv_export_is_read_by_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Sheet1").unwrap();
    sheet.write_string(0, 0, "displayName").unwrap();
    sheet.write_string(0, 1, "permissions").unwrap();
    sheet.write_string(1, 0, "Finance Team").unwrap();
    sheet.write_string(1, 1, "Finance Reporting").unwrap();
    let groups = dir.path().join("access.xlsx");
    workbook.save(&groups).unwrap();
    let state = read(&[example("workday.csv"), groups], &workday()).unwrap();
    let finance = state
        .groups
        .iter()
        .find(|g| g.name == "Finance Team")
        .unwrap();
    assert!(finance.permissions.contains("Finance Reporting"));
    assert!(state.managed.group_permissions);
}

#[test]
fn the_mapping_applies_to_the_exports_it_fits_and_not_to_a_file_in_vsync_format() {
    let dir = tempfile::tempdir().unwrap();
    let admins = write(
        dir.path(),
        "admins.csv",
        "username,displayName,employeeId\nroot@example.com,Tenant Admin,A-1\n",
    );
    let outcome = read_with_summary(&[example("workday.csv"), admins], &workday());
    let state = outcome.result.unwrap();
    assert_eq!(state.users.len(), 7);
    let admin = state
        .users
        .iter()
        .find(|u| &*u.username == "root@example.com")
        .unwrap();
    assert_eq!(admin.display_name.as_deref(), Some("Tenant Admin"));
    let mapped: Vec<bool> = outcome.summary.sheets.iter().map(|s| s.mapped).collect();
    assert_eq!(mapped, [true, false]);
}

#[test]
fn duplicates_across_files_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string(example("workday.csv")).unwrap();
    let header = header.lines().next().unwrap();
    let contractors = write(
        dir.path(),
        "contractors.csv",
        &format!(
            "{header}\n\
             000101,Chloé,,O'Brien,CHLOE.OBRIEN@example.com,Active,Contingent Worker,Finance,4100,London,2015-02-19,Analyst\n\
             000102,Other,,Person,other.person@example.com,Active,Contingent Worker,Finance,4100,London,2015-02-19,Analyst\n"
        ),
    );
    let err = read(&[example("workday.csv"), contractors], &workday()).unwrap_err();
    let found: Vec<(ProblemKind, Option<u64>, bool)> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.row,
                p.file.ends_with("contractors.csv") && p.message.contains("workday.csv, row"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (ProblemKind::DuplicateUsername, Some(2), true),
            (ProblemKind::DuplicateEmployeeId, Some(3), true),
        ],
        "{err}"
    );
}

#[test]
fn a_group_declared_in_two_files_names_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "users.csv", "username\na@example.com\n");
    let a = write(dir.path(), "groups_a.csv", "displayName\nSales\n");
    let b = write(dir.path(), "groups_b.csv", "displayName\nsales\n");
    let err = read(&[users, a, b], &ReadOptions::default()).unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::DuplicateGroup, "{err}");
    assert!(
        p.file.ends_with("groups_b.csv") && p.message.contains("groups_a.csv, row 2"),
        "{p}"
    );
}

#[test]
fn a_file_whose_header_says_nothing_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "people.csv", "username\na@example.com\n");
    let notes = write(dir.path(), "notes.csv", "topic,note\nx,y\n");
    let err = read(&[users, notes], &ReadOptions::default()).unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::UnknownFile, "{err}");
    assert!(
        p.file.ends_with("notes.csv") && p.message.contains("user_groups.csv"),
        "{p}"
    );
}
