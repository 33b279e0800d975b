//! `desired_from_live` round trips.

use vsync_engine::{Policy, desired_from_live, diff};
use vsync_model::{PermissionId, ProfileId, UserGroupId};

use crate::support::*;

#[test]
fn exported_tenant_diffs_to_nothing() {
    let mut jane = live_user("u1", "jane@x.com");
    jane.display_name = Some("Jane".into());
    jane.employee_id = Some("0042".into());
    jane.groups
        .extend([UserGroupId::new("g1"), UserGroupId::new("g3")]);
    jane.permissions.insert(PermissionId::new("p2"));
    jane.profiles.insert(ProfileId::new("pr1"));
    let mut off = live_user("u2", "off@x.com");
    off.account_enabled = false;
    let mut live = tenant(vec![jane, off]);
    live.groups[0].description = Some("Sales team".into());
    live.groups[1].permissions.insert(PermissionId::new("p1"));
    let exported = desired_from_live(&live);
    for policy in [
        Policy::default(),
        Policy {
            manage_groups: true,
            ..Policy::default()
        },
    ] {
        let changes = diff(&exported, &live, &policy).unwrap();
        assert!(changes.is_empty(), "{:?}", summary(&changes));
    }
}
