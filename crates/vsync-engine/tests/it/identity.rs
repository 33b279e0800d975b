//! The identity check tried as an adversary would: every row that could join two people, or
//! give one employee a second account, is refused before anything is planned; rows that only
//! rename or re-number one person converge.

use vsync_engine::{ChangeKind, ErrorKind, diff};
use vsync_model::LiveState;

use crate::support::*;

/// Ann (`E1`) and Bob (`E2`), both enabled.
fn ann_and_bob() -> LiveState {
    let mut ann = live_user("u1", "ann@x.com");
    ann.employee_id = Some("E1".into());
    let mut bob = live_user("u2", "bob@x.com");
    bob.employee_id = Some("E2".into());
    tenant(vec![ann, bob])
}

fn row(username: &str, employee: Option<&str>, row: u64) -> vsync_model::DesiredUser {
    let mut user = desired_user(username, row);
    user.employee_id = employee.map(Into::into);
    user
}

/// A row with a new username and the employee ID of a live user that another row keeps under
/// its own username (without an employee ID) would give that employee a second account. It is
/// refused, naming the row, the live user and the row that keeps it.
#[test]
fn a_new_username_with_the_employee_id_of_a_user_another_row_keeps_is_refused() {
    let live = ann_and_bob();
    for employee_of_first in [None, Some("E1")] {
        let rows = vec![
            row("ann@x.com", employee_of_first, 2),
            row("bob@x.com", Some("E2"), 3),
            row("ann.new@x.com", Some("E1"), 4),
        ];
        let err = diff(&desired(rows), &live, &unguarded()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Contradiction, "{err}");
        let text = err.to_string();
        for part in [
            "users.csv, row 4",
            "is the live user \"ann@x.com\", which the row at users.csv, row 2 keeps;",
            "would give one employee two accounts",
            "change the username in the row at users.csv, row 2 instead of adding a row",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
    }
}

/// The same with the rows the other way round: the new username comes first.
#[test]
fn the_second_account_is_refused_whatever_the_row_order() {
    let live = ann_and_bob();
    let rows = vec![
        row("ann.new@x.com", Some("E1"), 2),
        row("ann@x.com", None, 3),
        row("bob@x.com", Some("E2"), 4),
    ];
    let err = diff(&desired(rows), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction, "{err}");
    assert!(err.to_string().contains("users.csv, row 2"), "{err}");
}

/// A recycled username: Ann is renamed to `ann.new` and her old username goes to a new hire
/// with another employee ID. Matched by username, Ann's account would go to the new hire and
/// Ann would get a new one: refused, with the way out; the rename alone, then the new hire,
/// converge.
#[test]
fn a_recycled_username_is_refused_and_done_in_two_steps_converges() {
    let live = ann_and_bob();
    let recycled = vec![
        row("ann@x.com", Some("E9"), 2),
        row("bob@x.com", Some("E2"), 3),
        row("ann.new@x.com", Some("E1"), 4),
    ];
    let err = diff(&desired(recycled.clone()), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction, "{err}");
    let text = err.to_string();
    for part in [
        "(giving it employeeId \"E9\")",
        "sync the rename first (without the row at users.csv, row 2)",
        "users.csv, row 4",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }

    // Step one: the rename alone.
    let step = vec![recycled[1].clone(), recycled[2].clone()];
    let changes = diff(&desired(step.clone()), &live, &unguarded()).unwrap();
    assert_eq!(summary(&changes), ["User Rename ann.new@x.com"]);
    let after = apply_users(&live, &changes);
    // Step two: the new hire takes the freed username.
    let changes = diff(&desired(recycled), &after, &unguarded()).unwrap();
    assert_eq!(summary(&changes), ["User Create ann@x.com"]);
}

/// `live` with the user changes of `changes` made (creates, updates), as the tenant would.
fn apply_users(live: &LiveState, changes: &vsync_engine::ChangeSet) -> LiveState {
    let mut after = live.clone();
    for change in &changes.changes {
        match &change.kind {
            ChangeKind::UpdateUser { user, fields } => {
                let live = after.users.iter_mut().find(|u| &u.id == user).unwrap();
                if let Some(edit) = &fields.username {
                    live.username.clone_from(&edit.after);
                }
                if let Some(edit) = &fields.employee_id {
                    live.employee_id = Some(edit.after.clone());
                }
            }
            ChangeKind::CreateUser { fields, .. } => {
                let mut user = live_user("new", &fields.username.as_ref().unwrap().after);
                user.employee_id = fields.employee_id.as_ref().map(|e| e.after.clone());
                after.users.push(user);
            }
            other => panic!("not a user change: {other:?}"),
        }
    }
    after
}

/// Two new usernames with one live user's employee ID would both rename it: refused.
#[test]
fn two_rows_renaming_one_user_are_refused() {
    let live = ann_and_bob();
    let rows = vec![
        row("ann.a@x.com", Some("E1"), 2),
        row("ann.b@x.com", Some("E1"), 3),
        row("bob@x.com", Some("E2"), 4),
    ];
    let err = diff(&desired(rows), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("both would rename \"ann@x.com\"") && text.contains("row 3"),
        "{text}"
    );
}

/// Two rows keeping two live users under their usernames but giving both one employee ID:
/// the second joins Bob with Ann's ID. Refused.
#[test]
fn two_kept_users_given_one_employee_id_are_refused() {
    let live = ann_and_bob();
    let rows = vec![
        row("ann@x.com", Some("E1"), 2),
        row("bob@x.com", Some("E1"), 3),
    ];
    let err = diff(&desired(rows), &live, &unguarded()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Contradiction, "{err}");
    assert!(err.to_string().contains("users.csv, row 3"), "{err}");
}

/// A rename chain in one file (Ann takes Bob's username, Bob a new one) cannot be applied in
/// one pass without a moment where two users hold one username: refused, both rows kept.
/// A swap of two usernames is the same. Renamed one at a time, each converges.
#[test]
fn a_rename_chain_or_swap_is_refused_and_each_step_alone_converges() {
    let live = ann_and_bob();
    for rows in [
        vec![
            row("bob@x.com", Some("E1"), 2),
            row("carol@x.com", Some("E2"), 3),
        ],
        vec![
            row("carol@x.com", Some("E2"), 2),
            row("bob@x.com", Some("E1"), 3),
        ],
        vec![
            row("bob@x.com", Some("E1"), 2),
            row("ann@x.com", Some("E2"), 3),
        ],
    ] {
        let err = diff(&desired(rows.clone()), &live, &unguarded()).unwrap_err();
        assert!(
            err.problems()
                .iter()
                .all(|p| p.kind() == ErrorKind::Contradiction),
            "{rows:?}: {err}"
        );
        assert!(
            err.problems()
                .iter()
                .any(|p| p.to_string().contains("joins two people")),
            "{rows:?}: {err}"
        );
    }

    // The chain's way out names the rename to do first.
    let rows = vec![
        row("bob@x.com", Some("E1"), 2),
        row("carol@x.com", Some("E2"), 3),
    ];
    let text = diff(&desired(rows), &live, &unguarded())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("\"bob@x.com\" is renamed to \"carol@x.com\" at users.csv, row 3: sync that rename first"),
        "{text}"
    );

    // Step one alone: Bob becomes carol, Ann stays.
    let rows = vec![
        row("ann@x.com", Some("E1"), 2),
        row("carol@x.com", Some("E2"), 3),
    ];
    let changes = diff(&desired(rows), &live, &unguarded()).unwrap();
    assert_eq!(summary(&changes), ["User Rename carol@x.com"]);
    let ChangeKind::UpdateUser { user, .. } = &changes.changes[0].kind else {
        panic!("{:?}", changes.changes[0]);
    };
    assert_eq!(user.as_str(), "u2", "Bob's account is the one renamed");
}

