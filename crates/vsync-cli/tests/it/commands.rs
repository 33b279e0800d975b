//! The commands, end to end.

use std::fmt::Write as _;
use std::path::Path;

use crate::harness::{self, Run, assert_no_secret, fixtures, sim, sim_with, text_files, vsync};

/// Rewrites `users.csv` of an exported CSV folder with `edit` applied to its data rows
/// (header kept), returning the header's columns.
pub(crate) fn edit_users_csv(dir: &Path, edit: impl FnOnce(&[String], &mut Vec<Vec<String>>)) {
    let path = dir.join("users.csv");
    let mut reader = csv::Reader::from_path(&path).expect("users.csv is readable");
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    edit(&header, &mut rows);
    let mut writer = csv::Writer::from_path(&path).expect("users.csv is writable");
    writer.write_record(&header).expect("header written");
    for row in rows {
        writer.write_record(&row).expect("row written");
    }
    writer.flush().expect("flushed");
}

pub(crate) fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_names_the_place_of_every_bad_fixture_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let bad = fixtures().join("bad");
    let mut checked = 0;
    for entry in std::fs::read_dir(&bad).unwrap() {
        let path = entry.unwrap().path();
        let run = vsync(
            dir.path(),
            None,
            &["validate", "--input", path.to_str().unwrap()],
        )
        .await;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            run.code,
            3,
            "{name} should be invalid input:\n{}",
            run.all()
        );
        assert!(
            run.stderr.contains(&name),
            "{name} is not named:\n{}",
            run.all()
        );
        checked += 1;
    }
    assert!(checked >= 10, "expected the bad fixtures, found {checked}");

    let run = vsync(
        dir.path(),
        None,
        &[
            "validate",
            "--input",
            bad.join("duplicate_username.csv").to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        run.stderr.contains("row 4"),
        "the duplicate is on row 4:\n{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_accepts_the_hris_export_through_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let hris = fixtures().join("hris");
    let run = vsync(
        dir.path(),
        None,
        &[
            "validate",
            "--input",
            hris.join("hris_export.csv").to_str().unwrap(),
            "--mapping",
            hris.join("mapping.toml").to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("300 users"), "{}", run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_plan_gives_zero_changes() {
    let sim = sim(120).await;
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["export", "--out", "tenant.xlsx"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["plan", "--input", "tenant.xlsx", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(
        run.code,
        0,
        "an exported tenant plans to nothing:\n{}",
        run.all()
    );
    assert_eq!(
        sim.mutating_request_count(),
        0,
        "export and plan send no mutating request"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_plan_converges_to_zero_changes() {
    let sim = sim(60).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.path().join("tenant");
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[1][display] = format!("{} Jr", rows[1][display]);
        let mut hire = vec![String::new(); header.len()];
        hire[column(header, "username")] = "new.hire@example.com".into();
        hire[column(header, "displayName")] = "New Hire".into();
        hire[column(header, "employeeId")] = "0099001".into();
        hire[column(header, "email")] = "new.hire@example.com".into();
        hire[column(header, "accountEnabled")] = "true".into();
        rows.push(hire);
    });

    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "plan",
            "--input",
            "tenant",
            "--out",
            "plan.json",
            "--detailed-exitcode",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "changes are pending:\n{}", run.all());
    assert_eq!(
        sim.mutating_request_count(),
        0,
        "plan sends no mutating request"
    );

    let run = vsync(dir.path(), Some(&host), &["apply", "plan.json"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        sim.snapshot()
            .users
            .iter()
            .any(|u| u.username == "new.hire@example.com")
    );

    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "tenant", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(
        run.code,
        0,
        "re-planning finds nothing to do:\n{}",
        run.all()
    );
    for (path, text) in text_files(dir.path()) {
        assert!(
            !text.contains(harness::API_KEY) && !text.contains(harness::PASSWORD),
            "{} holds a secret",
            path.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_export_trips_the_guard_exits_4_and_applies_nothing() {
    let sim = sim(80).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.path().join("tenant");
    // Keep the users file only, cut to a quarter: a truncated export.
    for entry in std::fs::read_dir(&tenant).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "users.csv" {
            std::fs::remove_file(path).unwrap();
        }
    }
    edit_users_csv(&tenant, |_, rows| rows.truncate(rows.len() / 4));
    sim.reset_counters();

    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 4, "the guard trips:\n{}", run.all());
    assert_eq!(
        sim.mutating_request_count(),
        0,
        "nothing is applied:\n{}",
        run.all()
    );
    assert_no_secret(&run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_lock_exits_7_and_a_changed_tenant_makes_the_plan_stale() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.path().join("tenant");
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[0][display] = "Renamed For The Test".into();
    });
    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "tenant", "--out", "plan.json"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());

    // Another run holds the tenant's lock (in the state folder the harness gives every run).
    let port = host.rsplit(':').next().unwrap();
    let lock = vsync_executor::TenantLock::acquire(
        &harness::state_dir(dir.path()).join("locks"),
        &format!("loopback:{port}"),
        "vsync sync in another test",
    )
    .unwrap();
    let run = vsync(dir.path(), Some(&host), &["apply", "plan.json"]).await;
    assert_eq!(run.code, 7, "the lock is held:\n{}", run.all());
    drop(lock);

    // The tenant changes behind the plan's back.
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[2][display] = "Someone Else Changed This".into();
    });
    let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let before = sim.mutating_request_count();
    let run = vsync(dir.path(), Some(&host), &["apply", "plan.json"]).await;
    assert_eq!(run.code, 6, "the plan is stale:\n{}", run.all());
    assert_eq!(
        sim.mutating_request_count(),
        before,
        "a stale plan applies nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_are_one_object_a_line_and_hold_no_secret() {
    let sim = sim(20).await;
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["--log-format", "json", "-v", "export", "--out", "t.xlsx"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!lines.is_empty(), "-v logs something");
    for line in lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(value.get("level").is_some(), "no level: {line}");
    }
    assert_no_secret(&run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_succeeds_and_says_where_its_reports_are() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let run = vsync(dir.path(), None, &["demo", "--out", out.to_str().unwrap()]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let out = out.canonicalize().unwrap();
    assert!(
        run.stdout.contains(&out.display().to_string()),
        "{}",
        run.all()
    );
    assert!(
        run.stdout.contains("rci"),
        "the partial failure is reported with its rci:\n{}",
        run.all()
    );
    for step in [
        "2-plan/plan.json",
        "2-plan/plan-report.xlsx",
        "5-replan/plan-report.md",
    ] {
        assert!(out.join(step).is_file(), "{step} is missing");
    }
    // The apply and the next night's sync share the nightly report folder, one run folder
    // each: the sync continues the draft the partial apply held and publishes it.
    let run_of = |command: &str| {
        let dir = std::fs::read_dir(out.join("nightly"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.is_dir() && p.to_string_lossy().ends_with(&format!("-{command}")))
            .unwrap_or_else(|| panic!("no {command} run folder in nightly/"));
        let json = std::fs::read_to_string(dir.join(format!("{command}-report.json"))).unwrap();
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    };
    let applied = run_of("apply");
    let synced = run_of("sync");
    let held = &applied["run"]["project"];
    assert_eq!(held["published"], false, "{held}");
    assert!(held["id"].is_string(), "{held}");
    assert_eq!(
        synced["run"]["project"]["id"], held["id"],
        "the sync continues the held draft"
    );
    assert_eq!(synced["run"]["project"]["published"], true);
    assert_eq!(synced["run"]["productionVersions"]["count"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_64_and_help_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        vsync(dir.path(), None, &["plan", "--no-such-flag"])
            .await
            .code,
        64
    );
    let help = vsync(dir.path(), None, &["sync", "--help"]).await;
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Example"), "{}", help.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_downloads_the_five_reports_as_workbooks() {
    let sim = sim(25).await;
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["audit", "--out", "audit", "--since", "2026-01-01"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let audit = dir.path().join("audit");
    let mut names: Vec<String> = std::fs::read_dir(&audit)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in &names {
        let workbook: calamine::Xlsx<_> = calamine::open_workbook(audit.join(name))
            .unwrap_or_else(|e| panic!("{name} is not a workbook: {e}"));
        assert!(
            !calamine::Reader::sheet_names(&workbook).is_empty(),
            "{name} has no sheet"
        );
    }
    assert!(
        names.iter().any(|n| n.starts_with("data-security-")),
        "{names:?}"
    );
    assert_eq!(sim.mutating_request_count(), 0, "an audit changes nothing");
    assert_no_secret(&run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_are_printed_for_bash() {
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(dir.path(), None, &["completions", "bash"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("vsync") && run.stdout.contains("complete"),
        "{}",
        run.stdout
    );
}

/// A scheduler's SIGTERM in the middle of an apply (Kubernetes, systemd): the run stops between
/// calls, exits 130 and keeps its journal; `apply --resume` finishes the plan without creating
/// anyone twice, and a re-plan finds nothing to do.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_mid_apply_exits_130_and_resume_converges() {
    const USERS: usize = 3000;
    let sim = sim_with(0, std::time::Duration::from_millis(100)).await;
    let host = sim.uri();
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("username,displayName,employeeId,email,accountEnabled\n");
    for i in 0..USERS {
        writeln!(
            csv,
            "hire{i}@example.com,New Hire {i},{i:07},hire{i}@example.com,true"
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("users.csv"), csv).unwrap();
    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "users.csv", "--out", "plan.json"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());

    // One call at a time, 100 ms each (and a client paced for a 1.2-second minute): the 30
    // create calls take over three seconds, so the signal lands part-way even on a busy machine.
    let child = harness::command(
        dir.path(),
        Some(&host),
        &[
            "apply",
            "plan.json",
            "--concurrency",
            "1",
            "--rate-time-scale",
            "50",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sim.mutating_request_count() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the apply never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let run = Run::from(&output);
    assert_eq!(run.code, 130, "{}", run.all());
    assert!(
        run.all().contains("--resume"),
        "says how to continue:\n{}",
        run.all()
    );
    let created = sim.snapshot().users.len();
    assert!(
        created > 0 && created < USERS,
        "stopped part-way: {created} of {USERS} users"
    );
    assert!(
        dir.path()
            .join("vsync-reports/latest/apply-journal.jsonl")
            .exists(),
        "the journal is in the run's folder"
    );

    let run = vsync(
        dir.path(),
        Some(&host),
        &["apply", "--resume", "--rate-time-scale", "50"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    // The resume's bound is of what it had left: it never shows fewer calls than its bound.
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("vsync-reports/latest/apply-report.json")).unwrap(),
    )
    .unwrap();
    let (used, bound) = (
        report["run"]["apiCallsUsed"].as_u64().unwrap(),
        report["run"]["calls"]["lowerBound"].as_u64().unwrap(),
    );
    assert!(used >= bound, "{used} calls, lower bound {bound}");
    assert!(
        bound < 30,
        "a bound of what was left, not of the whole plan: {bound}"
    );
    let users = sim.snapshot().users;
    let mut names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), users.len(), "nobody was created twice");
    assert_eq!(
        users
            .iter()
            .filter(|u| u.username.starts_with("hire"))
            .count(),
        USERS
    );

    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "users.csv", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(run.code, 0, "converged:\n{}", run.all());
}

/// `vsync sim` as a process, the way a user rehearses against it: `export`, an edit and `sync`
/// work against it over HTTP, SIGTERM stops it cleanly, and its `--state` file brings the
/// tenant back as it was after a restart.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn vsync_sim_serves_the_commands_and_keeps_its_state_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("tenant.json");
    let (sim, host) = harness::sim_process(&state).await;
    let fast = ["--rate-time-scale", "50"];
    let run = vsync(
        dir.path(),
        Some(&host),
        &["export", "--out", "tenant", fast[0], fast[1]],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let tenant = dir.path().join("tenant");
    edit_users_csv(&tenant, |header, rows| {
        let display = column(header, "displayName");
        rows[3][display] = "Renamed Through The Sim".into();
    });
    let mut sync = harness::command(
        dir.path(),
        Some(&host),
        &["sync", "--input", "tenant", fast[0], fast[1]],
    );
    // Wide enough for the changed name in the change table.
    sync.env("COLUMNS", "160");
    let run = harness::run(sync).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("Renamed Through The Sim"),
        "{}",
        run.all()
    );
    harness::stop(sim).await;

    let (sim, host) = harness::sim_process(&state).await;
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "plan",
            "--input",
            "tenant",
            "--detailed-exitcode",
            fast[0],
            fast[1],
        ],
    )
    .await;
    assert_eq!(
        run.code,
        0,
        "the restarted tenant kept the change:\n{}",
        run.all()
    );
    harness::stop(sim).await;
}
