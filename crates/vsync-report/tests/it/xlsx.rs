//! The workbook, read back with calamine.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use vsync_report::{Report, SHEETS};

use crate::fixtures::{FORMULA_USERNAME, applied_report, dry_run_report, empty_report};

fn open(report: &Report) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = report.to_xlsx().expect("the workbook builds");
    Xlsx::new(Cursor::new(bytes)).expect("calamine reads the workbook")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn header(range: &Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .expect("a header row")
        .iter()
        .map(text)
        .collect()
}

/// Data rows of a single-table sheet (the header is row 1).
fn data_rows(range: &Range<Data>) -> Vec<Vec<String>> {
    range
        .rows()
        .skip(1)
        .map(|r| r.iter().map(text).collect())
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect()
}

/// The value next to `label` in the Summary's Run table.
fn summary_value(range: &Range<Data>, label: &str) -> String {
    range
        .rows()
        .find(|r| r.first().is_some_and(|c| text(c) == label))
        .map_or_else(|| panic!("no summary line {label}"), |r| text(&r[1]))
}

#[test]
fn sheets_and_tables_are_all_there() {
    let mut book = open(&applied_report());
    assert_eq!(book.sheet_names(), SHEETS.map(str::to_owned).to_vec());
    book.load_tables().unwrap();
    let mut tables: Vec<String> = book.table_names().into_iter().cloned().collect();
    tables.sort();
    assert_eq!(
        tables,
        [
            "ByAction",
            "ByEntityAction",
            "Calls",
            "CallsByEndpoint",
            "Changes",
            "Failures",
            "Guards",
            "Run",
            "Skipped"
        ]
    );
}

#[test]
fn changes_sheet_has_one_row_per_change() {
    let report = applied_report();
    let mut book = open(&report);
    let changes = sheet(&mut book, "Changes");
    assert_eq!(
        header(&changes),
        [
            "Change",
            "Status",
            "Entity",
            "Action",
            "Key",
            "Target",
            "Fields",
            "Before",
            "After",
            "File",
            "Sheet",
            "Row",
            "Message",
            "rci",
            "HTTP status",
            "Phase",
            "Call",
            "Batch",
            "Endpoint"
        ]
    );
    let rows = data_rows(&changes);
    assert_eq!(rows.len(), report.changes.len());
    for (row, expected) in rows.iter().zip(&report.changes) {
        assert_eq!(row[0], expected.change.to_string());
        assert_eq!(
            row[1],
            serde_json::to_value(expected.status)
                .unwrap()
                .as_str()
                .unwrap()
        );
    }
    let jon = rows
        .iter()
        .find(|r| r[4] == "jon@acme.com" && r[3] == "update")
        .expect("Jon's update");
    assert_eq!(
        (jon[6].as_str(), jon[7].as_str(), jon[8].as_str()),
        ("displayName", "Jon Smith", "John Smith")
    );
    assert_eq!(
        (jon[9].as_str(), jon[10].as_str(), jon[11].as_str()),
        ("hris.xlsx", "Users", "2")
    );
}

#[test]
fn failures_sheet_lists_failed_and_unknown_changes_with_rci() {
    let report = applied_report();
    let mut book = open(&report);
    let failures = sheet(&mut book, "Failures");
    assert_eq!(
        header(&failures),
        [
            "Change",
            "Status",
            "Entity",
            "Action",
            "Key",
            "Target",
            "Message",
            "rci",
            "HTTP status",
            "File",
            "Sheet",
            "Row",
            "Call"
        ]
    );
    let rows = data_rows(&failures);
    assert_eq!(
        rows.len(),
        report.summary.changes.failed + report.summary.changes.unknown
    );
    let failed = rows
        .iter()
        .find(|r| r[1] == "failed")
        .expect("a failed row");
    assert_eq!(failed[7], "rci-7f3a-22c1");
    assert_eq!(failed[8], "400");
    assert!(rows.iter().any(|r| r[1] == "unknown"));
}

