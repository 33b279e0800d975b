//! One bad file per error class, each asserting the exact place reported.

use vsync_reader::{ProblemKind, ReadLimits, ReadOptions, read};

use crate::{fixture, problems};

/// Asserts a fixture is refused with exactly one problem of `kind`, at `sheet`/`row`/`column`.
#[track_caller]
fn single(
    rel: &str,
    kind: ProblemKind,
    sheet: Option<&str>,
    row: Option<u64>,
    column: Option<&str>,
) -> vsync_reader::Problem {
    let problems = problems(rel);
    assert_eq!(problems.len(), 1, "{rel}: {problems:#?}");
    let p = problems.into_iter().next().unwrap();
    assert_eq!(p.kind, kind, "{rel}: {p}");
    assert!(
        p.file.ends_with(rel.rsplit('/').next().unwrap()),
        "{rel}: {p}"
    );
    assert_eq!(p.sheet.as_deref(), sheet, "{rel}: {p}");
    assert_eq!(p.row, row, "{rel}: {p}");
    assert_eq!(p.column.as_deref(), column, "{rel}: {p}");
    p
}

#[test]
fn missing_column_suggests_the_near_miss_header() {
    let p = single(
        "bad/missing_column.csv",
        ProblemKind::MissingColumn,
        None,
        Some(1),
        Some("username"),
    );
    assert_eq!(p.suggestion.as_deref(), Some("usrname"));
    assert!(
        p.to_string().ends_with(
            "row 1, column username: missing column username (did you mean \"usrname\"?)"
        ),
        "{p}"
    );
}

#[test]
fn empty_key() {
    single(
        "bad/empty_key.csv",
        ProblemKind::EmptyKey,
        None,
        Some(3),
        Some("username"),
    );
}

#[test]
fn duplicate_username_is_case_insensitive_and_names_the_first_row() {
    let p = single(
        "bad/duplicate_username.csv",
        ProblemKind::DuplicateUsername,
        None,
        Some(4),
        Some("username"),
    );
    assert!(
        p.message.contains("JANE@Example.com") && p.message.contains("row 2"),
        "{p}"
    );
}

#[test]
fn duplicate_employee_id() {
    let p = single(
        "bad/duplicate_employee_id.csv",
        ProblemKind::DuplicateEmployeeId,
        None,
        Some(3),
        Some("employeeId"),
    );
    assert!(p.message.contains("\"00123\""), "{p}");
}

#[test]
fn malformed_email() {
    let p = single(
        "bad/malformed_email.csv",
        ProblemKind::MalformedEmail,
        None,
        Some(3),
        Some("email"),
    );
    assert!(
        p.to_string()
            .ends_with("malformed_email.csv, row 3, column email: malformed email \"jane@@x\""),
        "{p}"
    );
}

#[test]
fn invalid_boolean() {
    single(
        "bad/invalid_boolean.csv",
        ProblemKind::InvalidBoolean,
        None,
        Some(3),
        Some("accountEnabled"),
    );
}

#[test]
fn empty_list_item() {
    let p = single(
        "bad/empty_list_item.csv",
        ProblemKind::EmptyListItem,
        None,
        Some(2),
        Some("userGroups"),
    );
    assert!(p.message.contains("item 2"), "{p}");
}

#[test]
fn employee_id_in_scientific_notation_is_refused() {
    single(
        "bad/mangled_employee_id.csv",
        ProblemKind::MangledNumber,
        None,
        Some(2),
        Some("employeeId"),
    );
}

#[test]
fn empty_file() {
    single("bad/empty_file.csv", ProblemKind::Empty, None, None, None);
}

#[test]
fn header_only_users_file_is_refused_so_a_truncated_export_removes_nobody() {
    single("bad/header_only.csv", ProblemKind::Empty, None, None, None);
}

#[test]
fn empty_sheet() {
    single(
        "bad/empty_sheet.xlsx",
        ProblemKind::Empty,
        Some("Users"),
        None,
        None,
    );
}

#[test]
fn invalid_utf8_names_the_cell() {
    single(
        "bad/not_utf8.csv",
        ProblemKind::Encoding,
        None,
        Some(2),
        Some("displayName"),
    );
}

#[test]
fn utf16_file() {
    single("bad/utf16.csv", ProblemKind::Encoding, None, None, None);
}

