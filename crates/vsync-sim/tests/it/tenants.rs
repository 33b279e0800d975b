//! Administrating and analytic tenants, projects, production versions,
//! booleans as the SDK spells them.

use reqwest::Method;
use serde_json::json;
use vsync_sim::Sim;

use crate::harness::{TestSim, within};

#[tokio::test]
async fn target_tenant_header_and_tenant_code_select_analytic_tenants() {
    within(async {
        let t = TestSim::default().await;
        let codes = t.sim.tenant_codes();
        assert_eq!(codes, ["WFF_sim", "WFF_sim~t01", "WFF_sim~t02"]);
        let r = t.send(t.req(Method::GET, "/v1/admin/users").header("TargetTenantID", "WFF_sim~t01")).await.expect(200);
        assert_eq!(r["users"].as_array().unwrap().len(), 10);
        let body = json!({"users": [{"username": "analytic@jupiter.example"}]});
        t.call(Method::POST, "/v2/admin/users?tenantCode=WFF_sim~t02", body).await.expect(200);
        assert!(t.sim.tenant_snapshot("WFF_sim~t02").unwrap().user_by_username("analytic@jupiter.example").is_some());
        assert!(t.sim.snapshot().user_by_username("analytic@jupiter.example").is_none());
        let rec = t.sim.received_requests();
        assert_eq!(rec.last().unwrap().tenant.as_deref(), Some("WFF_sim~t02"));
        t.get("/v1/admin/users?tenantCode=WFF_other").await.expect_error(403);
        // Per-item tenantCode in v2 user-group bodies.
        let v = t.call(Method::POST, "/v2/admin/user-groups", json!({"userGroups": [{"displayName": "Analytic Group", "tenantCode": "WFF_sim~t01"}]})).await.expect(200);
        assert_eq!(v["successes"][0]["tenantCode"], "WFF_sim~t01");
        assert!(t.sim.tenant_snapshot("WFF_sim~t01").unwrap().group_by_name("Analytic Group").is_some());
    })
    .await;
}

#[tokio::test]
async fn project_changes_stay_out_of_production_and_publish_no_version() {
    within(async {
        let t = TestSim::default().await;
        let project = "5f1c9a3e-0000-4000-8000-000000000001";
        let body = json!({"userGroups": [{"displayName": "Project Group"}]});
        let v = t
            .send(
                t.req(Method::POST, "/v2/admin/user-groups")
                    .header("ProjectID", project)
                    .header("content-type", "application/json")
                    .body(body.to_string()),
            )
            .await
            .expect(200);
        assert_eq!(v["successes"][0]["projectId"], project);
        assert!(t.sim.snapshot().group_by_name("Project Group").is_none());
        assert!(
            t.sim
                .project_snapshot("WFF_sim", project)
                .unwrap()
                .group_by_name("Project Group")
                .is_some()
        );
        // Reads with the header see the project copy.
        let in_project = t
            .send(
                t.req(
                    Method::GET,
                    "/v2/admin/user-groups?displayNameFilter=Project*",
                )
                .header("ProjectID", project),
            )
            .await
            .expect(200);
        assert_eq!(in_project["userGroups"].as_array().unwrap().len(), 1);
        assert_eq!(t.sim.production_versions(), 0);
        // NonVersioned as the SDK spells it: no version either.
        let nv = json!({"userGroups": [{"displayName": "NV Group"}]});
        t.send(
            t.req(Method::POST, "/v2/admin/user-groups")
                .header("NonVersioned", "True")
                .header("content-type", "application/json")
                .body(nv.to_string()),
        )
        .await
        .expect(200);
        assert_eq!(t.sim.production_versions(), 0);
        // A direct change publishes one.
        t.call(
            Method::POST,
            "/v2/admin/user-groups",
            json!({"userGroups": [{"displayName": "Direct"}]}),
        )
        .await
        .expect(200);
        assert_eq!(t.sim.production_versions(), 1);
        t.send(
            t.req(Method::GET, "/v1/admin/users")
                .header("NonVersioned", "perhaps"),
        )
        .await
        .expect_error(400);
        t.sim.reset_counters();
        assert_eq!(t.sim.production_versions(), 0);
        assert!(t.sim.received_requests().is_empty());
    })
    .await;
}

#[tokio::test]
async fn membership_calls_apply_to_each_target_tenant_and_project() {
    within(async {
        let t = TestSim::default().await;
        let snap = t.sim.tenant_snapshot("WFF_sim~t01").unwrap();
        let g = snap.group_by_name("Executives").unwrap().user_group_id.clone();
        let u = snap.users[0].user_id.clone();
        let body = json!({
            "userGroups": [{"userGroupId": g, "userIds": [u]}],
            "targetProjectForTenantsList": {"targetProjectForTenants": [{"tenantCode": "WFF_sim~t01", "projectId": "p-1"}]},
        });
        let v = t.call(Method::PUT, "/v1/admin/user-groups/users", body).await.expect(200);
        assert_eq!(v["tenants"][0]["tenantCode"], "WFF_sim~t01");
        assert_eq!(v["tenants"][0]["projectId"], "p-1");
        assert!(t.sim.project_snapshot("WFF_sim~t01", "p-1").unwrap().group_by_name("Executives").unwrap().manually_included_ids.contains(&u));
        assert!(!t.sim.tenant_snapshot("WFF_sim~t01").unwrap().group_by_name("Executives").unwrap().manually_included_ids.contains(&u));
    })
    .await;
}

#[tokio::test]
async fn recorded_requests_and_counts() {
    within(async {
        let t = TestSim::start(Sim::builder().no_rate_limit()).await;
        t.get("/v1/admin/users?limit=5").await.expect(200);
        t.call(Method::POST, "/v2/admin/users", json!({"users": []}))
            .await
            .expect(200);
        let rec = t.sim.received_requests();
        let last = rec.last().unwrap();
        assert_eq!(last.method, "POST");
        assert_eq!(last.path, "/v2/admin/users");
        assert_eq!(last.status, 200);
        assert_eq!(last.header("apikey"), Some("dev-apikey"));
        assert_eq!(last.body_json().unwrap(), json!({"users": []}));
        assert_eq!(rec[rec.len() - 2].query.as_deref(), Some("limit=5"));
        assert_eq!(t.sim.mutating_request_count(), 1);
    })
    .await;
}
