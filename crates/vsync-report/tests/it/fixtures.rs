//! Plans from real `diff` + `plan` calls over small states, and outcomes as an executor would
//! report them.

use std::collections::BTreeMap;

use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{Action, BatchLimits, Entity, Guard, Plan, Policy, diff, plan};
use vsync_model::{
    DesiredState, DesiredUser, InputInfo, LiveGroup, LiveState, LiveUser, Managed, NameSet,
    Permission, PermissionId, Profile, ProfileId, SourceRef, TenantCode, UserGroupId, UserId,
};
use vsync_report::{
    CallBreakdown, FileHash, RateLimitWaits, Report, RetryBudgetUse, RunFacts, RunMode, RunPolicy,
    RunVerification,
};

/// A username that a spreadsheet would run as a formula.
pub const FORMULA_USERNAME: &str = "=HYPERLINK(\"http://evil.example\",\"x\")@acme.com";

/// A value a caller must never hand to a report; it must not come out of one either.
pub const SECRET: &str = "secret-apikey-123";

fn live_user(id: &str, username: &str, display: &str, employee: &str, groups: &[&str]) -> LiveUser {
    LiveUser {
        id: UserId::new(id),
        username: username.to_owned(),
        display_name: Some(display.to_owned()),
        employee_id: Some(employee.to_owned()),
        email: Some(username.to_owned()),
        account_enabled: true,
        groups: groups.iter().map(|g| UserGroupId::new(*g)).collect(),
        ..LiveUser::default()
    }
}

fn live() -> LiveState {
    LiveState {
        tenant: Some(TenantCode::new("WFF_ACME")),
        users: vec![
            live_user("u-jon", "jon@acme.com", "Jon Smith", "E1", &["g-sales"]),
            live_user("u-ann", "ann@acme.com", "Ann Lee", "E2", &[]),
            live_user("u-bob", "bob@acme.com", "Bob Brown", "E3", &[]),
            live_user("u-old", "old.user@acme.com", "Old User", "E8", &[]),
            live_user("u-temp", "temp.user@acme.com", "Temp User", "E9", &[]),
            live_user("u-admin", "admin@acme.com", "Tenant Admin", "E0", &[]),
        ],
        groups: vec![
            LiveGroup {
                id: UserGroupId::new("g-sales"),
                name: "Sales".into(),
                ..LiveGroup::default()
            },
            LiveGroup {
                id: UserGroupId::new("g-fin"),
                name: "Finance".into(),
                ..LiveGroup::default()
            },
        ],
        permissions: vec![
            Permission {
                id: PermissionId::new("p-analyst"),
                name: "Analyst".into(),
                description: None,
            },
            Permission {
                id: PermissionId::new("p-viewer"),
                name: "Viewer".into(),
                description: None,
            },
        ],
        profiles: vec![Profile {
            id: ProfileId::new("pr-std"),
            name: "Standard".into(),
        }],
    }
}

fn desired_user(
    row: u64,
    username: &str,
    display: &str,
    employee: &str,
    groups: &[&str],
    permissions: &[&str],
) -> DesiredUser {
    DesiredUser {
        username: username.into(),
        display_name: Some(display.into()),
        employee_id: Some(employee.into()),
        email: None,
        account_enabled: Some(true),
        groups: groups.iter().copied().collect(),
        permissions: permissions.iter().copied().collect(),
        profiles: NameSet::new(),
        source: SourceRef::sheet("hris.xlsx", "Users", row),
    }
}

fn desired() -> DesiredState {
    DesiredState {
        users: vec![
            desired_user(
                2,
                "jon@acme.com",
                "John Smith",
                "E1",
                &["Sales", "Finance"],
                &["Analyst"],
            ),
            desired_user(3, "ann@acme.com", "Ann Lee-Park", "E2", &[], &[]),
            desired_user(4, "robert@acme.com", "Robert Brown", "E3", &[], &[]),
            desired_user(5, FORMULA_USERNAME, "=1+1", "E4", &[], &[]),
            desired_user(6, "new.hire@acme.com", "New Hire", "E5", &["Sales"], &[]),
            desired_user(7, "admin@acme.com", "Admin (renamed)", "E0", &[], &[]),
        ],
        groups: Vec::new(),
        relation_rows: Vec::new(),
        managed: Managed {
            memberships: true,
            user_permissions: true,
            profiles: false,
            group_permissions: false,
        },
        input: InputInfo {
            files: vec!["hris.xlsx".into()],
            checksum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            user_rows: 6,
        },
        derived: Vec::new(),
    }
}

/// The plan of the fixture: creates, updates, a rename, memberships, a permission, a
/// protected user left alone, and two disables withheld by the disables guard.
pub fn sample_plan() -> Plan {
    let mut policy = Policy {
        protected: vec!["admin@*".into()],
        ..Policy::default()
    };
    policy.guards.disables = Guard {
        max_count: 1,
        max_percent: 100,
        r#override: false,
    };
    let changes = diff(&desired(), &live(), &policy).expect("the fixture is valid");
    let limits = BatchLimits {
        users_per_call: 2,
        ..BatchLimits::default()
    };
    plan(&changes, &limits)
}

