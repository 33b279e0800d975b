//! Cells read as Excel shows them: numeric cells through their number format, and the same
//! export as CSV and as XLSX reading to the same desired state.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use vsync_reader::{Mapping, ProblemKind, ReadOptions, read, read_bytes};

use crate::{fixture, without_places};

fn workbook(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Users").unwrap();
    build(sheet);
    workbook.save_to_buffer().unwrap()
}

#[test]
fn numeric_identifiers_read_through_their_number_format() {
    // Regression test: an HRIS XLSX holds employee IDs as numbers shown `000001`; they read
    // `1`, and a plan rewrote every employee ID.
    let bytes = workbook(|sheet| {
        for (c, h) in ["username", "employeeId", "displayName"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let rows: [(&str, f64, &str); 5] = [
            ("a@example.com", 1.0, "000000"),
            ("b@example.com", 42.0, "00000#"),
            ("c@example.com", 12_345.0, "@"),
            ("d@example.com", 7.0, "General"),
            ("e@example.com", 1_234.0, "\"E-\"0000"),
        ];
        for (r, (user, id, format)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, *user).unwrap();
            let format = Format::new().set_num_format(*format);
            sheet.write_number_with_format(r, 1, *id, &format).unwrap();
        }
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let when = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
        sheet
            .write_datetime_with_format(1, 2, &when, &date)
            .unwrap();
    });
    let state = read_bytes("ids.xlsx", &bytes, &ReadOptions::default()).unwrap();
    let ids: Vec<&str> = state
        .users
        .iter()
        .map(|u| u.employee_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["000001", "000042", "12345", "7", "E-1234"]);
    assert_eq!(
        state.users[0].display_name.as_deref(),
        Some("2024-03-01"),
        "a date reads in ISO form, whatever its format"
    );
}

#[test]
fn a_format_that_cannot_be_reproduced_in_a_text_field_names_the_cell_and_the_format() {
    for (format, value) in [
        ("\"$\"#,##0.00", 1234.5),
        ("0.00E+00", 123_456.0),
        ("# ?/?", 1.5),
    ] {
        let bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "username").unwrap();
            sheet.write_string(0, 1, "employeeId").unwrap();
            sheet.write_string(1, 0, "a@example.com").unwrap();
            sheet.write_string(2, 0, "b@example.com").unwrap();
            let f = Format::new().set_num_format(format);
            sheet.write_number_with_format(2, 1, value, &f).unwrap();
        });
        let err = read_bytes("ids.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
        assert_eq!(err.problems.len(), 1, "{format}: {err}");
        let p = &err.problems[0];
        assert_eq!(p.kind, ProblemKind::NumberFormat, "{format}: {p}");
        assert_eq!(
            (p.sheet.as_deref(), p.row, p.column.as_deref()),
            (Some("Users"), Some(3), Some("employeeId")),
            "{p}"
        );
        assert!(p.message.contains(format), "{format}: {p}");
    }
}

#[test]
fn an_unreproducible_format_in_a_column_nothing_reads_is_no_problem() {
    let bytes = workbook(|sheet| {
        sheet.write_string(0, 0, "Work Email").unwrap();
        sheet.write_string(0, 1, "Salary").unwrap();
        sheet.write_string(1, 0, "a@example.com").unwrap();
        let money = Format::new().set_num_format("\"$\"#,##0.00");
        sheet
            .write_number_with_format(1, 1, 85_000.0, &money)
            .unwrap();
    });
    let mapping = Mapping::from_toml_str("[columns]\nusername = \"Work Email\"\n").unwrap();
    read_bytes(
        "hris.xlsx",
        &bytes,
        &ReadOptions::default().with_mapping(mapping),
    )
    .unwrap();
}

fn workday() -> Mapping {
    Mapping::load(fixture("../examples/mappings/workday.toml")).unwrap()
}

#[test]
fn the_same_export_as_csv_and_as_xlsx_gives_the_same_desired_state() {
    let options = ReadOptions::default().with_mapping(workday());
    let csv = read(&[fixture("hris/workday_export.csv")], &options).unwrap();
    let xlsx = read(&[fixture("hris/workday_export.xlsx")], &options).unwrap();
    assert_eq!(csv.users.len(), 60);
    assert_eq!(csv.users[0].employee_id.as_deref(), Some("000013"));
    assert!(
        csv.groups.iter().any(|g| g
            .description
            .as_deref()
            .is_some_and(|d| d.contains("cost center 4"))),
        "{:?}",
        csv.groups
    );
    assert_eq!(without_places(xlsx), without_places(csv));
}

#[test]
fn every_cell_of_the_export_reads_the_same_from_csv_and_xlsx() {
    // A template naming every column puts every cell, as read, in the state: IDs with their
    // zeros, dates in ISO form, the Text column, accents, apostrophes and empty cells.
    let header = [
        "Employee ID",
        "Legal Name - First Name",
        "Preferred Name - First Name",
        "Legal Name - Last Name",
        "Email - Primary Work",
        "Worker Status",
        "Worker Type",
        "Supervisory Organization",
        "Cost Center",
        "Location",
        "Hire Date",
        "Business Title",
    ];
    let all: Vec<String> = header.iter().map(|h| format!("[{{{h}}}]")).collect();
    let text = format!(
        "[columns]\nusername = \"Email - Primary Work\"\ndisplayName = \"{}\"\n",
        all.join("")
    );
    let options = ReadOptions::default().with_mapping(Mapping::from_toml_str(&text).unwrap());
    let csv = read(&[fixture("hris/workday_export.csv")], &options).unwrap();
    let xlsx = read(&[fixture("hris/workday_export.xlsx")], &options).unwrap();
    let shown = csv.users[0].display_name.as_deref().unwrap();
    assert!(shown.starts_with("[000013]["), "{shown}");
    assert!(shown.contains("][2005-02-06]["), "{shown}");
    assert!(
        csv.users.iter().any(|u| u
            .display_name
            .as_deref()
            .is_some_and(|d| d.contains("O'Brien") && d.contains("Seán"))),
        "apostrophes and accents are in the fixture"
    );
    assert!(csv.users.iter().any(|u| {
        u.display_name
            .as_deref()
            .is_some_and(|d| d.contains("][]["))
    }));
    for (c, x) in csv.users.iter().zip(&xlsx.users) {
        assert_eq!(c.display_name, x.display_name);
    }
    assert_eq!(without_places(xlsx), without_places(csv));
}
