//! What a run reads and how it checks its writes: only the lists the input manages, and the
//! calls each costs.

use std::path::Path;

use vsync_sim::Operation;

use crate::commands::{column, edit_users_csv};
use crate::harness::{sim, vsync};

/// The lists a users-only file never needs.
const CATALOGS: [Operation; 4] = [
    Operation::ListUserGroupsV2,
    Operation::ListUserGroupsV1,
    Operation::ListPermissions,
    Operation::ListProfiles,
];

/// Exports the tenant into `dir/tenant` and keeps `users.csv` alone, with the user fields
/// alone: a file that manages no relation.
pub(crate) async fn users_only_export(dir: &Path, host: &str) -> std::path::PathBuf {
    let run = vsync(dir, Some(host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.join("tenant");
    for entry in std::fs::read_dir(&tenant).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "users.csv" {
            std::fs::remove_file(path).unwrap();
        }
    }
    let keep = [
        "username",
        "displayName",
        "employeeId",
        "email",
        "accountEnabled",
    ];
    let path = tenant.join("users.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let columns: Vec<usize> = keep.iter().map(|name| column(&header, name)).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let record = r.unwrap();
            columns.iter().map(|&i| record[i].to_owned()).collect()
        })
        .collect();
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(keep).unwrap();
    for row in rows {
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    tenant
}

/// Guards the narrowed read: a file of user fields alone plans, applies (its staleness check
/// reading what the plan read) and verifies without one group, permission or profile request.
#[tokio::test(flavor = "multi_thread")]
async fn a_users_only_file_sends_no_group_permission_or_profile_request() {
    let sim = sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let tenant = users_only_export(dir.path(), &host).await;
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[1][display] = format!("{} Jr", rows[1][display]);
    });
    sim.reset_counters();
    for op in CATALOGS {
        sim.expect(op).times(0);
    }
    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "tenant", "--out", "plan.json"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["readScope"]["groups"], false, "{}", plan["readScope"]);
    assert_eq!(
        sim.call_count(Operation::ListUsers),
        1,
        "one page of 41 users"
    );

    let run = vsync(dir.path(), Some(&host), &["apply", "plan.json"]).await;
    assert_eq!(
        run.code,
        0,
        "the plan is fresh against the same read:\n{}",
        run.all()
    );
    assert_eq!(sim.call_count(Operation::UpdateUsers), 1);

    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    sim.verify();
    for request in sim.received_requests() {
        if request.operation == Some(Operation::ListUsers) {
            let query = request.query.unwrap_or_default();
            assert!(!query.contains("assigned"), "{query}");
        }
    }
}

/// The JSON report of the latest run in `dir`'s report folder.
fn latest_report(dir: &Path, stem: &str) -> serde_json::Value {
    let path = dir.join(format!("vsync-reports/latest/{stem}.json"));
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Guards the answer-based check and the honest bound: a nightly sync whose every answer
/// confirms reads the users once and never again, and its calls equal its lower bound (one
/// sign-in, the page, the write); `--verify full` re-reads, and says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_confirmed_sync_rereads_nothing_and_spends_its_lower_bound() {
    let sim = sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let tenant = users_only_export(dir.path(), &host).await;
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[1][display] = format!("{} Jr", rows[1][display]);
        rows[2][display] = format!("{} Jr", rows[2][display]);
    });
    sim.reset_counters();
    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        sim.call_count(Operation::ListUsers),
        1,
        "the read, no re-read"
    );
    let report = latest_report(dir.path(), "sync-report");
    let facts = &report["run"];
    assert_eq!(facts["verification"]["method"], "answers", "{facts}");
    assert_eq!(facts["verification"]["confirmed"], 2);
    assert!(facts["verification"].get("reread").is_none(), "{facts}");
    let calls = &facts["calls"];
    assert_eq!(calls["signIn"], 1, "{calls}");
    assert_eq!(calls["read"], 1, "{calls}");
    assert_eq!(calls["writes"], 1, "{calls}");
    assert_eq!(calls["rereads"], 0, "{calls}");
    assert_eq!(facts["apiCallsUsed"], calls["lowerBound"], "{calls}");
    let headline = report["summary"]["headline"].as_str().unwrap();
    assert!(
        headline.contains("in 3 calls (lower bound 3)"),
        "{headline}"
    );

    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[3][display] = format!("{} Jr", rows[3][display]);
    });
    sim.reset_counters();
    let run = vsync(
        dir.path(),
        Some(&host),
        &["sync", "--input", "tenant", "--verify", "full"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        sim.call_count(Operation::ListUsers),
        2,
        "the read and the re-read"
    );
    let facts = latest_report(dir.path(), "sync-report")["run"].clone();
    assert_eq!(facts["verification"]["method"], "full", "{facts}");
    assert_eq!(facts["verification"]["reread"][0], "users", "{facts}");
    assert_eq!(facts["calls"]["rereads"], 1, "{facts}");
    assert_eq!(facts["converged"], true, "{facts}");
    let markdown =
        std::fs::read_to_string(dir.path().join("vsync-reports/latest/sync-report.md")).unwrap();
    assert!(markdown.contains("full re-read"), "{markdown}");
    assert!(run.all().contains("checked full re-read"), "{}", run.all());
}

/// A paged read shows its progress when stderr is no terminal: a line per list read, with
/// its pages and items (and one every few seconds while a long read goes on).
#[tokio::test(flavor = "multi_thread")]
async fn a_read_logs_its_pages_and_users() {
    let sim = sim(1200).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let tenant = users_only_export(dir.path(), &host).await;
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "--log-format",
            "json",
            "-v",
            "plan",
            "--input",
            tenant.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let read = run
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["list"] == "users")
        .unwrap_or_else(|| panic!("no progress line:\n{}", run.stderr));
    assert_eq!(read["pages"], 2, "{read}");
    assert!(read["items"].as_u64().unwrap() > 1200, "{read}");
}