mod random {
    //! Random small tenants and files drawn from a few usernames and employee IDs, so that
    //! renames, chains, swaps, second accounts and recycled usernames all come up: whenever
    //! the diff accepts a file, the tenant after its plan holds every username and employee ID
    //! once, no live user takes another live user's employee ID, no new user is given one, and a
    //! second run finds nothing.

    use std::collections::HashSet;

    use proptest::prelude::*;
    use vsync_engine::sim_model::apply;
    use vsync_engine::{BatchLimits, diff, plan};
    use vsync_model::{LiveState, UserKey};

    use super::row;
    use crate::support::*;

    const NAMES: [&str; 6] = [
        "a@x.com", "b@x.com", "c@x.com", "d@x.com", "E@x.com", "f@x.com",
    ];
    const IDS: [&str; 5] = ["E1", "E2", "E3", "E4", "E5"];

    /// Up to four live users with distinct usernames and distinct employee IDs (or none).
    fn live() -> impl Strategy<Value = LiveState> {
        proptest::collection::vec((0..4usize, proptest::option::of(0..4usize)), 0..4).prop_map(
            |users| {
                let mut names = HashSet::new();
                let mut ids = HashSet::new();
                let users = users
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (name, _))| names.insert(*name))
                    .map(|(i, (name, id))| {
                        let mut user = live_user(&format!("u{i}"), NAMES[name]);
                        user.employee_id = id.filter(|id| ids.insert(*id)).map(|id| IDS[id].into());
                        user
                    })
                    .collect();
                tenant(users)
            },
        )
    }

    /// Up to four rows with distinct usernames and employee IDs (or none), as the reader
    /// guarantees.
    fn rows() -> impl Strategy<Value = Vec<(usize, Option<usize>)>> {
        proptest::collection::vec((0..NAMES.len(), proptest::option::of(0..IDS.len())), 0..5)
            .prop_map(|rows| {
                let mut names = HashSet::new();
                let mut ids = HashSet::new();
                rows.into_iter()
                    .filter(|(name, _)| names.insert(UserKey::new(NAMES[*name])))
                    .map(|(name, id)| (name, id.filter(|id| ids.insert(*id))))
                    .collect()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn an_accepted_file_never_merges_two_people_and_converges(live in live(), rows in rows()) {
            let desired = desired(
                rows.iter()
                    .enumerate()
                    .map(|(i, (name, id))| row(NAMES[*name], id.map(|id| IDS[id]), i as u64 + 2))
                    .collect(),
            );
            let Ok(changes) = diff(&desired, &live, &unguarded()) else {
                return Ok(());
            };
            let after = apply(&plan(&changes, &BatchLimits::default()), &live);

            let mut names = HashSet::new();
            let mut ids = HashSet::new();
            for user in &after.users {
                prop_assert!(names.insert(UserKey::new(&user.username)), "{:?} twice: {:?}", user.username, after.users);
                if let Some(id) = user.employee_id.as_deref().filter(|e| !e.is_empty()) {
                    prop_assert!(ids.insert(id.to_owned()), "employee ID {id} twice: {:?}", after.users);
                }
            }
            for user in &after.users {
                let Some(id) = user.employee_id.as_deref() else { continue };
                let before = live.users.iter().find(|u| u.id == user.id);
                let owner = live.users.iter().find(|u| u.employee_id.as_deref() == Some(id));
                match (before, owner) {
                    (Some(before), Some(owner)) => prop_assert_eq!(&before.id, &owner.id, "{:?} took {:?}'s employee ID", before.username, owner.username),
                    // A new account for a live user's employee: the old one was handed on.
                    (None, Some(owner)) => prop_assert!(false, "{:?} created with {:?}'s employee ID", user.username, owner.username),
                    _ => {}
                }
            }
            let again = diff(&desired, &after, &unguarded()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(again.is_empty(), "second run: {:?}", summary(&again));
        }
    }
}
