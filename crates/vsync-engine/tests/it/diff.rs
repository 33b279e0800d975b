//! Scenarios of `diff`.

use vsync_engine::{
    Action, ChangeKind, Edit, EngineError, ErrorKind, Mode, NameKind, Policy, SkipReason, UserRef,
    diff,
};
use vsync_model::{UserGroupId, UserKey};

use crate::support::*;

#[test]
fn unchanged_tenant_diffs_to_nothing() {
    let mut jane = live_user("u1", "Jane@Example.com");
    jane.display_name = Some("Jane Doe".into());
    jane.groups.insert(UserGroupId::new("g1"));
    let live = tenant(vec![jane]);
    let mut row = desired_user("jane@example.com", 2);
    row.display_name = Some("  Jane Doe ".into());
    row.groups.insert("sales");
    let changes = diff(&desired(vec![row]), &live, &unguarded()).unwrap();
    assert!(changes.is_empty(), "{:?}", summary(&changes));
}

#[test]
fn employee_id_match_is_a_rename_not_a_delete_and_create() {
    let mut old = live_user("u1", "jane.smith@example.com");
    old.employee_id = Some("007".into());
    let live = tenant(vec![old]);
    let mut row = desired_user("jane.doe@example.com", 2);
    row.employee_id = Some("007".into());
    let changes = diff(&desired(vec![row]), &live, &unguarded()).unwrap();
    assert_eq!(summary(&changes), ["User Rename jane.doe@example.com"]);
    let ChangeKind::UpdateUser { user, fields } = &changes.changes[0].kind else {
        panic!("not an update: {:?}", changes.changes[0]);
    };
    assert_eq!(user.as_str(), "u1");
    assert_eq!(
        fields.username,
        Some(Edit::replace(
            Some("jane.smith@example.com".to_owned()),
            "jane.doe@example.com".to_owned()
        ))
    );
}

#[test]
fn unknown_names_are_all_reported_with_suggestions() {
    let live = tenant(vec![]);
    let mut a = desired_user("a@example.com", 2);
    a.groups.insert("Sales Teem");
    a.permissions.insert("Analist");
    let mut b = desired_user("b@example.com", 3);
    b.profiles.insert("Nothing Like It");
    let err = diff(&desired(vec![a, b]), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Multiple);
    let problems = err.problems();
    assert_eq!(problems.len(), 3);
    assert!(matches!(
        &problems[0],
        EngineError::UnknownName { what: NameKind::Group, suggestion: Some(s), .. } if s == "Sales"
    ));
    assert!(
        problems[1].to_string().contains("did you mean \"Analyst\""),
        "{}",
        problems[1]
    );
    assert!(matches!(
        &problems[2],
        EngineError::UnknownName {
            what: NameKind::Profile,
            suggestion: None,
            ..
        }
    ));
}

