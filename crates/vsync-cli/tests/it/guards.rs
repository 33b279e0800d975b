//! A tenant is never damaged: the guards count every change that takes access away, whatever
//! its cause; a row that joins two people is refused; a file that looks cut applies nothing.
//! Each test runs the `vsync` binary against the simulated tenant and reads its state back.

use std::path::Path;

use crate::commands::{column, edit_users_csv};
use crate::harness::{Run, assert_no_secret, sim, vsync};

/// Exports the tenant as a CSV folder `tenant` in `dir`.
async fn export(dir: &Path, host: &str) {
    let run = vsync(dir, Some(host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
}

/// Keeps only `users.csv` of the exported folder: relation files naming users a test removes
/// would be problems of their own.
fn users_only(dir: &Path) {
    for entry in std::fs::read_dir(dir.join("tenant")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n != "users.csv") {
            std::fs::remove_file(path).unwrap();
        }
    }
}

/// A user's identity and state as the tenant holds it: username, display name, employee ID,
/// email, enabled.
type Person = (String, Option<String>, Option<String>, Option<String>, bool);

/// The users' identities and states as the tenant holds them (not their sign-in times).
fn people(sim: &vsync_sim::Sim) -> Vec<Person> {
    sim.snapshot()
        .users
        .into_iter()
        .map(|u| {
            (
                u.username,
                u.display_name,
                u.employee_id,
                u.email,
                u.account_enabled,
            )
        })
        .collect()
}

fn report_json(dir: &Path) -> serde_json::Value {
    let path = dir.join("vsync-reports/latest/sync-report.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}

fn assert_nothing_sent(sim: &vsync_sim::Sim, run: &Run) {
    assert_eq!(
        sim.mutating_request_count(),
        0,
        "nothing is applied:\n{}",
        run.all()
    );
}

/// Case 1 of issue 13: a file that sets `accountEnabled=false` for everyone (a status map with
/// the wrong sense) disabled the whole company with exit 0. It must trip the disables guard
/// exactly as deprovisioning does, name the rows that caused it, and leave everyone enabled.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_disabling_everyone_trips_the_disables_guard() {
    let sim = sim(60).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    export(dir.path(), &host).await;
    let enabled_before = sim
        .snapshot()
        .users
        .iter()
        .filter(|u| u.account_enabled)
        .count();
    assert!(enabled_before > 40, "the seeded tenant has enabled users");
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        let enabled = column(header, "accountEnabled");
        for row in rows.iter_mut() {
            row[enabled] = "false".into();
        }
    });
    sim.reset_counters();

    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 4, "the disables guard trips:\n{}", run.all());
    assert_nothing_sent(&sim, &run);
    let enabled_after = sim
        .snapshot()
        .users
        .iter()
        .filter(|u| u.account_enabled)
        .count();
    assert_eq!(enabled_after, enabled_before, "everyone is still enabled");
    assert!(
        run.stdout.contains("user disables exceed the limit")
            && run.stdout.contains("users.csv, row ")
            && run.stdout.contains("more"),
        "the terminal names the rows that caused it:\n{}",
        run.all()
    );
    let report = report_json(dir.path());
    let guard = report["guards"]
        .as_array()
        .expect("guards")
        .iter()
        .find(|g| g["guard"] == "disables")
        .expect("the disables guard is reported");
    assert_eq!(guard["tripped"], true);
    assert!(
        guard["causes"][0]["source"]["row"].as_u64() > Some(1),
        "the first cause is a data row of the file: {guard}"
    );
    let latest = dir.path().join("vsync-reports/latest");
    let markdown = std::fs::read_to_string(latest.join("sync-report.md")).unwrap();
    assert!(
        markdown.contains("caused by tenant/users.csv, row "),
        "{markdown}"
    );
    let mut xlsx: calamine::Xlsx<_> =
        calamine::open_workbook(latest.join("sync-report.xlsx")).unwrap();
    let summary = calamine::Reader::worksheet_range(&mut xlsx, "Summary").unwrap();
    assert!(
        summary
            .cells()
            .any(|(_, _, c)| c.to_string().contains("caused by tenant/users.csv, row ")),
        "the workbook's guards table names the rows"
    );
    assert_no_secret(&run.all());
}

