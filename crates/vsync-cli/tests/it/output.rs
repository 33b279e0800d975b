//! What the command prints, for a person and for a scheduler, and how it says what went wrong.

use std::process::Stdio;

use crate::harness::{self, Run, assert_no_secret, sim, vsync};

/// An exported tenant in `dir/tenant` with one display name changed: a plan of one change.
async fn tenant_with_one_change(dir: &std::path::Path, host: &str) {
    let run = vsync(dir, Some(host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    crate::commands::edit_users_csv(&dir.join("tenant"), |header, rows| {
        let display = crate::commands::column(header, "displayName");
        // Row 0 is the signed-in admin, whom vsync never changes.
        rows[1][display] = "Changed For The Output Test".into();
    });
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// Regression test: `vsync plan | head -1` used to panic ("failed printing to stdout: Broken
/// pipe", exit 101). A closed stdout ends the printing, not the run: the plan's own exit
/// code comes back and its reports are written.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_quietly_with_the_plans_exit_code() {
    let sim = sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    tenant_with_one_change(dir.path(), &sim.uri()).await;
    let mut command = harness::command(
        dir.path(),
        Some(&sim.uri()),
        &["plan", "--input", "tenant", "--detailed-exitcode"],
    );
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the first line, as `head` does after it.
    drop(child.stdout.take());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let run = Run::from(&output);
    assert_eq!(run.code, 2, "the plan's own exit code:\n{}", run.all());
    assert!(!run.stderr.contains("panicked"), "{}", run.all());
    assert!(
        dir.path()
            .join("vsync-reports/latest/plan-report.json")
            .is_file(),
        "the run went on to write its reports"
    );
}

/// With `--log-format json`, a scheduler appending both streams to one file gets JSON on
/// every line, and the last line is the result, with the counts, calls and report paths.
#[tokio::test(flavor = "multi_thread")]
async fn json_output_is_one_object_a_line_ending_with_run_finished() {
    let sim = sim(40).await;
    let dir = tempfile::tempdir().unwrap();
    tenant_with_one_change(dir.path(), &sim.uri()).await;
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["--log-format", "json", "-v", "sync", "--input", "tenant"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let stderr = json_lines(&run.stderr);
    assert!(!stderr.is_empty(), "-v logs something");
    let stdout = json_lines(&run.stdout);
    let last = stdout.last().expect("a result line");
    assert_eq!(last["event"], "run_finished", "{last}");
    assert_eq!(last["exit_code"], 0, "{last}");
    assert_eq!(last["command"], "sync", "{last}");
    assert_eq!(last["changes"]["applied"], 1, "{last}");
    assert!(last["calls"].as_u64().unwrap() > 0, "{last}");
    let reports = last["reports"].as_array().expect("report paths");
    assert_eq!(reports.len(), 3, "{last}");
    for report in reports {
        assert!(
            dir.path().join(report.as_str().unwrap()).is_file(),
            "{report} exists"
        );
    }
    assert_no_secret(&run.all());

    // Quiet: the result line still, and nothing else on stdout.
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["--log-format", "json", "-q", "plan", "--input", "tenant"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let stdout = json_lines(&run.stdout);
    assert_eq!(stdout.len(), 1, "{}", run.all());
    assert_eq!(stdout[0]["event"], "run_finished");
    assert_eq!(stdout[0]["changes"]["total"], 0, "in sync after the sync");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_output_ends_with_run_finished_after_an_error_too() {
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        None,
        &["--log-format", "json", "validate", "--input", "missing.csv"],
    )
    .await;
    assert_eq!(run.code, 3, "{}", run.all());
    let stderr = json_lines(&run.stderr);
    assert!(
        stderr.iter().any(
            |e| e["event"] == "error" && e["message"].as_str().unwrap().contains("missing.csv")
        ),
        "{}",
        run.all()
    );
    let stdout = json_lines(&run.stdout);
    let last = stdout.last().expect("a result line");
    assert_eq!(last["event"], "run_finished");
    assert_eq!(last["exit_code"], 3);

    let run = vsync(
        dir.path(),
        None,
        &["--log-format", "json", "plan", "--bogus"],
    )
    .await;
    assert_eq!(run.code, 64, "{}", run.all());
    let stdout = json_lines(&run.stdout);
    assert_eq!(stdout.last().unwrap()["exit_code"], 64, "{}", run.all());
    json_lines(&run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn quiet_text_output_is_the_one_line_result() {
    let sim = sim(20).await;
    let dir = tempfile::tempdir().unwrap();
    tenant_with_one_change(dir.path(), &sim.uri()).await;
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["-q", "plan", "--input", "tenant", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.all());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(
        lines[0].starts_with("vsync plan: changes-pending (exit 2), 1 changes: 1 planned"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("reports in vsync-reports/"),
        "{}",
        lines[0]
    );
}

/// Regression test: nothing listening used to give five retry warnings and then "failed to
/// list users"; it is a sign-in failure, with the host and the account, and one warning.
#[tokio::test(flavor = "multi_thread")]
async fn nothing_listening_is_a_sign_in_failure_naming_host_and_account() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = format!("http://{}", free.local_addr().unwrap());
    drop(free);
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "t.xlsx"]).await;
    assert_eq!(run.code, 1, "not an authentication failure:\n{}", run.all());
    assert!(
        run.stderr
            .contains(&format!("failed to sign in to {host} as admin")),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("list users"), "{}", run.all());
    let warnings = run.stderr.lines().filter(|l| l.contains("WARN")).count();
    assert!(
        warnings <= 1,
        "one warning per retried call:\n{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_exits_8_and_says_the_cause_once() {
    let sim = sim(5).await;
    let dir = tempfile::tempdir().unwrap();
    let mut command =
        harness::command(dir.path(), Some(&sim.uri()), &["export", "--out", "t.xlsx"]);
    command.env("VISIER_PASSWORD", "not-the-password");
    let run = harness::run(command).await;
    assert_eq!(run.code, 8, "{}", run.all());
    assert!(
        run.stderr
            .contains(&format!("failed to sign in to {} as admin", sim.uri())),
        "{}",
        run.all()
    );
    assert_eq!(
        run.stderr.matches("401").count(),
        1,
        "the refusal is said once:\n{}",
        run.all()
    );
    assert!(!run.all().contains("not-the-password"), "{}", run.all());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_without_a_scheme_gets_the_url_it_meant() {
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        Some("acme.api.visier.io"),
        &["export", "--out", "t.xlsx"],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr
            .contains("did you mean https://acme.api.visier.io?"),
        "{}",
        run.all()
    );
}

/// Regression test: `vsync apply tenant.xlsx` used to say "stream did not contain valid
/// UTF-8".
#[tokio::test(flavor = "multi_thread")]
async fn apply_of_a_workbook_says_what_it_is_and_what_apply_takes() {
    let sim = sim(10).await;
    let dir = tempfile::tempdir().unwrap();
    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &["export", "--out", "tenant.xlsx"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let run = vsync(dir.path(), Some(&sim.uri()), &["apply", "tenant.xlsx"]).await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr
            .contains("tenant.xlsx is a zip archive (an XLSX workbook?), not a plan"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("vsync plan --input tenant.xlsx --out plan.json"),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("UTF-8"), "{}", run.all());
    assert_eq!(sim.mutating_request_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn help_separates_the_option_groups_and_read_only_commands_have_no_project() {
    let dir = tempfile::tempdir().unwrap();
    let sync = vsync(dir.path(), None, &["sync", "--help"]).await;
    assert_eq!(sync.code, 0);
    for heading in [
        "Global options:",
        "Connection:",
        "Policy:",
        "Project:",
        "Input:",
    ] {
        assert!(sync.stdout.contains(heading), "{heading}\n{}", sync.stdout);
    }
    assert!(sync.stdout.contains("[env: VISIER_HOST"), "{}", sync.stdout);
    assert!(
        section(&sync.stdout, "Connection:").contains("--host"),
        "{}",
        sync.stdout
    );
    assert!(
        section(&sync.stdout, "Policy:").contains("--mode"),
        "{}",
        sync.stdout
    );
    assert!(
        section(&sync.stdout, "Global options:").contains("--log-format"),
        "{}",
        sync.stdout
    );
    assert!(
        !section(&sync.stdout, "Connection:").contains("--mode"),
        "{}",
        sync.stdout
    );
    for read_only in ["export", "audit"] {
        let help = vsync(dir.path(), None, &[read_only, "--help"]).await;
        assert_eq!(help.code, 0);
        assert!(help.stdout.contains("--host"), "{}", help.stdout);
        assert!(
            !help.stdout.contains("--project-id") && !help.stdout.contains("--non-versioned"),
            "{read_only} changes nothing, so it has no project options:\n{}",
            help.stdout
        );
    }
    let demo = vsync(dir.path(), None, &["demo", "--help"]).await;
    assert!(!demo.stdout.contains("fixtures/demo"), "{}", demo.stdout);
}

/// The lines of a help text's section: from its heading to the next heading.
fn section<'a>(help: &'a str, heading: &str) -> &'a str {
    let start = help
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading}:\n{help}"));
    let body = &help[start + heading.len()..];
    let end = body
        .lines()
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| !line.is_empty() && !line.starts_with(' ') && line.ends_with(':'))
        .map_or(body.len(), |(at, _)| at);
    &body[..end]
}

/// Completions for each shell name every subcommand and their flags, and the shell parses
/// the script (bash always; zsh and fish where they are installed).
#[tokio::test(flavor = "multi_thread")]
async fn completions_name_the_subcommands_and_flags_and_parse() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let run = vsync(dir.path(), None, &["completions", shell]).await;
        assert_eq!(run.code, 0, "{}", run.all());
        for word in [
            "plan",
            "apply",
            "sync",
            "export",
            "validate",
            "audit",
            "config",
            "--input",
            "--detailed-exitcode",
            "--report-dir",
            "--log-format",
            "--resume",
        ] {
            // fish names a long flag `-l input`.
            let word = match word.strip_prefix("--") {
                Some(flag) if shell == "fish" => format!("-l {flag}"),
                _ => word.to_owned(),
            };
            assert!(
                run.stdout.contains(&word),
                "{shell} completions lack {word}"
            );
        }
        let script = dir.path().join(format!("vsync.{shell}"));
        std::fs::write(&script, &run.stdout).unwrap();
        let check = std::process::Command::new(shell)
            .arg(if shell == "fish" {
                "--no-execute"
            } else {
                "-n"
            })
            .arg(&script)
            .output();
        match check {
            Ok(output) => assert!(
                output.status.success(),
                "{shell} does not parse its completions: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
            Err(e) if shell != "bash" && e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{shell}: {e}"),
        }
    }
}
