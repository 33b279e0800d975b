//! Administrating and analytic tenants, the analytic tenants list, a first
//! look at projects and production versions, booleans as the SDK spells
//! them.

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
        let project = t.create_project(None, "Project Group rehearsal").await;
        let project = project.as_str();
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
        let p = t.create_project(Some("WFF_sim~t01"), "Analytic rehearsal").await;
        let body = json!({
            "userGroups": [{"userGroupId": g, "userIds": [u]}],
            "targetProjectForTenantsList": {"targetProjectForTenants": [{"tenantCode": "WFF_sim~t01", "projectId": p}]},
        });
        let v = t.call(Method::PUT, "/v1/admin/user-groups/users", body).await.expect(200);
        assert_eq!(v["tenants"][0]["tenantCode"], "WFF_sim~t01");
        assert_eq!(v["tenants"][0]["projectId"], p.as_str());
        assert!(t.sim.project_snapshot("WFF_sim~t01", &p).unwrap().group_by_name("Executives").unwrap().manually_included_ids.contains(&u));
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

#[tokio::test]
async fn the_administrating_tenant_lists_its_analytic_tenants() {
    within(async {
        let t = TestSim::default().await;
        let v = t.get("/v2/admin/tenants").await.expect(200);
        let codes: Vec<&str> = v["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["tenantCode"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["WFF_sim~t01", "WFF_sim~t02"]);
        assert_eq!(v["tenants"][0]["status"], "Enabled");
        assert_eq!(v["tenants"][0]["companySize"], 10);
        assert_eq!(v["limit"], 400, "400 without a mask");
        // A mask cuts each tenant to the fields named; light masks allow 1000.
        let masked = t
            .get("/v2/admin/tenants?mask=tenantCode,tenantDisplayName,status&limit=1000&start=1")
            .await
            .expect(200);
        assert_eq!(
            masked["tenants"],
            json!([{"tenantCode": "WFF_sim~t02", "tenantDisplayName": "Analytic tenant t02", "status": "Enabled"}])
        );
        t.get("/v2/admin/tenants?limit=401").await.expect_error(400);
        t.get("/v2/admin/tenants?mask=tenantCode,defaultCurrency&limit=1000")
            .await
            .expect_error(400);
        t.get("/v2/admin/tenants?mask=nonsense").await.expect_error(400);
        // Tenant codes, full or short, from the query or the body.
        let short = t.get("/v2/admin/tenants?tenantCodes=t02&mask=tenantCode").await.expect(200);
        assert_eq!(short["tenants"], json!([{"tenantCode": "WFF_sim~t02"}]));
        let body = t
            .send(
                t.req(Method::GET, "/v2/admin/tenants?mask=tenantCode")
                    .header("content-type", "application/json")
                    .body(json!({"tenantCodes": ["WFF_sim~t01"]}).to_string()),
            )
            .await
            .expect(200);
        assert_eq!(body["tenants"], json!([{"tenantCode": "WFF_sim~t01"}]));
        t.get("/v2/admin/tenants?tenantCodes=t01,WFF_sim~t02").await.expect_error(400);
        assert_eq!(
            t.get("/v2/admin/tenants?dataProfile=Demo").await.expect(200)["tenants"],
            json!([])
        );
        // An analytic tenant administers none.
        t.send(t.req(Method::GET, "/v2/admin/tenants").header("TargetTenantID", "WFF_sim~t01"))
            .await
            .expect_error(403);
    })
    .await;
}
