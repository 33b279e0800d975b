//! Secrets never reach a report; files are replaced atomically.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use vsync_report::{ErrorKind, Report, RunFacts, SHEETS};

use crate::fixtures::{SECRET, applied_report, dry_run_report};

/// Every piece of text a report produces, the workbook's cells included.
fn every_output(report: &Report) -> Vec<(String, String)> {
    let mut json = Vec::new();
    report.write_json(&mut json).unwrap();
    let mut out = vec![
        ("json".to_owned(), String::from_utf8(json).unwrap()),
        ("markdown".to_owned(), report.to_markdown()),
        (
            "terminal".to_owned(),
            report.render_terminal(&vsync_report::TerminalOptions::default()),
        ),
    ];
    let mut book = Xlsx::new(Cursor::new(report.to_xlsx().unwrap())).unwrap();
    for name in SHEETS {
        let range = book.worksheet_range(name).unwrap();
        let cells: Vec<String> = range
            .cells()
            .map(|(_, _, c)| {
                if let Data::String(s) = c {
                    s.clone()
                } else {
                    String::new()
                }
            })
            .collect();
        out.push((format!("xlsx {name}"), cells.join("\n")));
    }
    out
}

#[test]
fn run_facts_have_no_field_for_a_credential() {
    let value = serde_json::to_value(RunFacts::default()).unwrap();
    let fields: Vec<&String> = value.as_object().unwrap().keys().collect();
    for field in &fields {
        let lower = field.to_lowercase();
        for word in [
            "secret",
            "password",
            "token",
            "apikey",
            "api_key",
            "credential",
            "authorization",
            "header",
            "cookie",
        ] {
            assert!(
                !lower.contains(word),
                "RunFacts.{field} could carry a credential"
            );
        }
    }
}

#[test]
fn a_credential_in_the_target_url_never_reaches_a_report() {
    for report in [applied_report(), dry_run_report()] {
        assert_eq!(
            report.run.target_url.as_deref(),
            Some("https://acme.api.visier.io/")
        );
        for (format, text) in every_output(&report) {
            assert!(!text.contains(SECRET), "{format} leaks the credential");
            assert!(!text.contains("apikey="), "{format} keeps the query string");
        }
    }
}

#[test]
fn write_all_writes_three_files_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let report = applied_report();
    let written = report.write_all(dir.path(), "vsync-report").unwrap();
    for path in written.paths() {
        assert!(
            std::fs::metadata(path).unwrap().len() > 0,
            "{}",
            path.display()
        );
    }
    assert_eq!(written.xlsx.file_name().unwrap(), "vsync-report.xlsx");
    // A second run replaces the files; nothing temporary is left behind.
    let written = dry_run_report()
        .write_all(dir.path(), "vsync-report")
        .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["vsync-report.json", "vsync-report.md", "vsync-report.xlsx"]
    );
    let json = std::fs::read_to_string(&written.json).unwrap();
    assert!(json.contains("\"mode\": \"dry-run\""));
}

#[test]
fn write_all_names_the_file_it_could_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let error = applied_report().write_all(&missing, "r").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Write);
    assert!(error.to_string().contains("r.xlsx"), "{error}");
}