/// A plan that creates a group with a permission and members, moves Jon out of Sales, and
/// revokes Ann's permission, with every guard off (recorded as overridden).
pub fn groups_plan() -> Plan {
    let mut live = live();
    live.users[1]
        .permissions
        .insert(PermissionId::new("p-viewer"));
    let mut desired = desired();
    desired
        .users
        .retain(|u| u.username.ends_with("@acme.com") && !u.username.starts_with('='));
    desired.users[0].groups = ["Finance", "Engineering"].map(str::to_owned).into();
    desired.groups.push(vsync_model::DesiredGroup {
        name: "Engineering".into(),
        description: Some("Builds things".into()),
        permissions: ["Viewer".to_owned()].into(),
        source: SourceRef::sheet("hris.xlsx", "UserGroups", 2),
    });
    desired.managed.group_permissions = true;
    let policy = Policy {
        protected: vec!["admin@*".into()],
        guards: vsync_engine::GuardSettings::off(),
        ..Policy::default()
    };
    let changes = diff(&desired, &live, &policy).expect("the fixture is valid");
    plan(&changes, &BatchLimits::default())
}

/// The plan of a tenant that already matches its input.
pub fn empty_plan() -> Plan {
    let live = live();
    let desired = vsync_engine::desired_from_live(&live);
    let changes = diff(&desired, &live, &Policy::default()).expect("an export is valid");
    plan(&changes, &BatchLimits::default())
}

/// Outcomes of applying `plan`: the formula-named user's create fails (with an rci), Ann's
/// update times out, New Hire's membership is not attempted, the rest is applied.
pub fn sample_outcomes(plan: &Plan) -> Vec<ChangeOutcome> {
    let mut outcomes = Vec::new();
    for call in plan.calls() {
        for id in call.body.change_ids() {
            let change = plan.change(id).expect("calls name planned changes");
            let mut outcome = ChangeOutcome::planned(id, Some(call.id));
            outcome.status = Status::Applied;
            outcome.http_status = Some(200);
            if change.key == FORMULA_USERNAME && change.entity() == Entity::User {
                outcome.status = Status::Failed;
                outcome.http_status = Some(400);
                outcome.message = Some("The username must be a valid email address.".into());
                outcome.rci = Some("rci-7f3a-22c1".into());
            } else if change.key == "ann@acme.com" && change.action() == Action::Update {
                outcome.status = Status::Unknown;
                outcome.http_status = None;
                outcome.message = Some("timed out after 60 s waiting for the response".into());
            } else if change.key == "new.hire@acme.com" && change.entity() == Entity::Membership {
                outcome.status = Status::Skipped;
                outcome.http_status = None;
                outcome.message = Some("not attempted: an earlier call of the run failed".into());
            }
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// Facts of a sync run, with a target URL a careless caller built with credentials in it.
pub fn sample_facts(plan: &Plan, mode: RunMode) -> RunFacts {
    let applies = mode.applies();
    let mut calls_by_endpoint = BTreeMap::new();
    if applies {
        for call in plan.calls() {
            let (method, path) = call.body.endpoint();
            *calls_by_endpoint
                .entry(format!("{method} {path}"))
                .or_insert(0) += 1;
        }
        calls_by_endpoint.insert("GET /v2/admin/users".to_owned(), 1);
    }
    RunFacts {
        tool_version: "0.1.0".into(),
        tenant: Some("WFF_ACME".into()),
        target_url: Some(format!(
            "https://svc:{SECRET}@acme.api.visier.io/?apikey={SECRET}"
        )),
        input_files: vec!["hris.xlsx".into()],
        input_checksum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        mode,
        started_at: Some("2026-11-22T02:00:00Z".into()),
        finished_at: Some("2026-11-22T02:00:12.400Z".into()),
        duration_ms: 12_400,
        api_calls_used: if applies {
            plan.call_count() as u64 + 1
        } else {
            0
        },
        calls_by_endpoint,
        rate_limit_waits: if applies {
            RateLimitWaits {
                count: 2,
                total_ms: 1_500,
            }
        } else {
            RateLimitWaits::default()
        },
        retries: u64::from(applies),
        retry_budget: applies.then_some(RetryBudgetUse { used: 1, size: 100 }),
        converged: applies.then_some(false),
        remaining_differences: if applies {
            vec!["ann@acme.com: displayName is \"Ann Lee\", the input says \"Ann Lee-Park\"".into()]
        } else {
            Vec::new()
        },
        exit_code: Some(if applies { 2 } else { 0 }),
        result: Some(
            if applies {
                "partial failure"
            } else {
                "planned"
            }
            .into(),
        ),
        project: None,
        production_versions: None,
        verification: applies.then(|| RunVerification {
            method: "answers".into(),
            confirmed: plan.changes.len() as u64 - 1,
            uncertain: 1,
            reread: vec!["users".into()],
            reread_calls: 1,
            settled: 0,
        }),
        calls: applies.then(|| CallBreakdown {
            sign_in: 1,
            read: 0,
            writes: plan.call_count() as u64 - 1,
            project: 0,
            rereads: 1,
            retries: 1,
            throttled: 0,
            lower_bound: plan.lower_bound() as u64 + 1,
        }),
        account: Some("svc-vsync@acme.com".into()),
        inputs: vec![FileHash {
            path: "hris.xlsx".into(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        }],
        mapping: Some(FileHash {
            path: "workday.toml".into(),
            sha256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae".into(),
        }),
        policy: Some(RunPolicy::from_policy(&vsync_engine::Policy::default())),
        project_choice: Some("auto".into()),
    }
}

/// The report of a sync run with failures.
pub fn applied_report() -> Report {
    let plan = sample_plan();
    let outcomes = sample_outcomes(&plan);
    Report::new(&plan, &outcomes, sample_facts(&plan, RunMode::Sync))
}

/// The report of a dry run of the same plan: no outcomes, every change planned.
pub fn dry_run_report() -> Report {
    let plan = sample_plan();
    Report::new(&plan, &[], sample_facts(&plan, RunMode::DryRun))
}

/// The report of a run with nothing to do.
pub fn empty_report() -> Report {
    let plan = empty_plan();
    Report::new(&plan, &[], sample_facts(&plan, RunMode::DryRun))
}
