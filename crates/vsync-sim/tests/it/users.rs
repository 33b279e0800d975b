//! Users v1, v2 bulk, v3 upsert: validation, per-item failures, pagination.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};
use vsync_sim::{Operation, Sim};

use crate::harness::{TestSim, within};

fn usernames(v: &Value) -> Vec<String> {
    v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn empty_tenant_lists_no_users() {
    within(async {
        let t = TestSim::start(Sim::builder().empty().no_rate_limit()).await;
        let v = t.get("/v1/admin/users").await.expect(200);
        assert_eq!(v["users"], json!([]));
        assert_eq!(v["start"], 0);
        assert_eq!(v["limit"], 1000);
    })
    .await;
}

#[tokio::test]
async fn exactly_1000_users_fit_one_default_page() {
    within(async {
        // 999 generated users plus admin.
        let t = TestSim::start(Sim::builder().seed_users(999).no_rate_limit()).await;
        let first = t.get("/v1/admin/users").await.expect(200);
        assert_eq!(first["users"].as_array().unwrap().len(), 1000);
        let second = t.get("/v1/admin/users?start=1000").await.expect(200);
        assert_eq!(second["users"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn user_1001_is_on_the_second_page_in_creation_order() {
    within(async {
        let t = TestSim::start(Sim::builder().seed_users(1000).no_rate_limit()).await;
        let first = t
            .get("/v1/admin/users?limit=1000&start=0")
            .await
            .expect(200);
        let second = t
            .get("/v1/admin/users?limit=1000&start=1000")
            .await
            .expect(200);
        assert_eq!(first["users"].as_array().unwrap().len(), 1000);
        assert_eq!(second["users"].as_array().unwrap().len(), 1);
        let mut all = usernames(&first);
        all.extend(usernames(&second));
        let expected: Vec<String> = t
            .sim
            .snapshot()
            .users
            .iter()
            .map(|u| u.username.clone())
            .collect();
        assert_eq!(all, expected, "pages follow creation order");
        // Small pages walk the same order.
        let a = t.get("/v1/admin/users?limit=7&start=3").await.expect(200);
        assert_eq!(usernames(&a), expected[3..10]);
    })
    .await;
}

#[tokio::test]
async fn users_limit_over_1000_is_400() {
    within(async {
        let t = TestSim::default().await;
        t.get("/v1/admin/users?limit=1001").await.expect_error(400);
        t.get("/v1/admin/users?limit=abc").await.expect_error(400);
        t.get("/v1/admin/users?start=-1").await.expect_error(400);
    })
    .await;
}

#[tokio::test]
async fn list_with_assigned_profiles_permissions_and_groups() {
    within(async {
        let t = TestSim::default().await;
        let v = t
            .get("/v1/admin/users?assignedProfiles=true&assignedPermissions=true&assignedUserGroups=true&limit=5")
            .await
            .expect(200);
        let admin = &v["users"][0];
        assert_eq!(admin["username"], "admin");
        assert_eq!(admin["accountEnabled"], true, "a boolean in UserGetAPIResponseDTO");
        assert_eq!(admin["profiles"]["assignedProfiles"][0]["displayName"], "Administrator");
        assert_eq!(admin["permissions"]["assignedPermissions"][0]["displayName"], "Super Admin");
        let groups: Vec<&str> = admin["userGroups"]["assignedUserGroups"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap()).collect();
        assert!(groups.contains(&"All Employees"), "includeAllUsers groups count: {groups:?}");
        // Without the flags, none of the three.
        let plain = t.get("/v1/admin/users?limit=1").await.expect(200);
        assert!(plain["users"][0].get("profiles").is_none());
        assert!(plain["users"][0].get("userGroups").is_none());
    })
    .await;
}

#[tokio::test]
async fn get_user_and_unknown_user() {
    within(async {
        let t = TestSim::default().await;
        let (id, name) = t.some_user(0);
        let v = t
            .get(&format!("/v1/admin/users/{id}?assignedUserGroups=true"))
            .await
            .expect(200);
        assert_eq!(v["username"], name.as_str());
        assert!(v["userGroups"]["assignedUserGroups"].is_array());
        t.get("/v1/admin/users/no-such-user")
            .await
            .expect_error(404);
    })
    .await;
}

#[tokio::test]
async fn v1_add_answers_201_and_usernames_are_unique_case_insensitively() {
    within(async {
        let t = TestSim::default().await;
        let body = json!({"username": "New.Person@jupiter.example", "displayName": "New Person", "employeeId": "X1", "accountEnabled": "false"});
        let v = t.call(Method::POST, "/v1/admin/users", body).await.expect(201);
        assert_eq!(v["accountEnabled"], "false", "a string in UserCreationAPIResponseDTO");
        let id = v["userId"].as_str().unwrap().to_owned();
        let dup = json!({"username": "new.person@JUPITER.example"});
        t.call(Method::POST, "/v1/admin/users", dup).await.expect_error(409);
        t.call(Method::POST, "/v1/admin/users", json!({"displayName": "No Name"})).await.expect_error(400);
        t.call(Method::POST, "/v1/admin/users", json!({"username": "x@y.example", "email": "not-an-email"})).await.expect_error(400);
        t.call(Method::POST, "/v1/admin/users", json!({"username": "x@y.example", "accountEnabled": true})).await.expect_error(400);
        let got = t.get(&format!("/v1/admin/users/{id}")).await.expect(200);
        assert_eq!(got["accountEnabled"], false);
    })
    .await;
}

#[tokio::test]
async fn v1_update_and_delete() {
    within(async {
        let t = TestSim::default().await;
        let (id, _) = t.some_user(1);
        let v = t
            .call(
                Method::PUT,
                &format!("/v1/admin/users/{id}"),
                json!({"displayName": "Renamed", "accountEnabled": "false"}),
            )
            .await
            .expect(200);
        assert_eq!(v["displayName"], "Renamed");
        assert_eq!(v["accountEnabled"], "false");
        let (_, other) = t.some_user(2);
        t.call(
            Method::PUT,
            &format!("/v1/admin/users/{id}"),
            json!({"username": other.to_uppercase()}),
        )
        .await
        .expect_error(409);
        t.call(
            Method::PUT,
            "/v1/admin/users/nope",
            json!({"displayName": "x"}),
        )
        .await
        .expect_error(404);
        let del = t
            .send(t.req(Method::DELETE, &format!("/v1/admin/users/{id}")))
            .await;
        assert_eq!(del.expect(200), json!({}));
        t.send(t.req(Method::DELETE, &format!("/v1/admin/users/{id}")))
            .await
            .expect_error(404);
        assert!(t.sim.snapshot().users.iter().all(|u| u.user_id != id));
    })
    .await;
}

#[tokio::test]
async fn v2_bulk_add_reports_per_item_failures_while_others_succeed() {
    within(async {
        let t = TestSim::default().await;
        t.sim.expect(Operation::AddUsers).times(1);
        let (_, existing) = t.some_user(0);
        let body = json!({"users": [
            {"username": "ok.one@jupiter.example", "displayName": "Ok One", "accountEnabled": "true"},
            {"username": existing.to_uppercase(), "displayName": "Dup"},
            {"username": "bad.email@jupiter.example", "email": "bad email"},
            {"displayName": "Missing Username"},
            {"username": "ok.two@jupiter.example"},
            {"username": "OK.ONE@jupiter.example", "displayName": "Dup In Batch"},
        ]});
        let v = t.call(Method::POST, "/v2/admin/users", body).await.expect(200);
        let ok: Vec<&str> = v["successes"].as_array().unwrap().iter().map(|s| s["username"].as_str().unwrap()).collect();
        assert_eq!(ok, ["ok.one@jupiter.example", "ok.two@jupiter.example"]);
        assert_eq!(v["successes"][0]["accountEnabled"], "true");
        let failures = v["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 4);
        assert_eq!(failures[0]["userName"], existing.to_uppercase().as_str(), "bulk failures use userName");
        let rcis: HashSet<&str> = failures.iter().map(|f| f["error"]["rci"].as_str().unwrap()).collect();
        assert_eq!(rcis.len(), 4, "a fresh rci per failure");
        for f in failures {
            assert!(f["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    })
    .await;
}

#[tokio::test]
async fn v2_bulk_calls_over_100_users_are_400() {
    within(async {
        let t = TestSim::default().await;
        let users: Vec<Value> = (0..101)
            .map(|i| json!({"username": format!("u{i}@jupiter.example")}))
            .collect();
        t.call(Method::POST, "/v2/admin/users", json!({"users": users}))
            .await
            .expect_error(400);
        let updates: Vec<Value> = (0..101)
            .map(|i| json!({"userId": format!("id{i}")}))
            .collect();
        t.call(Method::PUT, "/v2/admin/users", json!({"users": updates}))
            .await
            .expect_error(400);
        let ids: Vec<String> = (0..101).map(|i| format!("id{i}")).collect();
        t.call(Method::DELETE, "/v2/admin/users", json!({"userIds": ids}))
            .await
            .expect_error(400);
        // Exactly 100 is fine.
        let users: Vec<Value> = (0..100)
            .map(|i| json!({"username": format!("u{i}@jupiter.example")}))
            .collect();
        let v = t
            .call(Method::POST, "/v2/admin/users", json!({"users": users}))
            .await
            .expect(200);
        assert_eq!(v["successes"].as_array().unwrap().len(), 100);
        // A body that is not the DTO is a 400 naming the field.
        let bad = t
            .call(Method::POST, "/v2/admin/users", json!({"users": "nope"}))
            .await
            .expect_error(400);
        assert!(bad["message"].as_str().unwrap().contains("users"), "{bad}");
    })
    .await;
}

#[tokio::test]
async fn v2_bulk_update_and_delete_with_unknown_ids() {
    within(async {
        let t = TestSim::default().await;
        let (a, _) = t.some_user(0);
        let (b, b_name) = t.some_user(1);
        let body = json!({"users": [
            {"userId": a, "displayName": "Updated A", "accountEnabled": "false", "username": "renamed.a@jupiter.example"},
            {"userId": "unknown-id", "displayName": "Ghost"},
            {"userId": b, "username": "renamed.a@JUPITER.example"},
            {"displayName": "No Id"},
        ]});
        let v = t.call(Method::PUT, "/v2/admin/users", body).await.expect(200);
        assert_eq!(v["successes"].as_array().unwrap().len(), 1);
        assert_eq!(v["successes"][0]["username"], "renamed.a@jupiter.example");
        assert_eq!(v["successes"][0]["accountEnabled"], "false");
        let failures = v["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 3);
        assert_eq!(failures[0]["userId"], "unknown-id");
        assert_eq!(failures[1]["userId"], b.as_str());
        let snap = t.sim.snapshot();
        assert_eq!(snap.users.iter().find(|u| u.user_id == b).unwrap().username, b_name);

        let del = t.call(Method::DELETE, "/v2/admin/users", json!({"userIds": [a, "unknown-id"]})).await.expect(200);
        assert_eq!(del["successes"][0]["userId"], a.as_str());
        assert_eq!(del["failures"][0]["userId"], "unknown-id");
        assert!(t.sim.snapshot().users.iter().all(|u| u.user_id != a));
    })
    .await;
}

#[tokio::test]
async fn rejected_usernames_fail_deterministically_with_an_rci() {
    within(async {
        let t = TestSim::start(
            Sim::builder()
                .no_rate_limit()
                .reject_username("*@blocked.example", "domain is not allowed in this tenant"),
        )
        .await;
        let v = t
            .call(
                Method::POST,
                "/v2/admin/users",
                json!({"users": [{"username": "a@blocked.example"}, {"username": "b@ok.example"}]}),
            )
            .await
            .expect(200);
        assert_eq!(
            v["failures"][0]["error"]["message"],
            "domain is not allowed in this tenant"
        );
        assert_eq!(v["successes"][0]["username"], "b@ok.example");
    })
    .await;
}

#[tokio::test]
async fn v3_upsert_creates_then_replaces_the_whole_definition() {
    within(async {
        let t = TestSim::default().await;
        let hr = t.group_id("HR Team");
        let fin = t.group_id("Finance Analysts");
        let analyst = t.permission_id("Analyst");
        let viewer = t.profile_id("Viewer");
        let body = json!({
            "displayName": "Vera Upsert", "employeeId": "E9", "accountEnabled": "true", "email": "vera@jupiter.example",
            "userGroupIds": [hr, fin], "permissionIds": [analyst],
            "profileAssignments": [{"profileId": viewer, "validityStartTime": "1700000000000"}],
        });
        let v = t.call(Method::PUT, "/v3/admin/users/vera@jupiter.example", body).await.expect(200);
        assert_eq!(v["accountEnabled"], "true");
        assert_eq!(v["userGroupIds"].as_array().unwrap().len(), 2);
        assert_eq!(v["permissionIds"], json!([analyst]));
        assert_eq!(v["profileIds"], json!([viewer]));
        let id = v["userId"].as_str().unwrap().to_owned();

        // Omitted values are removed.
        let v = t
            .call(Method::PUT, "/v3/admin/users/VERA@jupiter.example", json!({"displayName": "Vera", "userGroupIds": [hr]}))
            .await
            .expect(200);
        assert_eq!(v["userId"], id.as_str(), "same user, matched case-insensitively");
        assert_eq!(v["userGroupIds"], json!([hr]));
        assert_eq!(v["permissionIds"], json!([]));
        assert_eq!(v["profileIds"], json!([]));
        let snap = t.sim.snapshot();
        let u = snap.users.iter().find(|u| u.user_id == id).unwrap();
        assert_eq!(u.employee_id, None);
        assert!(!snap.group_by_name("Finance Analysts").unwrap().manually_included_ids.contains(&id));

        t.call(Method::PUT, "/v3/admin/users/vera@jupiter.example", json!({"userGroupIds": ["nope"]})).await.expect_error(400);
        assert_eq!(t.sim.production_versions(), 2, "each direct upsert publishes a version");
    })
    .await;
}

#[tokio::test]
async fn a_users_profiles() {
    within(async {
        let t = TestSim::default().await;
        let admin = t.user_id("admin");
        let v = t
            .get(&format!("/v1/admin/users/{admin}/profiles"))
            .await
            .expect(200);
        assert_eq!(v["assignedProfiles"][0]["displayName"], "Administrator");
        t.get("/v1/admin/users/nope/profiles")
            .await
            .expect_error(404);
    })
    .await;
}
