//! Source checks: a file cut short, unknown columns, and the limits a tenant enforces, each a
//! problem naming file, row and column, so that nothing from the file is applied.

use std::fmt::Write as _;

use vsync_reader::{
    Mapping, Problem, ProblemKind, ReadOptions, read, read_bytes, read_with_summary,
};

use crate::fixture;

fn problems_of(name: &str, text: &str, options: &ReadOptions) -> Vec<Problem> {
    match read_bytes(name, text.as_bytes(), options) {
        Ok(state) => panic!("{name} was accepted: {state:?}"),
        Err(e) => e.problems,
    }
}

#[track_caller]
fn only(problems: &[Problem], kind: ProblemKind, row: u64, column: &str) -> Problem {
    let found: Vec<&Problem> = problems.iter().filter(|p| p.kind == kind).collect();
    assert_eq!(found.len(), 1, "{problems:#?}");
    let p = found[0].clone();
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(row), Some(column)),
        "{p}"
    );
    p
}

// ---- a file cut short ---------------------------------------------------------------------

#[test]
fn an_export_cut_mid_row_is_refused_whole() {
    // Regression test: with the first 40 % of an export's bytes, the damaged last row's
    // display name (`Kill Test 1206 -> Kill Tes`) was applied.
    let bytes = std::fs::read(fixture("hris/hris_export.csv")).unwrap();
    let mapping = Mapping::load(fixture("hris/mapping.toml")).unwrap();
    let options = ReadOptions::default().with_mapping(mapping);
    let cut = &bytes[..bytes.len() * 2 / 5];
    let last_row = cut.split(|b| *b == b'\n').count() as u64;
    let err = read_bytes("hris_export.csv", cut, &options).unwrap_err();
    let p = err
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::CutShort)
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(p.row, Some(last_row), "{p}");
    assert!(p.column.is_some(), "{p}");
    assert_eq!(&*p.file, "hris_export.csv");
}