/// Case 2 of issue 13: employee A's row took employee B's username (B's row gone), and the
/// sync overwrote B's account with A's name, employee ID and email and disabled A. The row is
/// refused, naming both users, the row and the way out; nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn a_username_taken_from_another_employee_is_refused() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    export(dir.path(), &host).await;
    users_only(dir.path());
    let mut names = (String::new(), String::new(), String::new(), String::new());
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        let (user, employee) = (column(header, "username"), column(header, "employeeId"));
        let with_id: Vec<usize> = (0..rows.len())
            .filter(|&i| !rows[i][employee].is_empty())
            .take(2)
            .collect();
        // A's row first, then B's, which goes.
        rows.swap(0, with_id[0]);
        let b = rows.remove(if with_id[1] == 0 {
            with_id[0]
        } else {
            with_id[1]
        });
        names = (
            rows[0][user].clone(),
            rows[0][employee].clone(),
            b[user].clone(),
            b[employee].clone(),
        );
        rows[0][user] = b[user].clone();
    });
    let (a_user, a_employee, b_user, b_employee) = names;
    assert!(!a_employee.is_empty() && !b_employee.is_empty());
    let before = people(&sim);
    sim.reset_counters();

    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 3, "refused as invalid input:\n{}", run.all());
    assert_nothing_sent(&sim, &run);
    assert_eq!(people(&sim), before, "the tenant is as it was");
    for part in [
        format!("{b_user:?} (employeeId {b_employee:?})"),
        format!("{a_user:?} (employeeId {a_employee:?})"),
        "users.csv, row 2".to_owned(),
        "Fix the file".to_owned(),
        "nothing was applied".to_owned(),
    ] {
        assert!(run.stderr.contains(&part), "{part} is said:\n{}", run.all());
    }
}

/// Case 3 of issue 13: the first 40 % of an export applied the changes of the rows it still
/// had while the row-drop check withheld only the removals. A file cut mid-row is refused by the
/// reader (exit 3); one cut at a line end trips the row-drop check, and then no change of any
/// kind is applied: no display name changes either.
#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_export_applies_nothing() {
    let sim = sim(50).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    export(dir.path(), &host).await;
    users_only(dir.path());
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        let (display, user) = (column(header, "displayName"), column(header, "username"));
        // Not the account vsync signs in with, which is never changed.
        let row = rows.iter().position(|r| r[user] != "admin").unwrap();
        rows[row][display] = "Kill Test 1206".into();
    });
    let path = dir.path().join("tenant/users.csv");
    let bytes = std::fs::read(&path).unwrap();
    let cut = bytes.len() * 2 / 5;
    let line_end = bytes[..cut].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    let before = people(&sim);

    std::fs::write(&path, &bytes[..line_end + 3]).unwrap();
    sim.reset_counters();
    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(
        run.code,
        3,
        "a cut row is a problem of the file:\n{}",
        run.all()
    );
    assert!(run.stderr.contains("cut short"), "{}", run.all());
    assert_nothing_sent(&sim, &run);

    std::fs::write(&path, &bytes[..line_end]).unwrap();
    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 4, "the row-drop check trips:\n{}", run.all());
    assert!(
        run.stdout.contains("no change of any kind"),
        "the message says nothing is applied:\n{}",
        run.all()
    );
    assert_nothing_sent(&sim, &run);
    assert_eq!(people(&sim), before, "no display name changed");

    // Forced, the file is trusted: the display name and the rest are applied.
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "sync",
            "--input",
            "tenant",
            "--force",
            "source-checks",
            "--force",
            "disables",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        sim.snapshot()
            .users
            .iter()
            .any(|u| u.display_name.as_deref() == Some("Kill Test 1206"))
    );
}
