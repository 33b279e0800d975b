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

/// Regression test: employee A's row took employee B's username (B's row gone), and the sync
/// overwrote B's account with A's identity and disabled A. A row whose username is one live
/// user and whose employee ID is another is a problem naming both, and nothing is planned.
#[test]
fn a_row_joining_two_people_is_refused_naming_both() {
    let mut ann = live_user("u1", "ann@x.com");
    ann.employee_id = Some("E1".into());
    let mut bob = live_user("u2", "bob@x.com");
    bob.employee_id = Some("E2".into());
    let live = tenant(vec![ann, bob]);
    let mut row = desired_user("bob@x.com", 2);
    row.employee_id = Some("E1".into());
    row.display_name = Some("Ann".into());
    let err = diff(&desired(vec![row]), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction);
    let text = err.to_string();
    for part in [
        "\"bob@x.com\" (employeeId \"E2\")",
        "\"ann@x.com\" (employeeId \"E1\")",
        "users.csv, row 2",
        "Fix the file",
        "username in Visier first",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }

    // The same user keeping its employee ID, or taking a new one nobody holds, is fine.
    let mut row = desired_user("bob@x.com", 2);
    row.employee_id = Some("E9".into());
    let changes = diff(&desired(vec![row]), &live, &unguarded()).unwrap();
    assert_eq!(changes.changes.len(), 2, "{:?}", summary(&changes));
}

/// Regression test: an entry of a long-form sheet was reported at its user's Users row. Every
/// problem and every change an entry causes is placed at the entry's own row and column.
#[test]
fn long_sheet_entries_keep_their_own_rows() {
    use vsync_model::{Relation, RelationRow, SourceRef};
    let live = tenant(vec![live_user("u1", "ann@x.com")]);
    let mut row = desired_user("ann@x.com", 3);
    row.source = SourceRef::sheet("t.xlsx", "Users", 3);
    row.groups.insert("Sales");
    row.groups.insert("Salez");
    row.profiles.insert("Powr");
    let mut state = desired(vec![row]);
    let entry = |relation, item: &str, sheet: &str, at: u64| RelationRow {
        relation,
        owner: 0,
        item: item.into(),
        source: SourceRef::sheet("t.xlsx", sheet, at),
    };
    state.relation_rows = vec![
        entry(Relation::Membership, "Sales", "Memberships", 5),
        entry(Relation::Membership, "Salez", "Memberships", 6),
        entry(Relation::UserProfile, "Powr", "UserProfiles", 2),
    ];
    let err = diff(&state, &live, &unguarded()).unwrap_err();
    let places: Vec<_> = err
        .problems()
        .iter()
        .map(|p| {
            (
                p.at().map(ToString::to_string),
                p.column().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (
                Some("t.xlsx, sheet Memberships, row 6".to_owned()),
                Some("userGroup".to_owned())
            ),
            (
                Some("t.xlsx, sheet UserProfiles, row 2".to_owned()),
                Some("profile".to_owned())
            ),
        ]
    );
    state.users[0].groups.remove("Salez");
    state.users[0].profiles.remove("Powr");
    let changes = diff(&state, &live, &unguarded()).unwrap();
    let add = changes
        .changes
        .iter()
        .find(|c| c.action() == Action::Add)
        .expect("the membership is added");
    assert_eq!(
        add.source.as_ref().map(ToString::to_string).as_deref(),
        Some("t.xlsx, sheet Memberships, row 5")
    );
}

/// Every row that names an unknown name is reported at its own row, not only the first, in
/// the input's order: the file is fixed in one go.
#[test]
fn every_row_naming_an_unknown_name_is_reported() {
    let live = tenant(vec![]);
    let rows: Vec<_> = (0..3)
        .map(|i| {
            let mut row = desired_user(&format!("u{i}@x.com"), i + 2);
            row.groups.insert("Sales Teem");
            row.profiles.insert("Nothing Like It");
            row
        })
        .collect();
    let err = diff(&desired(rows), &live, &unguarded()).unwrap_err();
    let rows: Vec<(String, u64)> = err
        .problems()
        .iter()
        .map(|p| (p.message(), p.at().map_or(0, |at| at.row)))
        .collect();
    let group = "unknown user group \"Sales Teem\" (did you mean \"Sales\"?)".to_owned();
    let profile = "unknown profile \"Nothing Like It\"".to_owned();
    assert_eq!(
        rows,
        [
            (group.clone(), 2),
            (profile.clone(), 2),
            (group.clone(), 3),
            (profile.clone(), 3),
            (group, 4),
            (profile, 4),
        ]
    );
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
