//! Permissions and profiles.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestSim, within};

#[tokio::test]
async fn permission_catalog_with_and_without_details() {
    within(async {
        let t = TestSim::default().await;
        let v = t.get("/v1/admin/permissions").await.expect(200);
        let perms = v["permissions"].as_array().unwrap();
        assert_eq!(perms.len(), 15);
        assert!(perms[0].get("dataSecurityProfiles").is_none());
        let d = t
            .get("/v1/admin/permissions?includeDetails=true")
            .await
            .expect(200);
        assert!(d["permissions"][0]["dataSecurityProfiles"].is_array());
        t.get("/v1/admin/permissions?includeDetails=maybe")
            .await
            .expect_error(400);
    })
    .await;
}

#[tokio::test]
async fn create_and_update_permissions_with_correlation_ids() {
    within(async {
        let t = TestSim::default().await;
        let existing = t.permission_id("Analyst");
        let body = json!({"permissions": [
            {"displayName": "Contractor Access", "description": "New", "correlationId": "perm-1"},
            {"permissionId": existing, "displayName": "Analyst", "description": "Changed"},
            {"permissionId": "nope", "displayName": "Ghost"},
            {"description": "no name"},
        ]});
        let v = t
            .call(Method::POST, "/v1/admin/permissions", body)
            .await
            .expect(200);
        assert_eq!(v["successes"].as_array().unwrap().len(), 2);
        assert_eq!(v["successes"][0]["correlationId"], "perm-1");
        assert_eq!(v["failures"].as_array().unwrap().len(), 2);
        assert!(v["failures"][0]["error"]["rci"].is_string());
        let by = t
            .get("/v1/admin/permissions?correlationIds=perm-1")
            .await
            .expect(200);
        assert_eq!(by["permissions"][0]["displayName"], "Contractor Access");
        assert_eq!(
            t.sim
                .snapshot()
                .permission_by_name("Analyst")
                .unwrap()
                .description
                .as_deref(),
            Some("Changed")
        );
    })
    .await;
}

#[tokio::test]
async fn assign_and_remove_permissions_from_users_and_list_holders() {
    within(async {
        let t = TestSim::default().await;
        let p = t.permission_id("Payroll Auditor");
        let (u1, _) = t.some_user(0);
        let (u2, _) = t.some_user(1);
        let v = t
            .call(
                Method::PUT,
                "/v1/admin/permissions/users",
                json!({"permissions": [{"permissionId": p, "userIds": [u1, u2]}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["tenants"][0]["status"], "Succeed");
        assert_eq!(
            v["tenants"][0]["permissions"][0]["users"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let holders = t
            .get(&format!("/v1/admin/permissions/{p}/users"))
            .await
            .expect(200);
        let users = holders["tenants"][0]["users"].as_array().unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0]["permissionFrom"], "User");
        // Through a group as well.
        let g = t.group_id("Data Stewards");
        t.call(
            Method::PUT,
            "/v1/admin/user-groups/permissions",
            json!({"userGroups": [{"userGroupId": g, "permissionsIds": [p]}]}),
        )
        .await
        .expect(200);
        t.call(
            Method::PUT,
            "/v1/admin/user-groups/users",
            json!({"userGroups": [{"userGroupId": g, "userIds": [u1]}]}),
        )
        .await
        .expect(200);
        let via = t
            .get(&format!(
                "/v1/admin/permissions/{p}/users?includeUserGroups=true"
            ))
            .await
            .expect(200);
        let from: Vec<&str> = via["tenants"][0]["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["userId"] == u1.as_str())
            .map(|u| u["permissionFrom"].as_str().unwrap())
            .collect();
        assert_eq!(from, ["UserAndUserGroup"]);
        t.get(&format!("/v1/admin/permissions/{p}/users?limit=101"))
            .await
            .expect_error(400);
        t.get("/v1/admin/permissions/nope/users")
            .await
            .expect_error(404);
        let v = t
            .call(
                Method::DELETE,
                "/v1/admin/permissions/users",
                json!({"permissions": [{"permissionId": p, "userIds": [u1, "ghost"]}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["tenants"][0]["status"], "Failed");
        let direct = t
            .get(&format!("/v1/admin/permissions/{p}/users"))
            .await
            .expect(200);
        assert_eq!(direct["tenants"][0]["users"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn profiles_list_detail_assign_remove() {
    within(async {
        let t = TestSim::default().await;
        let v = t.get("/v1/admin/profiles").await.expect(200);
        assert_eq!(v["profiles"].as_array().unwrap().len(), 6);
        let power = t.profile_id("Power User");
        let d = t.get(&format!("/v1/admin/profiles/{power}")).await.expect(200);
        assert_eq!(d["displayName"], "Power User");
        t.get("/v1/admin/profiles/nope").await.expect_error(404);
        let (u, _) = t.some_user(0);
        let body = json!({"targetUserIds": [u, "ghost"], "validityStartTime": "1700000000000", "validityEndTime": "1900000000000"});
        let a = t.call(Method::PUT, &format!("/v1/admin/profiles/{power}/assign"), body).await.expect(200);
        assert_eq!(a["errors"], true);
        assert_eq!(a["successfulAssignments"][0]["userId"], u.as_str());
        assert_eq!(a["badUserIds"][0]["userId"], "ghost");
        let mine = t.get(&format!("/v1/admin/users/{u}/profiles")).await.expect(200);
        let p = mine["assignedProfiles"].as_array().unwrap().iter().find(|p| p["profileId"] == power.as_str()).unwrap().clone();
        assert_eq!(p["validityEndTime"], "1900000000000");
        t.call(Method::PUT, &format!("/v1/admin/profiles/{power}/assign"), json!({"targetUserIds": [u], "validityStartTime": "tomorrow"})).await.expect_error(400);
        let r = t.call(Method::DELETE, &format!("/v1/admin/profiles/{power}/remove"), json!({"targetUserIds": [u, "ghost"]})).await.expect(200);
        assert_eq!(r["succeeded"][0]["userId"], u.as_str());
        assert_eq!(r["failed"][0]["userId"], "ghost");
        t.call(Method::PUT, "/v1/admin/profiles/nope/assign", json!({"targetUserIds": [u]})).await.expect_error(404);
    })
    .await;
}
