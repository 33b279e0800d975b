//! User groups v1 and v2.

use reqwest::Method;
use serde_json::{Value, json};
use vsync_sim::Sim;

use crate::harness::{TestSim, within};

fn names(v: &Value) -> Vec<String> {
    v["userGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn v1_list_shows_groups_with_their_permissions() {
    within(async {
        let t = TestSim::default().await;
        let v = t.get("/v1/admin/user-groups").await.expect(200);
        assert_eq!(names(&v).len(), 8);
        let hr = v["userGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["displayName"] == "HR Team")
            .unwrap();
        assert_eq!(hr["permissions"].as_array().unwrap().len(), 2);
        let page = t
            .get("/v1/admin/user-groups?start=2&limit=3")
            .await
            .expect(200);
        assert_eq!(names(&page), names(&v)[2..5]);
        t.get("/v1/admin/user-groups?limit=1001")
            .await
            .expect_error(400);
    })
    .await;
}

#[tokio::test]
async fn v1_membership_add_remove_and_list() {
    within(async {
        let t = TestSim::default().await;
        let g = t.group_id("Data Stewards");
        let (u1, n1) = t.some_user(3);
        let (u2, _) = t.some_user(4);
        let body = json!({"userGroups": [{"userGroupId": g, "userIds": [u1, u2]}]});
        let v = t.call(Method::PUT, "/v1/admin/user-groups/users", body).await.expect(200);
        assert_eq!(v["tenants"][0]["status"], "Succeed");
        assert_eq!(v["tenants"][0]["assignments"][0]["users"].as_array().unwrap().len(), 2);
        let members = t.get(&format!("/v1/admin/user-groups/{g}/users?limit=100")).await.expect(200);
        let ids: Vec<&str> = members["tenants"][0]["users"].as_array().unwrap().iter().map(|u| u["userId"].as_str().unwrap()).collect();
        assert!(ids.contains(&u1.as_str()) && ids.contains(&u2.as_str()));
        // The user's groups show it.
        let user = t.get(&format!("/v1/admin/users/{u1}?assignedUserGroups=true")).await.expect(200);
        assert!(user["userGroups"]["assignedUserGroups"].as_array().unwrap().iter().any(|x| x["userGroupId"] == g.as_str()), "{n1}");
        let del = t.call(Method::DELETE, "/v1/admin/user-groups/users", json!({"userGroups": [{"userGroupId": g, "userIds": [u1]}]})).await.expect(200);
        assert_eq!(del["tenants"][0]["status"], "Succeed");
        let snap = t.sim.snapshot();
        let members = &snap.group_by_name("Data Stewards").unwrap().manually_included_ids;
        assert!(!members.contains(&u1) && members.contains(&u2));
        // Unknown ids make the tenant's status Failed, the rest still applies.
        let mixed = json!({"userGroups": [{"userGroupId": g, "userIds": ["ghost", u1]}, {"userGroupId": "nope", "userIds": [u2]}]});
        let v = t.call(Method::PUT, "/v1/admin/user-groups/users", mixed).await.expect(200);
        assert_eq!(v["tenants"][0]["status"], "Failed");
        assert!(v["tenants"][0]["message"].as_str().unwrap().contains("ghost"));
        assert!(t.sim.snapshot().group_by_name("Data Stewards").unwrap().manually_included_ids.contains(&u1));
    })
    .await;
}

#[tokio::test]
async fn v1_membership_over_100_user_ids_per_group_is_400() {
    within(async {
        let t = TestSim::start(Sim::builder().seed_users(150).no_rate_limit()).await;
        let g = t.group_id("Executives");
        let ids: Vec<String> = t
            .sim
            .snapshot()
            .users
            .iter()
            .take(101)
            .map(|u| u.user_id.clone())
            .collect();
        t.call(
            Method::PUT,
            "/v1/admin/user-groups/users",
            json!({"userGroups": [{"userGroupId": g, "userIds": ids}]}),
        )
        .await
        .expect_error(400);
        let ids100: Vec<String> = ids[..100].to_vec();
        t.call(
            Method::PUT,
            "/v1/admin/user-groups/users",
            json!({"userGroups": [{"userGroupId": g, "userIds": ids100}]}),
        )
        .await
        .expect(200);
        t.get(&format!("/v1/admin/user-groups/{g}/users?limit=101"))
            .await
            .expect_error(400);
        let p1 = t
            .get(&format!("/v1/admin/user-groups/{g}/users?limit=100"))
            .await
            .expect(200);
        assert_eq!(p1["tenants"][0]["users"].as_array().unwrap().len(), 100);
        t.get("/v1/admin/user-groups/nope/users")
            .await
            .expect_error(404);
    })
    .await;
}

#[tokio::test]
async fn v1_group_permissions_assign_and_revoke() {
    within(async {
        let t = TestSim::default().await;
        let g = t.group_id("Sales Leaders");
        let p = t.permission_id("Workforce Planning");
        let v = t
            .call(
                Method::PUT,
                "/v1/admin/user-groups/permissions",
                json!({"userGroups": [{"userGroupId": g, "permissionsIds": [p]}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["status"], "Succeed");
        assert_eq!(
            v["userGroups"][0]["permissions"][0]["permissionId"],
            p.as_str()
        );
        assert!(
            t.sim
                .snapshot()
                .group_by_name("Sales Leaders")
                .unwrap()
                .permission_ids
                .contains(&p)
        );
        let v = t
            .call(
                Method::DELETE,
                "/v1/admin/user-groups/permissions",
                json!({"userGroups": [{"userGroupId": g, "permissionsIds": [p, "nope"]}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["status"], "Failed");
        assert!(
            !t.sim
                .snapshot()
                .group_by_name("Sales Leaders")
                .unwrap()
                .permission_ids
                .contains(&p)
        );
    })
    .await;
}

#[tokio::test]
async fn v2_list_with_details_filters_and_pages() {
    within(async {
        let t = TestSim::default().await;
        let basic = t.get("/v2/admin/user-groups").await.expect(200);
        assert_eq!(names(&basic).len(), 8);
        assert!(basic["userGroups"][0].get("permissionIds").is_none());
        assert!(basic["userGroups"][0].get("users").is_none());
        let perms = t
            .get("/v2/admin/user-groups?with=permissions")
            .await
            .expect(200);
        assert!(perms["userGroups"][0]["permissionIds"]["ids"].is_array());
        assert!(perms["userGroups"][0].get("users").is_none());
        let users = t.get("/v2/admin/user-groups?with=users").await.expect(200);
        assert!(users["userGroups"][0]["users"]["manuallyIncludedIds"]["ids"].is_array());
        let all = t
            .get("/v2/admin/user-groups?with=details")
            .await
            .expect(200);
        let everyone = all["userGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["displayName"] == "All Employees")
            .unwrap();
        assert_eq!(everyone["users"]["includeAllUsers"], true);
        t.get("/v2/admin/user-groups?with=everything")
            .await
            .expect_error(400);
        let filtered = t
            .get("/v2/admin/user-groups?displayNameFilter=All%20*")
            .await
            .expect(200);
        assert_eq!(names(&filtered), ["All Managers", "All Employees"]);
        let none = t
            .get("/v2/admin/user-groups?displayNameFilter=all*")
            .await
            .expect(200);
        assert_eq!(names(&none).len(), 0, "the filter is case-sensitive");
        let page = t
            .get("/v2/admin/user-groups?start=6&limit=5")
            .await
            .expect(200);
        assert_eq!(names(&page).len(), 2);
        t.get("/v2/admin/user-groups?limit=1001")
            .await
            .expect_error(400);
    })
    .await;
}

#[tokio::test]
async fn v2_default_page_is_100_groups() {
    within(async {
        let t = TestSim::default().await;
        let defs: Vec<Value> = (0..95)
            .map(|i| json!({"displayName": format!("Team {i:03}")}))
            .collect();
        t.call(
            Method::POST,
            "/v2/admin/user-groups",
            json!({"userGroups": defs}),
        )
        .await
        .expect(200);
        let first = t.get("/v2/admin/user-groups").await.expect(200);
        assert_eq!(names(&first).len(), 100);
        let rest = t.get("/v2/admin/user-groups?start=100").await.expect(200);
        assert_eq!(names(&rest).len(), 3);
    })
    .await;
}

#[tokio::test]
async fn v2_create_with_correlation_ids_and_per_item_failures() {
    within(async {
        let t = TestSim::default().await;
        let (u, _) = t.some_user(0);
        let p = t.permission_id("Analyst");
        let body = json!({"userGroups": [
            {"displayName": "Regional Office", "description": "d", "permissionIds": {"ids": [p]}, "users": {"manuallyIncludedIds": {"ids": [u]}}, "correlationId": "reg-1"},
            {"displayName": "Bad Combo", "users": {"includeAllUsers": true, "manuallyIncludedIds": {"ids": [u]}}, "correlationId": "combo-1"},
            {"displayName": "Dup Corr", "correlationId": "reg-1"},
            {"displayName": "Bad Corr", "correlationId": "x!"},
            {"displayName": "Ghost Member", "users": {"manuallyIncludedIds": {"ids": ["ghost"]}}},
            {"description": "no name"},
            {"displayName": "Has Id", "userGroupId": "abc"},
        ]});
        let v = t.call(Method::POST, "/v2/admin/user-groups", body).await.expect(200);
        let successes = v["successes"].as_array().unwrap();
        assert_eq!(successes.len(), 1);
        assert_eq!(successes[0]["correlationId"], "reg-1");
        let failures = v["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 6);
        assert!(failures.iter().all(|f| f["rci"].is_string() && f["message"].is_string()));
        assert_eq!(failures[0]["correlationId"], "combo-1");
        // A correlation ID cannot be reused in a later POST.
        let again = t.call(Method::POST, "/v2/admin/user-groups", json!({"userGroups": [{"displayName": "Again", "correlationId": "reg-1"}]})).await.expect(200);
        assert_eq!(again["failures"].as_array().unwrap().len(), 1);
        // The list can be limited to correlation IDs.
        let by_corr = t.get("/v2/admin/user-groups?correlationIds=reg-1,zzz&with=details").await.expect(200);
        assert_eq!(names(&by_corr), ["Regional Office"]);
        assert_eq!(by_corr["userGroups"][0]["correlationId"], "reg-1");
        assert_eq!(t.sim.production_versions(), 1, "one request, one production version");
    })
    .await;
}

#[tokio::test]
async fn v2_put_replaces_and_patch_changes_only_what_is_given() {
    within(async {
        let t = TestSim::default().await;
        let g = t.group_id("HR Team");
        let before = t.sim.snapshot().group_by_name("HR Team").unwrap().clone();
        assert!(!before.permission_ids.is_empty());
        let patch = json!({"userGroups": [{"userGroupId": g, "description": "patched"}]});
        let v = t
            .call(Method::PATCH, "/v2/admin/user-groups", patch)
            .await
            .expect(200);
        assert_eq!(v["successes"][0]["userGroupId"], g.as_str());
        let after = t.sim.snapshot().group_by_name("HR Team").unwrap().clone();
        assert_eq!(after.description.as_deref(), Some("patched"));
        assert_eq!(after.permission_ids, before.permission_ids);
        assert_eq!(after.manually_included_ids, before.manually_included_ids);
        let put = json!({"userGroups": [{"userGroupId": g, "displayName": "HR Team"}]});
        t.call(Method::PUT, "/v2/admin/user-groups", put)
            .await
            .expect(200);
        let replaced = t.sim.snapshot().group_by_name("HR Team").unwrap().clone();
        assert_eq!(replaced.description, None);
        assert!(
            replaced.permission_ids.is_empty() && replaced.manually_included_ids.is_empty(),
            "omitted values are removed"
        );
        let missing = t
            .call(
                Method::PUT,
                "/v2/admin/user-groups",
                json!({"userGroups": [{"userGroupId": "nope", "displayName": "x"}]}),
            )
            .await
            .expect(200);
        assert_eq!(missing["failures"].as_array().unwrap().len(), 1);
        let single = t
            .get(&format!("/v2/admin/user-groups/{g}"))
            .await
            .expect(200);
        assert_eq!(single["displayName"], "HR Team");
        assert!(
            single["users"].is_object(),
            "single get defaults to full detail"
        );
        t.get("/v2/admin/user-groups/nope").await.expect_error(404);
    })
    .await;
}

#[tokio::test]
async fn v2_delete_bulk_single_and_revert() {
    within(async {
        let t = TestSim::default().await;
        let a = t.group_id("Executives");
        let b = t.group_id("Recruiting Team");
        let c = t.group_id("Data Stewards");
        let v = t
            .call(
                Method::DELETE,
                "/v2/admin/user-groups",
                json!({"userGroups": [{"userGroupId": a}, {"userGroupId": "nope"}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["successes"][0]["userGroupId"], a.as_str());
        assert_eq!(v["failures"][0]["userGroupId"], "nope");
        let one = t
            .send(t.req(Method::DELETE, &format!("/v2/admin/user-groups/{b}")))
            .await
            .expect(200);
        assert_eq!(one["success"]["userGroupId"], b.as_str());
        let gone = t
            .send(t.req(Method::DELETE, &format!("/v2/admin/user-groups/{b}")))
            .await
            .expect(200);
        assert!(gone["failure"]["rci"].is_string());
        let revert = t
            .call(
                Method::POST,
                "/v2/admin/user-groups/revert-to-parent",
                json!({"userGroups": [{"userGroupId": c}]}),
            )
            .await
            .expect(200);
        assert!(
            revert["failures"][0]["message"]
                .as_str()
                .unwrap()
                .contains("no parent")
        );
        assert_eq!(t.sim.snapshot().groups.len(), 6);
    })
    .await;
}
