//! One production version per run, end to end: `vsync sync` makes the versioned changes in a
//! draft project and publishes it once; a partial failure holds the draft and the next sync
//! finishes it; `plan` and dry runs make none; `--project none` keeps one version per request.

use std::fmt::Write as _;
use std::path::Path;

use vsync_sim::{Credentials, FaultKind, Operation, ProjectStatus, ScriptedFault, Sim};

use crate::harness::{self, API_KEY, PASSWORD, Run, USERNAME, vsync};

const USERS: usize = 300;
const GROUPS: usize = 5;
const GRANTS: usize = 20;

async fn tenant(faults: Vec<ScriptedFault>) -> Sim {
    let mut builder = Sim::builder()
        .seed(11)
        .seed_users(10)
        .credentials(Credentials {
            username: USERNAME.into(),
            password: PASSWORD.into(),
            apikey: API_KEY.into(),
            ..Credentials::default()
        })
        .no_rate_limit()
        .record_requests(true);
    for fault in faults {
        builder = builder.script(fault);
    }
    builder.start().await.expect("the simulated tenant starts")
}

/// 300 users in 5 new groups (300 memberships), the first 20 with a direct permission.
fn write_input(dir: &Path, permission: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut users = String::from("username,displayName,employeeId,userGroups,permissions\n");
    for i in 0..USERS {
        let grant = if i < GRANTS { permission } else { "" };
        let _ = writeln!(
            users,
            "member{i}@example.com,Member {i},M{i:05},Project Team {},{grant}",
            i % GROUPS
        );
    }
    std::fs::write(dir.join("users.csv"), users).unwrap();
    let mut groups = String::from("displayName,description\n");
    for g in 0..GROUPS {
        let _ = writeln!(groups, "Project Team {g},Team {g}");
    }
    std::fs::write(dir.join("user_groups.csv"), groups).unwrap();
}

fn open_projects(sim: &Sim) -> Vec<String> {
    sim.snapshot()
        .projects
        .into_iter()
        .filter(|p| p.status == ProjectStatus::Open)
        .map(|p| p.id)
        .collect()
}

fn report(dir: &Path) -> serde_json::Value {
    let latest = dir.join("vsync-reports/latest");
    let json = std::fs::read_dir(&latest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("run.json"))
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("apply-")
        })
        .expect("a JSON report");
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

async fn sync(dir: &Path, sim: &Sim, extra: &[&str]) -> Run {
    let mut args = vec!["sync", "--input", "input", "--mode", "upsert"];
    args.extend_from_slice(extra);
    vsync(dir, Some(&sim.uri()), &args).await
}

