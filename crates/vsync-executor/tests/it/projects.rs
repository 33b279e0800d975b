//! One production version per run: versioned changes made in a draft project and published
//! once, read back in production without `ProjectID`.

use axum::http::Method;
use vsync_client::{Client, Operation};
use vsync_engine::outcome::Status;
use vsync_engine::{BatchLimits, Plan};
use vsync_executor::{
    ApplyOutcome, CancellationToken, ExecOptions, Executor, FetchOptions, JournalState, NewProject,
    ProjectChoice, ProjectState, fetch_live,
};
use vsync_model::{DesiredGroup, DesiredState, DesiredUser, Managed, NameSet, SourceRef};
use vsync_sim::{FaultKind, ScriptedFault, Sim};

use crate::harness::{assert_all_applied, client, duplicates, policy, quiet, verification, within};

const GROUPS: usize = 5;
const USERS: usize = 300;
const GRANTS: usize = 20;

/// 300 new users, each a member of one of 5 new groups (300 memberships), the first 20 with a
/// direct permission.
fn desired(permission: &str) -> DesiredState {
    let users = (0..USERS)
        .map(|i| DesiredUser {
            username: format!("member{i}@example.com").into(),
            display_name: Some(format!("Member {i}").into()),
            employee_id: Some(format!("M{i:05}").into()),
            account_enabled: Some(true),
            groups: [format!("Project Team {}", i % GROUPS).as_str()].into(),
            permissions: if i < GRANTS {
                [permission].into()
            } else {
                NameSet::new()
            },
            source: SourceRef::csv("users.csv", i as u64 + 2),
            ..DesiredUser::default()
        })
        .collect();
    let groups = (0..GROUPS)
        .map(|g| DesiredGroup {
            name: format!("Project Team {g}"),
            description: Some(format!("Team {g}")),
            permissions: NameSet::new(),
            source: SourceRef::csv("user_groups.csv", g as u64 + 2),
        })
        .collect();
    DesiredState {
        users,
        groups,
        managed: Managed {
            memberships: true,
            user_permissions: true,
            ..Managed::default()
        },
        ..DesiredState::default()
    }
}

async fn tenant(faults: Vec<ScriptedFault>) -> (Sim, Client, DesiredState) {
    let mut builder = Sim::builder()
        .seed_users(10)
        .no_rate_limit()
        .record_requests(true);
    for fault in faults {
        builder = builder.script(fault);
    }
    let sim = builder.start().await.unwrap();
    let permission = sim.snapshot().permissions[1].display_name.clone();
    let client = client(&sim, None, false);
    (sim, client, desired(&permission))
}

fn auto() -> ProjectChoice {
    ProjectChoice::Auto {
        project: NewProject {
            name: "vsync sync 2026-01-01T00:00:00Z input 0123abcd".into(),
            description: Some("a test run".into()),
            ticket_number: Some("CHG-14".into()),
        },
        continue_in: None,
    }
}

/// Plans against the tenant as `client` reads it (production, or a project).
async fn plan_in(client: &Client, desired: &DesiredState) -> Plan {
    let live = Box::pin(fetch_live(client, &FetchOptions::default()))
        .await
        .unwrap();
    let changes = vsync_engine::diff(desired, &live, &policy()).unwrap();
    vsync_engine::plan(&changes, &BatchLimits::default())
}

async fn run(client: &Client, plan: &Plan, opts: ExecOptions) -> ApplyOutcome {
    let executor = Executor::new(client.clone(), opts);
    Box::pin(executor.apply(plan, CancellationToken::new()))
        .await
        .unwrap()
}

fn versioned_requests(sim: &Sim) -> Vec<vsync_sim::RecordedRequest> {
    sim.received_requests()
        .into_iter()
        .filter(|r| r.operation.is_some_and(Operation::is_versioned))
        .collect()
}

fn open_projects(sim: &Sim) -> usize {
    sim.snapshot()
        .projects
        .iter()
        .filter(|p| p.status == vsync_sim::ProjectStatus::Open)
        .count()
}