#[test]
fn a_last_row_without_its_line_end_is_a_problem_even_when_every_field_is_there() {
    let problems = problems_of(
        "users.csv",
        "username,displayName\na@example.com,Kill Test 1205\nb@example.com,Kill Tes",
        &ReadOptions::default(),
    );
    let p = only(&problems, ProblemKind::CutShort, 3, "displayName");
    assert!(p.message.contains("no line end"), "{p}");
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

#[test]
fn a_row_with_fewer_fields_than_the_header_is_a_problem_naming_the_first_missing_column() {
    let problems = problems_of(
        "users.csv",
        "username,displayName,email\na@example.com,A,a@example.com\nb@example.com,B\nc@example.com,C,c@example.com\n",
        &ReadOptions::default(),
    );
    only(&problems, ProblemKind::CutShort, 3, "email");
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

#[test]
fn a_cut_file_read_from_disk_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.csv");
    std::fs::write(
        &path,
        "username,email\na@example.com,a@example.com\nb@example.com,b@ex",
    )
    .unwrap();
    let err = read(&[&path], &ReadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ProblemKind::CutShort, "{err}");
    assert_eq!(err.problems[0].row, Some(3));
}

#[test]
fn blank_space_after_the_last_line_end_is_not_a_cut() {
    let state = read_bytes(
        "users.csv",
        b"username,email,\na@example.com,a@example.com\n  \n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(state.users.len(), 1);
}

// ---- unknown columns ----------------------------------------------------------------------

#[test]
fn a_misspelt_optional_column_is_an_error_with_the_column_meant() {
    // Regression test: `dispalyName` validated as "manages user fields only", and a sync
    // created users without display names.
    let problems = problems_of(
        "users.csv",
        "username,dispalyName\na@example.com,Ann\n",
        &ReadOptions::default(),
    );
    let p = only(&problems, ProblemKind::UnknownColumn, 1, "dispalyName");
    assert_eq!(p.suggestion.as_deref(), Some("displayName"), "{p}");
    assert_eq!(problems.len(), 1);
}

#[test]
fn the_long_form_column_name_on_the_users_sheet_suggests_the_wide_one() {
    let problems = problems_of(
        "users.csv",
        "username,userGroup\na@example.com,Sales\n",
        &ReadOptions::default(),
    );
    let p = only(&problems, ProblemKind::UnknownColumn, 1, "userGroup");
    assert_eq!(p.suggestion.as_deref(), Some("userGroups"), "{p}");
}

#[test]
fn with_a_mapping_extra_columns_are_listed_not_refused() {
    let mapping = Mapping::load(fixture("hris/mapping.toml")).unwrap();
    let options = ReadOptions::default().with_mapping(mapping);
    let outcome = read_with_summary(&[fixture("hris/hris_export.csv")], &options);
    outcome.result.unwrap();
    let sheet = &outcome.summary.sheets[0];
    assert_eq!(sheet.unread, ["Job Title", "Hire Date", "FTE"]);
    assert!(
        outcome
            .summary
            .to_string()
            .contains("columns nothing reads: Job Title, Hire Date, FTE"),
        "{}",
        outcome.summary
    );
}

#[test]
fn with_a_mapping_an_unread_header_close_to_an_unfilled_field_is_still_flagged() {
    let text = "Work Email,Dispaly Name\na@example.com,Ann\n";
    let mapping = Mapping::from_toml_str("[columns]\nusername = \"Work Email\"\n").unwrap();
    let problems = problems_of(
        "hris.csv",
        text,
        &ReadOptions::default().with_mapping(mapping),
    );
    let p = only(&problems, ProblemKind::UnknownColumn, 1, "Dispaly Name");
    assert_eq!(p.suggestion.as_deref(), Some("displayName"), "{p}");

    // Filled by the mapping, the field needs nothing from that column: it is just unread.
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Work Email\"\ndisplayName = \"{Work Email}\"\n",
    )
    .unwrap();
    read_bytes(
        "hris.csv",
        text.as_bytes(),
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap();

    // Or the mapping says the column is left unread on purpose.
    let mapping = Mapping::from_toml_str(
        "[columns]\nusername = \"Work Email\"\n[ignore]\ncolumns = [\"dispaly name\"]\n",
    )
    .unwrap();
    read_bytes(
        "hris.csv",
        text.as_bytes(),
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap();
}

// ---- limits a tenant enforces -------------------------------------------------------------

#[test]
fn a_username_longer_than_visier_accepts_is_a_problem() {
    let long = format!("{}@example.com", "a".repeat(64));
    let text = format!("username\nok@example.com\n{long}\n");
    let problems = problems_of("users.csv", &text, &ReadOptions::default());
    let p = only(&problems, ProblemKind::TooLong, 3, "username");
    assert!(
        p.message.contains("76 characters") && p.message.contains("75"),
        "{p}"
    );
}

#[test]
fn an_absurdly_long_display_name_is_a_problem_without_being_echoed() {
    let name = "x".repeat(300_000);
    let text = format!("username,displayName\na@example.com,{name}\n");
    let problems = problems_of("users.csv", &text, &ReadOptions::default());
    let p = only(&problems, ProblemKind::TooLong, 2, "displayName");
    assert!(p.to_string().len() < 300, "{p}");
}

#[test]
fn an_overlong_item_of_a_list_is_a_problem() {
    let group = "G".repeat(1_001);
    let text = format!("username,userGroups\na@example.com,Sales;{group}\n");
    let problems = problems_of("users.csv", &text, &ReadOptions::default());
    let p = only(&problems, ProblemKind::TooLong, 2, "userGroups");
    assert!(p.message.contains("item 2"), "{p}");
}

#[test]
fn control_characters_in_any_name_are_problems_with_row_and_column() {
    let text = "username,displayName,email,userGroups\n\
                a@example.com,Ann \u{1b}[2J,a@example.com,Sales\n\
                b\u{7}@example.com,Bob,b@example.com,\n\
                c@example.com,Cy,c@example.com,Sal\u{1b}es\n";
    let problems = problems_of("users.csv", text, &ReadOptions::default());
    let kinds: Vec<(u64, &str)> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::ControlCharacter)
        .map(|p| (p.row.unwrap(), p.column.as_deref().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [(2, "displayName"), (3, "username"), (4, "userGroups")],
        "{problems:#?}"
    );
    let shown = problems[0].to_string();
    assert!(
        shown.contains("U+001B (ESC)") && !shown.contains('\u{1b}'),
        "{shown}"
    );
}

#[test]
fn a_line_break_in_a_display_name_is_allowed_but_not_in_a_username() {
    read_bytes(
        "users.csv",
        b"username,displayName\na@example.com,\"Anne\nMarie\"\n",
        &ReadOptions::default(),
    )
    .unwrap();
    let problems = problems_of(
        "users.csv",
        "username\n\"a\n@example.com\"\n",
        &ReadOptions::default(),
    );
    only(&problems, ProblemKind::ControlCharacter, 2, "username");
}

#[test]
fn more_users_than_the_tenant_holds_is_a_problem_at_the_first_user_past_the_limit() {
    let mut text = String::from("username\n");
    for i in 0..25_001 {
        let _ = writeln!(text, "user{i}@example.com");
    }
    let problems = problems_of("users.csv", &text, &ReadOptions::default());
    let p = only(&problems, ProblemKind::TooManyUsers, 25_002, "username");
    assert!(
        p.message.contains("25001 users") && p.message.contains("25000"),
        "{p}"
    );

    // A tenant with another limit says so.
    let state = read_bytes(
        "users.csv",
        text.as_bytes(),
        &ReadOptions::default().with_max_users(30_000),
    )
    .unwrap();
    assert_eq!(state.users.len(), 25_001);
    let problems = problems_of(
        "users.csv",
        &text,
        &ReadOptions::default().with_max_users(100),
    );
    only(&problems, ProblemKind::TooManyUsers, 102, "username");
}