/// Acceptance: one sync publishes exactly one production version and leaves no open project,
/// its changes visible in production; a re-run publishes none; with `--project none`, one
/// version per versioned request.
#[tokio::test(flavor = "multi_thread")]
async fn a_sync_publishes_one_production_version_and_a_rerun_none() {
    let sim = tenant(Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    write_input(
        &dir.path().join("input"),
        &sim.snapshot().permissions[1].display_name,
    );
    let before = sim.production_versions();
    let run = sync(dir.path(), &sim, &["--ticket", "CHG-77"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(sim.production_versions(), before + 1, "{}", run.all());
    assert!(open_projects(&sim).is_empty());
    let project = sim.snapshot().projects[0].clone();
    assert!(project.name.starts_with("vsync sync "), "{}", project.name);
    assert_eq!(project.ticket_number.as_deref(), Some("CHG-77"));
    assert!(
        run.stdout.contains(&format!("project {}", project.id))
            && run.stdout.contains("published, 1 production version"),
        "{}",
        run.all()
    );
    let json = report(dir.path());
    assert_eq!(json["run"]["project"]["id"], project.id.as_str());
    assert_eq!(json["run"]["project"]["published"], true);
    assert_eq!(json["run"]["productionVersions"]["count"], 1);
    assert_eq!(json["run"]["converged"], true, "{}", json["run"]);
    // Production, without ProjectID, holds every change.
    let production = sim.snapshot();
    let teams: Vec<_> = production
        .groups
        .iter()
        .filter(|g| g.display_name.starts_with("Project Team"))
        .collect();
    assert_eq!(teams.len(), GROUPS);
    assert!(
        teams
            .iter()
            .all(|g| g.manually_included_ids.len() == USERS / GROUPS)
    );

    // Again: nothing to do, no project, no version.
    let run = sync(dir.path(), &sim, &[]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(sim.production_versions(), before + 1);
    assert_eq!(sim.call_count(Operation::CreateProject), 1);
    assert!(report(dir.path())["run"].get("project").is_none());

    // The same file without a project: one version per versioned request.
    let sim = tenant(Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    write_input(
        &dir.path().join("input"),
        &sim.snapshot().permissions[1].display_name,
    );
    let before = sim.production_versions();
    let run = sync(dir.path(), &sim, &["--project", "none"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let versioned = sim
        .received_requests()
        .iter()
        .filter(|r| r.operation.is_some_and(Operation::is_versioned))
        .count() as u64;
    assert!(versioned >= 2);
    assert_eq!(sim.production_versions() - before, versioned);
    assert_eq!(sim.call_count(Operation::CreateProject), 0);
    assert_eq!(
        report(dir.path())["run"]["productionVersions"]["count"],
        versioned
    );
}

/// Acceptance: a partial failure exits 5 and leaves an unpublished draft holding the applied
/// part, named with how to finish it; the next sync finishes it and publishes once.
#[tokio::test(flavor = "multi_thread")]
async fn a_partial_failure_holds_the_draft_and_the_next_sync_publishes_it_once() {
    let refused = ScriptedFault::first(
        http::Method::PUT,
        vsync_api::paths::PERMISSIONS_USERS,
        1,
        FaultKind::Status(403),
    );
    let sim = tenant(vec![refused]).await;
    let dir = tempfile::tempdir().unwrap();
    write_input(
        &dir.path().join("input"),
        &sim.snapshot().permissions[1].display_name,
    );
    let before = sim.production_versions();
    let run = sync(dir.path(), &sim, &[]).await;
    assert_eq!(run.code, 5, "{}", run.all());
    let open = open_projects(&sim);
    assert_eq!(open.len(), 1);
    let id = &open[0];
    assert_eq!(sim.production_versions(), before, "nothing published");
    let said = run.stdout.replace("\n  ", " ");
    assert!(
        said.contains(&format!("project {id}"))
            && said.contains("not published")
            && said.contains(&format!("vsync project publish {id}"))
            && said.contains(&format!("vsync project discard {id}")),
        "{}",
        run.all()
    );
    let json = report(dir.path());
    assert_eq!(json["run"]["project"]["published"], false);
    let tenant_code = sim.tenant_codes()[0].clone();
    let teams = |s: vsync_sim::TenantSnapshot| {
        s.groups
            .iter()
            .filter(|g| g.display_name.starts_with("Project Team"))
            .count()
    };
    assert_eq!(
        teams(sim.project_snapshot(&tenant_code, id).unwrap()),
        GROUPS
    );
    assert_eq!(teams(sim.snapshot()), 0);

    let run = sync(dir.path(), &sim, &[]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(sim.production_versions(), before + 1, "published once");
    assert_eq!(
        sim.call_count(Operation::CreateProject),
        1,
        "the same draft"
    );
    assert!(open_projects(&sim).is_empty());
    assert_eq!(teams(sim.snapshot()), GROUPS);
    assert_eq!(report(dir.path())["run"]["project"]["id"], id.as_str());
    let check = vsync(
        dir.path(),
        Some(&sim.uri()),
        &[
            "plan",
            "--input",
            "input",
            "--mode",
            "upsert",
            "--detailed-exitcode",
        ],
    )
    .await;
    assert_eq!(check.code, 0, "in sync:\n{}", check.all());
}

/// `plan` and dry runs make no project; the plan records the choice and `apply` keeps it; a
/// plan or an export can read a draft's state; `vsync project` lists, publishes, discards.
#[tokio::test(flavor = "multi_thread")]
async fn plans_record_the_project_and_drafts_can_be_read_published_and_discarded() {
    let sim = tenant(Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    write_input(
        &dir.path().join("input"),
        &sim.snapshot().permissions[1].display_name,
    );
    let run = sync(dir.path(), &sim, &["--dry-run"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "plan",
            "--input",
            "input",
            "--mode",
            "upsert",
            "--out",
            "plan.json",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(sim.call_count(Operation::CreateProject), 0, "no project");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plan.json")).unwrap())
            .unwrap();
    assert_eq!(plan["project"], "auto");

    // A draft made by hand: the plan is applied into it and it is left open.
    let tenant_code = sim.tenant_codes()[0].clone();
    let draft = sim.create_project(&tenant_code, "by hand").unwrap();
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "--log-format",
            "json",
            "apply",
            "plan.json",
            "--project",
            &draft,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let finished: serde_json::Value =
        serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(finished["project"]["id"], draft.as_str(), "{finished}");
    assert_eq!(finished["project"]["published"], false, "{finished}");
    assert!(
        run.stderr.contains("left open") && run.stderr.contains(&draft),
        "a scheduler's log says it: {}",
        run.all()
    );
    assert_eq!(open_projects(&sim), vec![draft.clone()], "left open");
    assert_eq!(sim.call_count(Operation::CreateProject), 0);
    // Its state can be planned against and exported.
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "plan",
            "--input",
            "input",
            "--mode",
            "upsert",
            "--project",
            &draft,
            "--detailed-exitcode",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "the draft holds it all:\n{}", run.all());
    let run = vsync(
        dir.path(),
        Some(&host),
        &["export", "--out", "draft.xlsx", "--project", &draft],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains(&format!("{} groups", GROUPS + 8)),
        "{}",
        run.all()
    );
    let run = vsync(
        dir.path(),
        Some(&host),
        &[
            "plan",
            "--input",
            "input",
            "--mode",
            "upsert",
            "--detailed-exitcode",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "production lacks it:\n{}", run.all());

    let run = vsync(dir.path(), Some(&host), &["project", "list"]).await;
    assert!(run.stdout.contains(&draft), "{}", run.all());
    let before = sim.production_versions();
    let run = vsync(dir.path(), Some(&host), &["project", "publish", &draft]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(sim.production_versions(), before + 1);
    let other = sim.create_project(&tenant_code, "to discard").unwrap();
    let run = vsync(dir.path(), Some(&host), &["project", "discard", &other]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(open_projects(&sim).is_empty());
    let run = sync(dir.path(), &sim, &["--project", "nope"]).await;
    assert_eq!(run.code, 64, "{}", run.all());
    harness::assert_no_secret(&run.all());
}
