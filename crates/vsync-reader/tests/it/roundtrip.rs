//! `export -> read` gives back the state that was exported.

use proptest::prelude::*;
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, InputInfo, Managed, NameSet, SourceRef,
};
use vsync_reader::{ReadOptions, read, read_bytes, write_csv_dir, write_xlsx};

use crate::without_places;

/// Text as the reader leaves it: no surrounding white space, NFC, and awkward on purpose
/// (formula characters first, `;`, quotes, commas, newlines, a leading `'`). Only display
/// names and descriptions may hold line breaks; names with control characters are refused.
fn text() -> impl Strategy<Value = String> {
    multiline()
        .prop_map(|s| s.replace('\n', " "))
        .prop_filter("the reader trims", |s| s.trim() == s)
}

/// Text that may hold line breaks (display names, descriptions).
fn multiline() -> impl Strategy<Value = String> {
    let lead = prop_oneof![
        Just(String::new()),
        Just("=".to_owned()),
        Just("+".to_owned()),
        Just("-".to_owned()),
        Just("@".to_owned()),
        Just("'".to_owned()),
        Just("''".to_owned()),
        Just("'=".to_owned()),
    ];
    (
        lead,
        "[a-zA-Z0-9 ;,\"'=\u{e9}\u{e8}\n.-]{0,12}",
        "[a-zA-Z0-9\u{e9}]",
    )
        .prop_map(|(lead, mid, last)| format!("{lead}{mid}{last}"))
        .prop_filter("the reader trims", |s| s.trim() == s)
}

fn names() -> impl Strategy<Value = NameSet> {
    proptest::collection::btree_set(text(), 0..4).prop_map(|names| names.into_iter().collect())
}

fn user(i: usize) -> impl Strategy<Value = DesiredUser> {
    (
        text(),
        proptest::option::of(multiline()),
        proptest::option::of("[0-9]{1,6}|EMP-[0-9]{2}"),
        proptest::option::of(Just(format!("user{i}@example.com"))),
        proptest::option::of(any::<bool>()),
        (names(), names(), names()),
    )
        .prop_map(
            move |(
                name,
                display_name,
                employee_id,
                email,
                account_enabled,
                (groups, permissions, profiles),
            )| {
                DesiredUser {
                    username: format!("{name} {i}").into(),
                    display_name: display_name.map(Into::into),
                    employee_id: employee_id.map(|id| format!("{id}-{i}").into()),
                    email: email.map(Into::into),
                    account_enabled,
                    groups,
                    permissions,
                    profiles,
                    source: SourceRef::default(),
                }
            },
        )
}

fn state() -> impl Strategy<Value = DesiredState> {
    let users = (1..6usize).prop_flat_map(|n| (0..n).map(user).collect::<Vec<_>>());
    let groups = (0..4usize).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                (text(), proptest::option::of(multiline()), names()).prop_map(
                    move |(name, description, permissions)| DesiredGroup {
                        name: format!("{name} G{i}"),
                        description,
                        permissions,
                        source: SourceRef::default(),
                    },
                )
            })
            .collect::<Vec<_>>()
    });
    (users, groups, any::<[bool; 4]>()).prop_map(|(mut users, mut groups, [m, up, pr, gp])| {
        // A relation the file does not manage is not written, so it reads back empty.
        for u in &mut users {
            if !m {
                u.groups.clear();
            }
            if !up {
                u.permissions.clear();
            }
            if !pr {
                u.profiles.clear();
            }
        }
        if !gp {
            for g in &mut groups {
                g.permissions.clear();
            }
        }
        let managed = Managed {
            memberships: m,
            user_permissions: up,
            profiles: pr,
            group_permissions: gp,
        };
        DesiredState {
            users,
            groups,
            managed,
            input: InputInfo::default(),
            derived: Vec::new(),
            relation_rows: Vec::new(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_export_then_read_is_lossless(state in state()) {
        let mut bytes = Vec::new();
        write_xlsx(&state, &mut bytes).unwrap();
        let back = read_bytes("export.xlsx", &bytes, &ReadOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(without_places(back), without_places(state));
    }

    #[test]
    fn csv_export_then_read_is_lossless(state in state()) {
        let dir = tempfile::tempdir().unwrap();
        write_csv_dir(&state, dir.path()).unwrap();
        let back = read(&[dir.path()], &ReadOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(without_places(back), without_places(state));
    }
}