/// Acceptance: 300 memberships across 5 new groups and 20 direct permission assignments
/// publish exactly one production version, leave no open project and are all visible in
/// production; running again publishes none; without a project, one version per versioned
/// request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_publishes_one_production_version_and_a_rerun_none() {
    within(120, async {
        let (sim, client, desired) = tenant(Vec::new()).await;
        let before = sim.production_versions();
        let plan = plan_in(&client, &desired).await;
        let outcome = run(
            &client,
            &plan,
            ExecOptions {
                project: auto(),
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&outcome);
        let project = outcome.project.clone().expect("a project");
        assert_eq!(project.state, ProjectState::Published, "{project:?}");
        assert!(project.created);
        assert_eq!(sim.production_versions(), before + 1, "one version");
        assert_eq!(outcome.production_versions.as_ref().map(Vec::len), Some(1));
        assert_eq!(open_projects(&sim), 0);
        let created = &sim.snapshot().projects[0];
        assert_eq!(created.ticket_number.as_deref(), Some("CHG-14"));

        // Every versioned request went into the project; no user request named it.
        let versioned = versioned_requests(&sim);
        assert!(versioned.len() >= 2, "{}", versioned.len());
        for r in &versioned {
            assert_eq!(r.header("projectid"), Some(project.id.as_str()), "{}", r.path);
        }
        for r in sim.received_requests() {
            if matches!(
                r.operation,
                Some(Operation::AddUsers | Operation::UpdateUsers | Operation::DeleteUsers)
            ) {
                assert_eq!(r.header("projectid"), None);
            }
        }
        // Production, read without ProjectID, shows every change.
        let production = sim.snapshot();
        for g in 0..GROUPS {
            let group = production
                .groups
                .iter()
                .find(|x| x.display_name == format!("Project Team {g}"))
                .expect("the group is in production");
            assert_eq!(group.manually_included_ids.len(), USERS / GROUPS);
        }
        let granted: usize = production
            .permission_assignments
            .values()
            .filter(|p| !p.is_empty())
            .count();
        assert!(granted >= GRANTS, "{granted}");
        let check = Box::pin(verification(&client, &desired)).await;
        assert!(check.converged, "{:?}", check.remaining);

        // The same run again: nothing to change, no project, no version.
        let again = plan_in(&client, &desired).await;
        sim.expect(Operation::CreateProject).never();
        let outcome = run(
            &client,
            &again,
            ExecOptions {
                project: auto(),
                ..quiet()
            },
        )
        .await;
        assert!(outcome.project.is_none());
        assert_eq!(sim.production_versions(), before + 1);
        sim.verify();

        // Without a project: one production version per versioned request.
        let (sim, client, desired) = tenant(Vec::new()).await;
        let before = sim.production_versions();
        let plan = plan_in(&client, &desired).await;
        let outcome = run(
            &client,
            &plan,
            ExecOptions {
                count_versions: true,
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&outcome);
        let requests = versioned_requests(&sim).len() as u64;
        assert_eq!(sim.production_versions() - before, requests);
        assert_eq!(
            outcome.production_versions.as_ref().map(Vec::len),
            Some(requests as usize),
            "the run lists the versions it made"
        );
        assert!(outcome.project.is_none());
        eprintln!(
            "{USERS} memberships in {GROUPS} new groups and {GRANTS} permissions: 1 production version with a project, {requests} without"
        );
    })
    .await;
}

/// Acceptance: a partial failure leaves an unpublished draft holding the applied part
/// (production unchanged); the next run continues in it, makes the rest and publishes once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_failure_holds_the_draft_and_the_next_run_publishes_it_once() {
    within(120, async {
        let refused = ScriptedFault::first(
            Method::PUT,
            vsync_api::paths::PERMISSIONS_USERS,
            1,
            FaultKind::Status(403),
        );
        let (sim, client, desired) = tenant(vec![refused]).await;
        let before = sim.production_versions();
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("run.journal");
        let first_plan = plan_in(&client, &desired).await;
        let first = run(
            &client,
            &first_plan,
            ExecOptions {
                project: auto(),
                journal: Some(journal.clone()),
                ..quiet()
            },
        )
        .await;
        assert!(first.count(Status::Failed) > 0, "the permissions failed");
        let held = first.project.clone().expect("a project");
        assert_eq!(held.state, ProjectState::Held, "{held:?}");
        let message = held.message.clone().unwrap();
        assert!(
            message.contains("did not apply") && message.contains(held.id.as_str()),
            "{message}"
        );
        assert_eq!(sim.production_versions(), before, "nothing published");
        assert_eq!(open_projects(&sim), 1);
        let tenant_code = sim.tenant_codes()[0].clone();
        let draft = sim
            .project_snapshot(&tenant_code, held.id.as_str())
            .unwrap();
        let in_draft = |s: &vsync_sim::TenantSnapshot| {
            s.groups
                .iter()
                .filter(|g| g.display_name.starts_with("Project Team"))
                .count()
        };
        assert_eq!(in_draft(&draft), GROUPS, "the draft holds the applied part");
        assert_eq!(in_draft(&sim.snapshot()), 0, "production does not");

        // The next run: the journal names the draft; the plan is made in it, so only the
        // failed part is left; it is applied there and the draft published once.
        let state = JournalState::load(&journal).unwrap();
        let id = state.unpublished_project().unwrap().id.clone();
        assert_eq!(id, held.id);
        let rest = plan_in(&client.in_project(Some(id.as_str())), &desired).await;
        assert!(
            !rest.changes.is_empty() && rest.changes.len() < first_plan.changes.len(),
            "{} of {}",
            rest.changes.len(),
            first_plan.changes.len()
        );
        let choice = ProjectChoice::Auto {
            project: NewProject {
                name: "vsync sync second".into(),
                ..NewProject::default()
            },
            continue_in: Some(id.clone()),
        };
        let second = run(
            &client,
            &rest,
            ExecOptions {
                project: choice,
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&second);
        let published = second.project.expect("the draft");
        assert_eq!(published.id, held.id, "the same draft, not a new one");
        assert_eq!(published.state, ProjectState::Published);
        assert_eq!(sim.production_versions(), before + 1, "published once");
        assert_eq!(sim.call_count(Operation::CreateProject), 1);
        assert_eq!(open_projects(&sim), 0);
        assert!(duplicates(&sim).is_empty());
        let check = Box::pin(verification(&client, &desired)).await;
        assert!(check.converged, "{:?}", check.remaining);
    })
    .await;
}

/// A lost `commitAndPublish` answer is settled by reading, not by publishing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_publish_answer_is_settled_by_reading() {
    within(60, async {
        let lost = ScriptedFault::first(
            Method::POST,
            vsync_api::paths::PROJECT_TEMPLATE,
            1,
            FaultKind::ConnectionReset,
        );
        let lost_create = ScriptedFault::first(
            Method::POST,
            vsync_api::paths::PROJECTS,
            1,
            FaultKind::ConnectionReset,
        );
        let (sim, client, desired) = tenant(vec![lost, lost_create]).await;
        let before = sim.production_versions();
        let plan = plan_in(&client, &desired).await;
        let outcome = run(
            &client,
            &plan,
            ExecOptions {
                project: auto(),
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&outcome);
        let project = outcome.project.unwrap();
        assert_eq!(project.state, ProjectState::Published, "{project:?}");
        assert_eq!(sim.call_count(Operation::CreateProject), 1, "created once");
        assert_eq!(
            sim.call_count(Operation::RunProjectOperation),
            1,
            "published once"
        );
        assert_eq!(sim.snapshot().projects.len(), 1);
        assert_eq!(sim.production_versions(), before + 1);
    })
    .await;
}

/// A given project is used as it is and left open unless asked to publish it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_project_is_published_only_when_asked() {
    within(60, async {
        let (sim, client, desired) = tenant(Vec::new()).await;
        let tenant_code = sim.tenant_codes()[0].clone();
        let id = sim.create_project(&tenant_code, "made by hand").unwrap();
        let before = sim.production_versions();
        let plan = plan_in(&client, &desired).await;
        let outcome = run(
            &client,
            &plan,
            ExecOptions {
                project: ProjectChoice::Existing {
                    id: id.as_str().into(),
                    publish: false,
                },
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&outcome);
        assert_eq!(outcome.project.unwrap().state, ProjectState::Open);
        assert_eq!(sim.production_versions(), before);
        assert_eq!(sim.call_count(Operation::CreateProject), 0);
        assert_eq!(open_projects(&sim), 1);
    })
    .await;
}

/// Regression test for settling a lost group create inside a project: the groups exist only in
/// the draft, so the re-read by correlation id must carry the project's ID; read in production
/// it finds nothing and the create is sent again, making every group twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_group_create_in_a_project_is_settled_by_a_read_in_the_project() {
    within(60, async {
        let lost = ScriptedFault::first(
            Method::POST,
            vsync_api::paths::USER_GROUPS_V2,
            1,
            FaultKind::ConnectionReset,
        );
        let (sim, client, desired) = tenant(vec![lost]).await;
        let plan = plan_in(&client, &desired).await;
        let outcome = run(
            &client,
            &plan,
            ExecOptions {
                project: auto(),
                ..quiet()
            },
        )
        .await;
        assert_all_applied(&outcome);
        assert_eq!(
            sim.call_count(Operation::CreateUserGroups),
            1,
            "not sent again"
        );
        let reread = sim
            .received_requests()
            .into_iter()
            .find(|r| {
                r.operation == Some(Operation::ListUserGroupsV2)
                    && r.query
                        .as_deref()
                        .is_some_and(|q| q.contains("correlationIds"))
            })
            .expect("a re-read by correlation id");
        let project = outcome.project.unwrap();
        assert_eq!(reread.header("projectid"), Some(project.id.as_str()));
        assert!(duplicates(&sim).is_empty(), "{:?}", duplicates(&sim));
        assert_eq!(project.state, ProjectState::Published);
    })
    .await;
}