#[test]
fn text_named_xlsx() {
    single(
        "bad/not_a_workbook.xlsx",
        ProblemKind::WrongFileType,
        None,
        None,
        None,
    );
}

#[test]
fn workbook_named_csv() {
    single(
        "bad/workbook_named_csv.csv",
        ProblemKind::WrongFileType,
        None,
        None,
        None,
    );
}

#[test]
fn unsupported_extension() {
    single(
        "bad/unsupported.ods",
        ProblemKind::UnsupportedFormat,
        None,
        None,
        None,
    );
}

#[test]
fn password_protected_workbook() {
    let p = single(
        "bad/password_protected.xlsx",
        ProblemKind::Protected,
        None,
        None,
        None,
    );
    assert!(p.message.contains("password"), "{p}");
}

#[test]
fn corrupt_workbook() {
    single("bad/corrupt.xlsx", ProblemKind::Corrupt, None, None, None);
}

#[test]
fn formula_in_key_cell() {
    single(
        "bad/formula_in_key.xlsx",
        ProblemKind::FormulaInKey,
        Some("Users"),
        Some(3),
        Some("username"),
    );
}

#[test]
fn spreadsheet_error_cell() {
    let p = single(
        "bad/cell_error.xlsx",
        ProblemKind::CellError,
        Some("Users"),
        Some(2),
        Some("employeeId"),
    );
    assert!(p.message.contains("#DIV/0!"), "{p}");
}

#[test]
fn far_away_cell_is_refused_before_loading() {
    single(
        "bad/far_away_cell.xlsx",
        ProblemKind::TooLarge,
        Some("Users"),
        None,
        None,
    );
}

#[test]
fn far_away_cell_is_refused_while_streaming_when_the_declared_size_is_allowed() {
    // Declared dimensions within the caps, but more cells than allowed.
    let limits = ReadLimits {
        max_cells: 2,
        ..ReadLimits::default()
    };
    let err = read(
        &[fixture("input/vsync.xlsx")],
        &ReadOptions::default().with_limits(limits),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ProblemKind::TooLarge);
    assert_eq!(err.problems[0].sheet.as_deref(), Some("Users"));
}

#[test]
fn csv_row_cap() {
    let limits = ReadLimits {
        max_rows: 2,
        ..ReadLimits::default()
    };
    let err = read(
        &[fixture("input/users.csv")],
        &ReadOptions::default().with_limits(limits),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ProblemKind::TooLarge);
    assert_eq!(err.problems[0].row, Some(3));
}

#[test]
fn contradiction_between_wide_column_and_long_sheet() {
    let p = single(
        "bad/contradiction.xlsx",
        ProblemKind::Contradiction,
        Some("Memberships"),
        Some(3),
        None,
    );
    assert!(
        p.message.contains("jane@example.com") && p.message.contains("Finance"),
        "{p}"
    );
}

#[test]
fn long_sheet_names_unknown_user() {
    single(
        "bad/unknown_user.xlsx",
        ProblemKind::UnknownUser,
        Some("Memberships"),
        Some(2),
        Some("username"),
    );
}

#[test]
fn duplicate_group() {
    single(
        "bad/duplicate_group.xlsx",
        ProblemKind::DuplicateGroup,
        Some("UserGroups"),
        Some(3),
        Some("displayName"),
    );
}

#[test]
fn missing_users_sheet() {
    let p = single(
        "bad/missing_sheet.xlsx",
        ProblemKind::MissingSheet,
        None,
        None,
        None,
    );
    assert!(p.message.contains("People, Notes"), "{p}");
}

#[test]
fn every_problem_is_listed_not_only_the_first() {
    let problems = problems("bad/many_problems.csv");
    let found: Vec<(ProblemKind, Option<u64>)> = problems.iter().map(|p| (p.kind, p.row)).collect();
    assert_eq!(
        found,
        vec![
            (ProblemKind::MalformedEmail, Some(2)),
            (ProblemKind::EmptyKey, Some(3)),
            (ProblemKind::InvalidBoolean, Some(4)),
            (ProblemKind::DuplicateUsername, Some(5)),
        ]
    );
}

#[test]
fn missing_file_is_an_io_problem() {
    let err = read(
        &[fixture("bad/does_not_exist.csv")],
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ProblemKind::Io);
}