#[test]
fn duplicate_usernames_are_a_contradiction() {
    let err = diff(
        &desired(vec![desired_user("a@x.com", 2), desired_user("A@X.com", 3)]),
        &tenant(vec![]),
        &unguarded(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction);
    assert!(err.to_string().contains("row 3"), "{err}");
}

#[test]
fn signed_in_account_is_never_changed_or_removed() {
    let live = tenant(vec![
        live_user("u1", "svc@example.com"),
        live_user("u2", "bot@example.com"),
    ]);
    let mut row = desired_user("svc@example.com", 2);
    row.display_name = Some("Renamed".into());
    let policy = Policy {
        signed_in_as: Some(UserKey::new("SVC@example.com")),
        protected: vec!["bot@*".into()],
        ..unguarded()
    };
    let changes = diff(&desired(vec![row]), &live, &policy).unwrap();
    assert!(changes.is_empty(), "{:?}", summary(&changes));
    let reasons: Vec<_> = changes
        .skips
        .iter()
        .map(|s| (s.key.as_str(), s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("svc@example.com", SkipReason::SignedInAccount),
            ("bot@example.com", SkipReason::Protected)
        ]
    );
}

#[test]
fn out_of_scope_rows_are_skipped_and_out_of_scope_users_kept() {
    let live = tenant(vec![
        live_user("u1", "a@other.com"),
        live_user("u2", "b@example.com"),
    ]);
    let policy = Policy {
        scope: vec!["*@Example.com".into()],
        ..unguarded()
    };
    let changes = diff(
        &desired(vec![desired_user("new@other.com", 2)]),
        &live,
        &policy,
    )
    .unwrap();
    assert_eq!(summary(&changes), ["User Disable b@example.com"]);
    assert_eq!(changes.skips[0].reason, SkipReason::OutOfScope);
}

#[test]
fn upsert_and_update_only_never_remove() {
    let mut jane = live_user("u1", "jane@x.com");
    jane.groups.insert(UserGroupId::new("g1"));
    let live = tenant(vec![jane, live_user("u2", "gone@x.com")]);
    let rows = desired(vec![
        desired_user("jane@x.com", 2),
        desired_user("new@x.com", 3),
    ]);
    let upsert = diff(
        &rows,
        &live,
        &Policy {
            mode: Mode::Upsert,
            ..unguarded()
        },
    )
    .unwrap();
    assert_eq!(summary(&upsert), ["User Create new@x.com"]);
    let update_only = diff(
        &rows,
        &live,
        &Policy {
            mode: Mode::UpdateOnly,
            ..unguarded()
        },
    )
    .unwrap();
    assert!(update_only.is_empty());
    assert_eq!(update_only.skips[0].reason, SkipReason::ModeForbids);
}

#[test]
fn memberships_of_dynamic_groups_are_skipped() {
    let live = tenant(vec![live_user("u1", "a@x.com")]);
    let mut row = desired_user("a@x.com", 2);
    row.groups.insert("All Users");
    let changes = diff(&desired(vec![row]), &live, &unguarded()).unwrap();
    assert!(changes.is_empty());
    assert_eq!(changes.skips[0].reason, SkipReason::DynamicGroup);
}

#[test]
fn unmentioned_groups_are_left_alone_unless_groups_are_managed() {
    let mut jane = live_user("u1", "jane@x.com");
    jane.groups.insert(UserGroupId::new("g2"));
    let live = tenant(vec![jane]);
    let rows = desired(vec![desired_user("jane@x.com", 2)]);
    assert!(diff(&rows, &live, &unguarded()).unwrap().is_empty());
    let managed = diff(
        &rows,
        &live,
        &Policy {
            manage_groups: true,
            ..unguarded()
        },
    )
    .unwrap();
    assert_eq!(
        summary(&managed),
        ["Membership Remove jane@x.com -> Finance"]
    );
}

#[test]
fn new_users_are_referenced_by_key() {
    let mut row = desired_user("New@X.com", 2);
    row.groups.insert("Sales");
    let changes = diff(&desired(vec![row]), &tenant(vec![]), &unguarded()).unwrap();
    assert_eq!(
        summary(&changes),
        ["User Create New@X.com", "Membership Add New@X.com -> Sales"]
    );
    assert_eq!(
        changes.changes[1].user(),
        Some(UserRef::Key(UserKey::new("new@x.com")))
    );
}

#[test]
fn two_phase_delete_waits_for_the_disable_to_age() {
    let day = 86_400_000;
    let mut recent = live_user("u1", "recent@x.com");
    recent.account_enabled = false;
    recent.disabled_since_ms = Some(95 * day);
    let mut old = live_user("u2", "old@x.com");
    old.account_enabled = false;
    old.disabled_since_ms = Some(60 * day);
    let live = tenant(vec![recent, old, live_user("u3", "active@x.com")]);
    let policy = Policy {
        deprovision: vsync_engine::Deprovision::DeleteAfterDisabledDays(30),
        now_ms: 100 * day,
        ..unguarded()
    };
    let changes = diff(&desired(vec![]), &live, &policy).unwrap();
    assert_eq!(
        summary(&changes),
        ["User Delete old@x.com", "User Disable active@x.com"]
    );
    assert_eq!(changes.skips[0].reason, SkipReason::AwaitingDelete);
    assert!(changes.changes.iter().all(|c| c.action() != Action::Create));
}