/// A crash between the publish and its journal line: the resume finds the project published
/// (no longer open, still there) and neither publishes again nor makes another project.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_after_an_unjournaled_publish_publishes_nothing_more() {
    within(60, async {
        let (sim, client, desired) = tenant(Vec::new()).await;
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("run.journal");
        let plan = plan_in(&client, &desired).await;
        let opts = ExecOptions {
            project: auto(),
            journal: Some(journal.clone()),
            ..quiet()
        };
        let first = run(&client, &plan, opts.clone()).await;
        assert_eq!(first.project.unwrap().state, ProjectState::Published);
        let versions = sim.production_versions();
        // The journal as a crash right after the publish leaves it.
        let text = std::fs::read_to_string(&journal).unwrap();
        let mut cut = String::new();
        for line in text
            .lines()
            .take_while(|l| !l.contains("\"projectPublished\""))
        {
            cut.push_str(line);
            cut.push('\n');
        }
        assert!(cut.len() < text.len());
        std::fs::write(&journal, cut).unwrap();
        assert!(
            JournalState::load(&journal)
                .unwrap()
                .unpublished_project()
                .is_some()
        );

        let executor = Executor::new(client.clone(), opts);
        let second = Box::pin(executor.resume(&plan, &journal, CancellationToken::new()))
            .await
            .unwrap();
        assert_all_applied(&second);
        assert!(second.project.is_none(), "{:?}", second.project);
        assert_eq!(sim.production_versions(), versions);
        assert_eq!(sim.call_count(Operation::CreateProject), 1);
        assert_eq!(sim.call_count(Operation::RunProjectOperation), 1);
        assert!(
            JournalState::load(&journal)
                .unwrap()
                .unpublished_project()
                .is_none()
        );
    })
    .await;
}
