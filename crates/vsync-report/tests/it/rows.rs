//! How plans and outcomes become report rows.

use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{Action, Entity, PhaseKind};
use vsync_report::{Report, RunMode, SkipKind};

use crate::fixtures::{groups_plan, sample_facts, sample_outcomes, sample_plan};

#[test]
fn every_change_is_placed_in_its_call() {
    let plan = sample_plan();
    let report = Report::new(&plan, &[], sample_facts(&plan, RunMode::DryRun));
    assert_eq!(report.changes.len(), plan.changes.len());
    for row in &report.changes {
        let call = row.call.expect("every planned change is in a call");
        let planned = plan.calls().find(|c| c.id.0 == call).unwrap();
        assert!(
            planned
                .body
                .change_ids()
                .iter()
                .any(|id| id.0 == row.change)
        );
        assert_eq!(row.batch, Some(planned.batch));
        let (method, path) = planned.body.endpoint();
        assert_eq!(
            row.endpoint.as_deref(),
            Some(format!("{method} {path}").as_str())
        );
    }
}

/// A sync whose executor stopped reporting must not look like a dry run: a change without an
/// outcome is `unknown`, not `planned`.
#[test]
fn a_missing_outcome_in_an_applying_run_is_unknown() {
    let plan = sample_plan();
    let mut outcomes = sample_outcomes(&plan);
    let dropped = outcomes.pop().unwrap().change;
    let report = Report::new(&plan, &outcomes, sample_facts(&plan, RunMode::Sync));
    let row = report
        .changes
        .iter()
        .find(|r| r.change == dropped.0)
        .unwrap();
    assert_eq!(row.status, Status::Unknown);
    assert_eq!(
        row.message.as_deref(),
        Some("no outcome was recorded for this change")
    );
    assert_eq!(report.summary.changes.planned, 0);
}

#[test]
fn outcomes_for_changes_outside_the_plan_are_ignored() {
    let plan = sample_plan();
    let mut outcomes = sample_outcomes(&plan);
    outcomes.push(ChangeOutcome::planned(vsync_engine::ChangeId(9_999), None));
    let report = Report::new(&plan, &outcomes, sample_facts(&plan, RunMode::Sync));
    assert_eq!(report.changes.len(), plan.changes.len());
    assert_eq!(report.summary.changes.total, plan.changes.len());
}

/// The executor may move a change to another call (a retry of a split batch); the row follows
/// the outcome, not the plan.
#[test]
fn an_outcome_naming_another_call_moves_the_row() {
    let plan = sample_plan();
    let last = plan.calls().last().unwrap();
    let mut outcomes = sample_outcomes(&plan);
    outcomes[0].call = Some(last.id);
    let report = Report::new(&plan, &outcomes, sample_facts(&plan, RunMode::Sync));
    let row = report
        .changes
        .iter()
        .find(|r| r.change == outcomes[0].change.0)
        .unwrap();
    assert_eq!(row.call, Some(last.id.0));
    assert_eq!(row.batch, Some(last.batch));
}

#[test]
fn failed_rows_carry_message_rci_and_http_status() {
    let plan = sample_plan();
    let report = Report::new(
        &plan,
        &sample_outcomes(&plan),
        sample_facts(&plan, RunMode::Sync),
    );
    let failed: Vec<_> = report
        .changes
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].rci.as_deref(), Some("rci-7f3a-22c1"));
    assert_eq!(failed[0].http_status, Some(400));
    assert_eq!(failed[0].phase, Some(PhaseKind::CreateUsers));
    let call = report
        .calls
        .iter()
        .find(|c| Some(c.call) == failed[0].call)
        .unwrap();
    assert_eq!(call.status, Some(Status::Failed));
    assert_eq!(call.rci.as_deref(), Some("rci-7f3a-22c1"));
    assert!(
        report.summary.headline.contains("see rci rci-7f3a-22c1"),
        "{}",
        report.summary.headline
    );
    assert!(!report.is_clean());
}

#[test]
fn protected_users_and_withheld_changes_are_listed() {
    let report = Report::new(
        &sample_plan(),
        &[],
        sample_facts(&sample_plan(), RunMode::DryRun),
    );
    assert_eq!(report.summary.protected, 1);
    let withheld: Vec<_> = report
        .skipped
        .iter()
        .filter(|s| s.kind == SkipKind::Withheld)
        .collect();
    assert_eq!(withheld.len(), report.summary.withheld);
    assert!(
        withheld
            .iter()
            .all(|s| s.reason == "disables" && s.action == Some(Action::Disable))
    );
    let guard = report
        .guards
        .iter()
        .find(|g| g.blocked())
        .expect("the disables guard trips");
    assert!(
        guard
            .how_to_override
            .as_deref()
            .unwrap()
            .contains("--force disables")
    );
}

#[test]
fn group_creates_and_removals_are_reported_per_change() {
    let plan = groups_plan();
    let report = Report::new(&plan, &[], sample_facts(&plan, RunMode::Plan));
    assert!(
        report.summary.headline.starts_with("plan: "),
        "{}",
        report.summary.headline
    );
    let has = |entity, action| {
        report
            .changes
            .iter()
            .any(|r| r.entity == entity && r.action == action)
    };
    assert!(has(Entity::Group, Action::Create));
    assert!(has(Entity::Membership, Action::Remove));
    assert!(has(Entity::UserPermission, Action::Revoke));
    assert!(
        report.changes.iter().all(|r| r.call.is_some()),
        "a group's create carries its members and permissions"
    );
    let per_call: usize = report.calls.iter().map(|c| c.changes.total).sum();
    assert_eq!(per_call, report.changes.len());
    assert!(report.guards.iter().all(|g| !g.tripped || g.overridden));
    assert!(report.guards.iter().all(|g| g.how_to_override.is_none()));
}
