//! Problems found against the tenant, all of them and each in its place (issue 16): an entry
//! of a long-form sheet is reported at that sheet's row, every problem is listed in the
//! terminal grouped and counted, and the reports (a Problems sheet, JSON, Markdown) are written
//! before the run exits 3 with nothing applied.

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::Workbook;

use crate::harness::{sim, vsync};

/// A workbook of `sheets`: each a name and its rows, the header first.
fn workbook(path: &std::path::Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// Regression test: an unknown profile in `UserProfiles` row 2 was reported "at users.csv,
/// row 3", a membership from `Memberships` row 6 at its user's `Users` row, only the first
/// problem was shown, and no report was written.
#[tokio::test(flavor = "multi_thread")]
async fn two_problems_in_two_sheets_are_both_reported_at_their_own_rows() {
    let sim = sim(20).await;
    let dir = tempfile::tempdir().unwrap();
    let tenant = sim.snapshot();
    let group = tenant
        .groups
        .iter()
        .find(|g| !g.include_all_users)
        .expect("a seeded group")
        .display_name
        .clone();
    let users: Vec<String> = (1..=5).map(|i| format!("new{i}@jupiter.example")).collect();
    let mut users_sheet = vec![row(&["username", "displayName"])];
    users_sheet.extend(users.iter().map(|u| row(&[u, "New Person"])));
    let mut memberships = vec![row(&["username", "userGroup"])];
    memberships.extend(users[..4].iter().map(|u| row(&[u, &group])));
    memberships.push(row(&[&users[4], "Nonexistent Team"])); // row 6
    let profiles = vec![
        row(&["username", "profile"]),
        row(&[&users[0], "Nonexistent Profile"]), // row 2
    ];
    let (users_ok, memberships_ok) = (users_sheet.clone(), memberships[..5].to_vec());
    let input = dir.path().join("tenant.xlsx");
    workbook(
        &input,
        &[
            ("Users", users_sheet),
            ("Memberships", memberships),
            ("UserProfiles", profiles),
        ],
    );
    let before = sim.snapshot();
    sim.reset_counters();

    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["sync", "--input", "tenant.xlsx"],
    )
    .await;
    assert_eq!(run.code, 3, "refused as invalid input:\n{}", run.all());
    assert_eq!(sim.mutating_request_count(), 0, "{}", run.all());
    let names = |users: &[vsync_sim::SimUser]| -> Vec<String> {
        users.iter().map(|u| u.username.clone()).collect()
    };
    assert_eq!(
        names(&sim.snapshot().users),
        names(&before.users),
        "nothing applied"
    );
    for place in [
        "tenant.xlsx, sheet Memberships, row 6, column userGroup: unknown user group \"Nonexistent Team\"",
        "tenant.xlsx, sheet UserProfiles, row 2, column profile: unknown profile \"Nonexistent Profile\"",
        "names the tenant does not know (2):",
        "nothing was applied",
    ] {
        assert!(
            run.stderr.contains(place),
            "{place:?} is said:\n{}",
            run.all()
        );
    }

    let run_dir = dir.path().join("vsync-reports/latest");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("sync-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let problems = json["problems"].as_array().expect("problems in the JSON");
    let places: Vec<(String, u64, String)> = problems
        .iter()
        .map(|p| {
            (
                p["source"]["sheet"].as_str().unwrap_or_default().to_owned(),
                p["source"]["row"].as_u64().unwrap_or_default(),
                p["column"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("Memberships".to_owned(), 6, "userGroup".to_owned()),
            ("UserProfiles".to_owned(), 2, "profile".to_owned()),
        ]
    );
    let markdown = std::fs::read_to_string(run_dir.join("sync-report.md")).unwrap();
    assert!(
        markdown.contains("## Problems (2)")
            && markdown.contains("tenant.xlsx, sheet Memberships, row 6, column userGroup"),
        "{markdown}"
    );

    let mut xlsx: Xlsx<_> = calamine::open_workbook(run_dir.join("sync-report.xlsx")).unwrap();
    let sheet = xlsx.worksheet_range("Problems").expect("a Problems sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        ["Kind", "File", "Sheet", "Row", "Column", "Problem"]
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][2..5], ["Memberships", "6", "userGroup"]);
    assert_eq!(rows[2][2..5], ["UserProfiles", "2", "profile"]);
    assert!(rows[2][1].ends_with("tenant.xlsx"), "{rows:?}");

    // Fixed, the plan's membership changes keep their own rows in the reports.
    let mut fixed = memberships_ok;
    fixed.push(row(&[&users[4], &group]));
    workbook(&input, &[("Users", users_ok), ("Memberships", fixed)]);
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["plan", "--input", "tenant.xlsx", "--mode", "upsert"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("plan-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let mut rows: Vec<(String, u64)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "membership")
        .map(|c| {
            (
                c["source"]["sheet"].as_str().unwrap_or_default().to_owned(),
                c["source"]["row"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        (2..=6)
            .map(|r| ("Memberships".to_owned(), r))
            .collect::<Vec<_>>(),
        "each membership at its own Memberships row"
    );
}