#[test]
fn skipped_and_calls_sheets_match_the_plan() {
    let report = applied_report();
    let mut book = open(&report);
    let skipped = sheet(&mut book, "Skipped");
    assert_eq!(
        header(&skipped),
        [
            "Kind", "Reason", "Key", "Target", "Entity", "Action", "File", "Sheet", "Row",
            "Message"
        ]
    );
    let rows = data_rows(&skipped);
    assert_eq!(rows.len(), report.summary.skipped + report.summary.withheld);
    assert!(
        rows.iter()
            .any(|r| r[0] == "skipped" && r[1] == "protected" && r[2] == "admin@acme.com")
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r[0] == "withheld" && r[1] == "disables")
            .count(),
        2
    );

    let calls = sheet(&mut book, "Calls");
    assert_eq!(
        header(&calls)[..7],
        [
            "Call", "Phase", "Batch", "Method", "Path", "Status", "Changes"
        ]
    );
    let rows = data_rows(&calls);
    assert_eq!(rows.len(), report.summary.planned_calls);
    let changes: usize = rows.iter().map(|r| r[6].parse::<usize>().unwrap()).sum();
    assert_eq!(
        changes,
        report.changes.len(),
        "every change is in exactly one call"
    );
}

#[test]
fn summary_sheet_carries_the_figures() {
    let report = applied_report();
    let mut book = open(&report);
    let summary = sheet(&mut book, "Summary");
    assert_eq!(
        text(&summary.rows().nth(1).unwrap()[0]),
        report.summary.headline
    );
    let s = &report.summary;
    for (label, value) in [
        ("Changes", s.changes.total),
        ("Applied", s.changes.applied),
        ("Failed", s.changes.failed),
        ("Skipped", s.changes.skipped),
        ("Unknown", s.changes.unknown),
        ("Guards tripped", s.guards_tripped),
        ("Lower bound", s.lower_bound),
        ("Planned calls", s.planned_calls),
    ] {
        assert_eq!(summary_value(&summary, label), value.to_string(), "{label}");
    }
    assert_eq!(summary_value(&summary, "Tenant"), "WFF_ACME");
    assert_eq!(
        summary_value(&summary, "Input SHA-256"),
        report.run.input_checksum
    );
    assert_eq!(
        summary_value(&summary, "Converged"),
        "no, 1 difference(s) remain"
    );
}

#[test]
fn formula_like_values_are_written_as_text() {
    let report = applied_report();
    let mut book = open(&report);
    let changes = sheet(&mut book, "Changes");
    let rows = data_rows(&changes);
    let create = rows
        .iter()
        .find(|r| r[4].contains("HYPERLINK"))
        .expect("the formula-named user");
    assert_eq!(create[4], format!("'{FORMULA_USERNAME}"));
    assert!(
        create[8].contains("displayName: =1+1"),
        "a value inside a multi-field cell does not start the cell: {create:?}"
    );
    let failures = data_rows(&sheet(&mut book, "Failures"));
    assert_eq!(
        failures.iter().find(|r| r[1] == "failed").unwrap()[4],
        format!("'{FORMULA_USERNAME}")
    );
    for name in SHEETS {
        for row in sheet(&mut book, name).rows() {
            for cell in row {
                if let Data::String(s) = cell {
                    assert!(
                        !s.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']),
                        "{name}: {s:?} is not escaped"
                    );
                }
            }
        }
    }
}

#[test]
fn dry_run_and_empty_workbooks_are_valid() {
    let report = dry_run_report();
    let mut book = open(&report);
    let rows = data_rows(&sheet(&mut book, "Changes"));
    assert!(rows.iter().all(|r| r[1] == "planned"));
    assert!(data_rows(&sheet(&mut book, "Failures")).is_empty());

    let report = empty_report();
    let mut book = open(&report);
    assert!(data_rows(&sheet(&mut book, "Changes")).is_empty());
    assert_eq!(summary_value(&sheet(&mut book, "Summary"), "Changes"), "0");
}
