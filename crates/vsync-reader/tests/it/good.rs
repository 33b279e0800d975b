//! Good files: what they read as.

use sha2::{Digest, Sha256};
use vsync_model::{Managed, NameSet};
use vsync_reader::{ReadOptions, read};

use crate::{fixture, read_fixture, without_places};

fn set(items: &[&str]) -> NameSet {
    items.iter().copied().collect()
}

#[test]
fn users_csv_reads_values_as_shown() {
    let state = read_fixture("input/users.csv").unwrap();
    assert_eq!(state.users.len(), 3);
    let [jane, john, amelie] = &state.users[..] else {
        unreachable!()
    };
    assert_eq!(jane.employee_id.as_deref(), Some("00123"));
    assert_eq!(jane.groups, set(&["Finance Analysts", "Sales"]));
    assert_eq!(jane.permissions, set(&["Reporting"]));
    assert_eq!(jane.account_enabled, Some(true));
    assert_eq!(
        &*john.username, "John.Smith@Example.com",
        "original case is kept"
    );
    assert_eq!(john.account_enabled, Some(false));
    assert!(john.groups.is_empty());
    assert_eq!(
        amelie.display_name.as_deref(),
        Some("Am\u{e9}lie Martin"),
        "trimmed and NFC"
    );
    assert_eq!(
        amelie.email, None,
        "a blank cell leaves the live value alone"
    );
    assert_eq!(amelie.source.row, 4);
    assert_eq!(
        state.managed,
        Managed {
            memberships: true,
            user_permissions: true,
            profiles: false,
            group_permissions: false
        }
    );
    assert_eq!(state.input.user_rows, 3);
}

#[test]
fn checksum_of_a_single_file_is_its_sha256() {
    let state = read_fixture("input/users.csv").unwrap();
    let bytes = std::fs::read(fixture("input/users.csv")).unwrap();
    assert_eq!(state.input.checksum, hex::encode(Sha256::digest(&bytes)));
    let state = read_fixture("input/vsync.xlsx").unwrap();
    let bytes = std::fs::read(fixture("input/vsync.xlsx")).unwrap();
    assert_eq!(state.input.checksum, hex::encode(Sha256::digest(&bytes)));
}

#[test]
fn bom_semicolons_quoted_newlines_and_escaped_values() {
    let state = read_fixture("input/semicolon_bom.csv").unwrap();
    let [a, b] = &state.users[..] else {
        panic!("{state:?}")
    };
    assert_eq!(
        &*a.username, "a@example.com",
        "the BOM is not part of the first header"
    );
    assert_eq!(a.display_name.as_deref(), Some("Anne\nMarie"));
    assert_eq!(
        a.employee_id.as_deref(),
        Some("-17"),
        "the formula-escape quote is stripped"
    );
    assert_eq!(a.account_enabled, Some(true));
    assert_eq!(b.employee_id.as_deref(), Some("0042"));
    assert_eq!(b.account_enabled, Some(false));
    assert_eq!(
        b.source.row, 3,
        "a record with a quoted newline is one spreadsheet row"
    );
}

#[test]
fn explicit_delimiter_overrides_sniffing() {
    let err = read(
        &[fixture("input/semicolon_bom.csv")],
        &ReadOptions::default().with_delimiter(b','),
    )
    .unwrap_err();
    assert_eq!(err.kind(), vsync_reader::ProblemKind::MissingColumn);
}

#[test]
fn csv_folder_and_files_read_the_same() {
    let from_dir = read(&[fixture("input/csv")], &ReadOptions::default()).unwrap();
    let files: Vec<_> = [
        "group_permissions.csv",
        "users.csv",
        "memberships.csv",
        "user_groups.csv",
    ]
    .iter()
    .map(|f| fixture(&format!("input/csv/{f}")))
    .collect();
    let from_files = read(&files, &ReadOptions::default()).unwrap();
    assert_eq!(
        from_dir.input.checksum, from_files.input.checksum,
        "files are hashed in sheet order"
    );
    assert_eq!(from_dir, from_files.clone());
    let state = from_files;
    assert!(state.managed.memberships && state.managed.group_permissions);
    assert!(!state.managed.user_permissions && !state.managed.profiles);
    assert_eq!(
        state.users[1].groups,
        set(&["Sales"]),
        "long sheets match usernames case-insensitively"
    );
    assert_eq!(state.groups[0].permissions, set(&["Finance Reporting"]));
    assert_eq!(state.groups[1].description, None);
    assert_eq!(state.input.files.len(), 4);
}

#[test]
fn workbook_reads_typed_cells_as_text_and_merges_long_sheets() {
    let state = read_fixture("input/vsync.xlsx").unwrap();
    let [jane, john, amelie] = &state.users[..] else {
        panic!("{state:?}")
    };
    assert_eq!(jane.employee_id.as_deref(), Some("00123"));
    assert_eq!(
        john.employee_id.as_deref(),
        Some("12345"),
        "a numeric cell reads without .0"
    );
    assert_eq!(jane.account_enabled, Some(true));
    assert_eq!(john.account_enabled, Some(false));
    assert_eq!(amelie.account_enabled, Some(true));
    assert_eq!(
        jane.groups,
        set(&["Finance Analysts"]),
        "wide and long agree"
    );
    assert_eq!(
        john.groups,
        set(&["Sales"]),
        "a blank wide cell takes the long sheet's rows"
    );
    assert_eq!(jane.profiles, set(&["Analyst"]));
    assert_eq!(jane.source.sheet_name(), Some("Users"));
    assert_eq!(john.source.row, 3);
    assert_eq!(
        state.groups[0].permissions,
        set(&["Budget View", "Finance Reporting"])
    );
    assert_eq!(
        state.managed,
        Managed {
            memberships: true,
            user_permissions: false,
            profiles: true,
            group_permissions: true
        }
    );
}

#[test]
fn workbook_and_its_csv_export_agree() {
    let state = read_fixture("input/vsync.xlsx").unwrap();
    let dir = tempfile::tempdir().unwrap();
    vsync_reader::write_csv_dir(&state, dir.path()).unwrap();
    let again = read(&[dir.path()], &ReadOptions::default()).unwrap();
    assert_eq!(without_places(again), without_places(state));
}
