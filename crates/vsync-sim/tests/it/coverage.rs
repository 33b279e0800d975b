//! Every operation of the spec is served: one call each, all 2xx, every
//! JSON answer valid against its schema.

use reqwest::Method;
use serde_json::{Value, json};
use vsync_sim::Operation;

use crate::harness::{TestSim, within};

#[tokio::test]
#[expect(
    clippy::match_same_arms,
    reason = "one arm per operation reads as a checklist of the spec"
)]
async fn every_operation_of_the_spec_answers_2xx() {
    within(async {
        let t = TestSim::default().await;
        t.sim.reset_counters();
        for &op in Operation::ALL {
            t.sim.expect(op).times(1);
        }
        let (user, _) = t.some_user(0);
        let group = t.group_id("Executives");
        let doomed = t.group_id("Recruiting Team");
        let perm = t.permission_id("Analyst");
        let profile = t.profile_id("Viewer");
        let created = t.sim.snapshot().users.len();
        let to_publish = t.sim.create_project("WFF_sim", "Coverage publish").unwrap();
        let to_delete = t.sim.create_project("WFF_sim", "Coverage delete").unwrap();
        let mut doomed_user = String::new();
        for &op in Operation::ALL {
            let (path, body): (String, Option<Value>) = match op {
                Operation::ListPermissions => ("/v1/admin/permissions".into(), None),
                Operation::CreatePermissions => ("/v1/admin/permissions".into(), Some(json!({"permissions": [{"displayName": "Coverage"}]}))),
                Operation::AssignPermissionsToUsers => ("/v1/admin/permissions/users".into(), Some(json!({"permissions": [{"permissionId": perm, "userIds": [user]}]}))),
                Operation::RemovePermissionsFromUsers => ("/v1/admin/permissions/users".into(), Some(json!({"permissions": [{"permissionId": perm, "userIds": [user]}]}))),
                Operation::ListPermissionUsers => (format!("/v1/admin/permissions/{perm}/users"), None),
                Operation::ListProfiles => ("/v1/admin/profiles".into(), None),
                Operation::GetProfile => (format!("/v1/admin/profiles/{profile}"), None),
                Operation::AssignProfile => (format!("/v1/admin/profiles/{profile}/assign"), Some(json!({"targetUserIds": [user]}))),
                Operation::RemoveProfile => (format!("/v1/admin/profiles/{profile}/remove"), Some(json!({"targetUserIds": [user]}))),
                Operation::ListUserGroupsV1 => ("/v1/admin/user-groups".into(), None),
                Operation::AssignPermissionsToUserGroups => ("/v1/admin/user-groups/permissions".into(), Some(json!({"userGroups": [{"userGroupId": group, "permissionsIds": [perm]}]}))),
                Operation::RemovePermissionsFromUserGroups => ("/v1/admin/user-groups/permissions".into(), Some(json!({"userGroups": [{"userGroupId": group, "permissionsIds": [perm]}]}))),
                Operation::AddUsersToUserGroups => ("/v1/admin/user-groups/users".into(), Some(json!({"userGroups": [{"userGroupId": group, "userIds": [user]}]}))),
                Operation::RemoveUsersFromUserGroups => ("/v1/admin/user-groups/users".into(), Some(json!({"userGroups": [{"userGroupId": group, "userIds": [user]}]}))),
                Operation::ListUserGroupUsers => (format!("/v1/admin/user-groups/{group}/users"), None),
                Operation::ListUsers => ("/v1/admin/users?assignedProfiles=true&assignedPermissions=true&assignedUserGroups=true".into(), None),
                Operation::AddUser => ("/v1/admin/users".into(), Some(json!({"username": "coverage@jupiter.example", "accountEnabled": "true"}))),
                Operation::GetUser => (format!("/v1/admin/users/{user}?assignedProfiles=true&assignedPermissions=true&assignedUserGroups=true"), None),
                Operation::UpdateUser => (format!("/v1/admin/users/{user}"), Some(json!({"displayName": "Covered"}))),
                Operation::DeleteUser => {
                    doomed_user = t.sim.snapshot().users[created].user_id.clone();
                    (format!("/v1/admin/users/{doomed_user}"), None)
                }
                Operation::GetUserProfiles => (format!("/v1/admin/users/{user}/profiles"), None),
                Operation::ListUserGroupsV2 => ("/v2/admin/user-groups?with=details".into(), None),
                Operation::PutUserGroups => ("/v2/admin/user-groups".into(), Some(json!({"userGroups": [{"userGroupId": group, "displayName": "Executives"}]}))),
                Operation::CreateUserGroups => ("/v2/admin/user-groups".into(), Some(json!({"userGroups": [{"displayName": "Coverage Group", "correlationId": "cov-1"}]}))),
                Operation::DeleteUserGroups => ("/v2/admin/user-groups".into(), Some(json!({"userGroups": [{"userGroupId": doomed}]}))),
                Operation::PatchUserGroups => ("/v2/admin/user-groups".into(), Some(json!({"userGroups": [{"userGroupId": group, "description": "patched"}]}))),
                Operation::RevertUserGroups => ("/v2/admin/user-groups/revert-to-parent".into(), Some(json!({"userGroups": [{"userGroupId": group}]}))),
                Operation::GetUserGroup => (format!("/v2/admin/user-groups/{group}"), None),
                Operation::DeleteUserGroup => (format!("/v2/admin/user-groups/{group}"), None),
                Operation::UpdateUsers => ("/v2/admin/users".into(), Some(json!({"users": [{"userId": user, "displayName": "Bulk"}]}))),
                Operation::AddUsers => ("/v2/admin/users".into(), Some(json!({"users": [{"username": "bulk.coverage@jupiter.example"}]}))),
                Operation::DeleteUsers => ("/v2/admin/users".into(), Some(json!({"userIds": ["nobody"]}))),
                Operation::UpsertUser => ("/v3/admin/users/upsert.coverage@jupiter.example".into(), Some(json!({"displayName": "Upsert"}))),
                Operation::ApplicationLogsReport => ("/v1/admin/users/reports/application-logs".into(), None),
                Operation::DataSecurityReport => (format!("/v1/admin/users/{user}/reports/data-security"), None),
                Operation::ProfileAssignmentsReport => ("/v1/admin/users/reports/profile-assignments".into(), None),
                Operation::PermissionAssignmentsReport => ("/v1/admin/users/reports/permission-assignments".into(), None),
                Operation::PermissionsListReport => ("/v1/admin/users/reports/permissions-list".into(), None),
                Operation::ListProjects => ("/v1/admin/projects?with=Open&with=Archived".into(), None),
                Operation::CreateProject => ("/v1/admin/projects".into(), Some(json!({"name": "Coverage", "description": "d", "ticketNumber": "T-1"}))),
                Operation::GetProject => (format!("/v1/admin/projects/{to_publish}"), None),
                Operation::RunProjectOperation => (format!("/v1/admin/projects/{to_publish}"), Some(json!({"operation": "commitAndPublish"}))),
                Operation::DeleteProject => (format!("/v1/admin/projects/{to_delete}"), None),
                Operation::ListProductionVersions => ("/v1/admin/production-versions?limit=5".into(), None),
                Operation::ListTenants => ("/v2/admin/tenants?limit=10".into(), None),
                Operation::OAuth2Token => {
                    let r = t
                        .send(t.http.post(t.url("/v1/auth/oauth2/token")).header("apikey", "dev-apikey").basic_auth("vsync-demo", Some("vsync-demo-secret")).form(&[("grant_type", "password"), ("client_id", "vsync-demo"), ("scope", "read"), ("username", "admin"), ("password", "admin")]))
                        .await;
                    r.expect(200);
                    continue;
                }
                Operation::AsidToken => {
                    let r = t.send(t.http.post(t.url("/v1/admin/visierSecureToken")).form(&[("username", "admin"), ("password", "admin")])).await;
                    assert_eq!(r.status, 200);
                    continue;
                }
                other => panic!("add {other} to this test"),
            };
            let method = Method::from_bytes(op.method().as_bytes()).unwrap();
            let resp = match body {
                Some(b) => t.call(method, &path, b).await,
                None => t.send(t.req(method, &path)).await,
            };
            assert!((200..300).contains(&resp.status), "{op}: {} {}", resp.status, String::from_utf8_lossy(&resp.body));
            if op.is_xlsx_report() {
                assert_eq!(resp.header("content-type"), Some("application/vnd.ms-excel"), "{op}");
            } else {
                resp.json();
            }
            if op == Operation::AddUser {
                assert_eq!(resp.status, 201);
            }
        }
        assert!(!doomed_user.is_empty());
        t.sim.verify();
    })
    .await;
}
