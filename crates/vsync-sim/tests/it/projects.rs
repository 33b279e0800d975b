//! Draft projects over HTTP: the lifecycle, the overlay of versioned
//! artifacts on production (users and profiles stay global), one production
//! version per direct request and per publication, the errors for unknown,
//! deleted, published and malformed projects, and tenants owning projects.

use reqwest::Method;
use serde_json::{Value, json};
use vsync_sim::{Operation, ProjectStatus, Sim};

use crate::harness::{TestSim, within};

const UNKNOWN: &str = "0f0e0d0c-0b0a-4908-8706-050403020100";

fn ids(v: &Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {v}"))
        .iter()
        .map(|x| x[field].as_str().unwrap().to_owned())
        .collect()
}

async fn versions(t: &TestSim) -> Value {
    t.get("/v1/admin/production-versions").await.expect(200)
}

async fn publish(t: &TestSim, project: &str) -> Value {
    t.call(
        Method::POST,
        &format!("/v1/admin/projects/{project}"),
        json!({"operation": "commitAndPublish"}),
    )
    .await
    .expect(200)
}

async fn group_users(t: &TestSim, project: Option<&str>, group: &str) -> Vec<String> {
    let path = format!("/v1/admin/user-groups/{group}/users");
    let v = match project {
        Some(p) => t.get_in(p, &path).await.expect(200),
        None => t.get(&path).await.expect(200),
    };
    ids(&v["tenants"][0], "users", "userId")
}

fn membership(group: &str, users: &[&str]) -> Value {
    json!({"userGroups": [{"userGroupId": group, "userIds": users}]})
}

#[tokio::test]
async fn create_list_get_publish_and_the_version_it_makes() {
    within(async {
        let t = TestSim::default().await;
        let v = t
            .call(
                Method::POST,
                "/v1/admin/projects",
                json!({"name": "Nightly sync", "description": "d", "ticketNumber": "CHG-7"}),
            )
            .await
            .expect(200);
        let id = v["id"].as_str().unwrap().to_owned();
        assert!(uuid::Uuid::try_parse(&id).is_ok(), "{id}");
        assert_eq!(v["capabilities"], json!(["owner"]));
        assert_eq!(v["ticketNumber"], "CHG-7");
        let list = t.get("/v1/admin/projects").await.expect(200);
        assert_eq!(ids(&list, "openProjects", "id"), [id.as_str()]);
        assert!(
            list.get("archivedProjects").is_none(),
            "only the stages asked for"
        );
        let both = t
            .get("/v1/admin/projects?with=Open&with=Archived")
            .await
            .expect(200);
        assert_eq!(both["archivedProjects"], json!([]));
        t.get("/v1/admin/projects?with=Someday")
            .await
            .expect_error(400);
        t.get("/v1/admin/projects?limit=1001")
            .await
            .expect_error(400);
        assert_eq!(
            t.get(&format!("/v1/admin/projects/{id}")).await.expect(200)["name"],
            "Nightly sync"
        );

        let g = t.group_id("Executives");
        let (u, _) = t.some_user(0);
        t.call_in(
            &id,
            Method::PUT,
            "/v1/admin/user-groups/users",
            membership(&g, &[&u]),
        )
        .await
        .expect(200);
        let before = t.sim.production_versions();
        let answer = publish(&t, &id).await;
        let published = &answer["commitAndPublish"]["publishedVersion"];
        assert_eq!(published["id"], id.as_str());
        assert_eq!(published["name"], "Nightly sync");
        assert_eq!(
            t.sim.production_versions(),
            before + 1,
            "exactly one version"
        );
        let listed = versions(&t).await;
        assert_eq!(
            listed["publishedVersions"][0]["id"],
            id.as_str(),
            "latest first"
        );
        assert_eq!(
            listed["publishedVersions"][0]["versionNumber"],
            published["versionNumber"]
        );
        assert!(
            group_users(&t, None, &g).await.contains(&u),
            "merged into production"
        );
        let list = t.get("/v1/admin/projects").await.expect(200);
        assert!(
            ids(&list, "openProjects", "id").is_empty(),
            "no open project is left"
        );
        let shown = t.get(&format!("/v1/admin/projects/{id}")).await.expect(200);
        assert_eq!(shown["versionNumber"], published["versionNumber"]);
        t.call(
            Method::POST,
            "/v1/admin/projects",
            json!({"description": "no name"}),
        )
        .await
        .expect_error(400);
        t.call(
            Method::POST,
            "/v1/admin/projects",
            json!({"name": "x", "id": UNKNOWN}),
        )
        .await
        .expect_error(400);
    })
    .await;
}

#[tokio::test]
async fn a_project_overlays_production_instead_of_copying_it() {
    within(async {
        let t = TestSim::default().await;
        let g = t.group_id("Executives");
        let (x, _) = t.some_user(0);
        let (y, _) = t.some_user(1);
        let p = t.create_project(None, "Overlay").await;
        // A production change made after the project changed the same group
        // shows through in the project: a copy would have hidden it.
        t.call_in(
            &p,
            Method::PUT,
            "/v1/admin/user-groups/users",
            membership(&g, &[&y]),
        )
        .await
        .expect(200);
        t.call(
            Method::PUT,
            "/v1/admin/user-groups/users",
            membership(&g, &[&x]),
        )
        .await
        .expect(200);
        let in_project = group_users(&t, Some(&p), &g).await;
        assert!(
            in_project.contains(&x) && in_project.contains(&y),
            "{in_project:?}"
        );
        let production = group_users(&t, None, &g).await;
        assert!(
            production.contains(&x) && !production.contains(&y),
            "{production:?}"
        );
        // A user read in the project shows the project's memberships.
        let user = t
            .get_in(&p, &format!("/v1/admin/users/{y}?assignedUserGroups=true"))
            .await
            .expect(200);
        assert!(ids(&user["userGroups"], "assignedUserGroups", "userGroupId").contains(&g));
        let user = t
            .get(&format!("/v1/admin/users/{y}?assignedUserGroups=true"))
            .await
            .expect(200);
        assert!(!ids(&user["userGroups"], "assignedUserGroups", "userGroupId").contains(&g));
        // v2 group definitions too, and a group made in the project.
        let made = t
            .call_in(
                &p,
                Method::POST,
                "/v2/admin/user-groups",
                json!({"userGroups": [{"displayName": "Made In Project"}]}),
            )
            .await
            .expect(200);
        assert_eq!(made["successes"][0]["projectId"], p.as_str());
        let filter = "/v2/admin/user-groups?displayNameFilter=Made*";
        assert_eq!(
            t.get_in(&p, filter).await.expect(200)["userGroups"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(t.get(filter).await.expect(200)["userGroups"], json!([]));
        // Direct permission assignments are versioned as well.
        let perm = t.permission_id("Analyst");
        let assign = json!({"permissions": [{"permissionId": perm, "userIds": [y]}]});
        t.call_in(&p, Method::PUT, "/v1/admin/permissions/users", assign)
            .await
            .expect(200);
        let holders = |v: &Value| ids(&v["tenants"][0], "users", "userId");
        let path = format!("/v1/admin/permissions/{perm}/users");
        assert!(holders(&t.get_in(&p, &path).await.expect(200)).contains(&y));
        assert!(!holders(&t.get(&path).await.expect(200)).contains(&y));
        // The project is not a copy: its snapshot is production plus changes.
        let view = t.sim.project_snapshot("WFF_sim", &p).unwrap();
        assert_eq!(view.users, t.sim.snapshot().users);
        publish(&t, &p).await;
        let after = t.sim.snapshot();
        assert!(after.group_by_name("Made In Project").is_some());
        assert!(after.permission_assignments[&y].contains(&perm));
        let members = &after
            .group_by_name("Executives")
            .unwrap()
            .manually_included_ids;
        assert!(members.contains(&x) && members.contains(&y));
    })
    .await;
}

#[tokio::test]
async fn users_and_profile_assignments_change_at_once_with_or_without_a_project() {
    within(async {
        let t = TestSim::default().await;
        let p = t.create_project(None, "Users are global").await;
        // Created in production: visible in the open project.
        t.call(
            Method::POST,
            "/v2/admin/users",
            json!({"users": [{"username": "prod.made@jupiter.example"}]}),
        )
        .await
        .expect(200);
        let listed = t.get_in(&p, "/v1/admin/users?limit=1000").await.expect(200);
        assert!(
            ids(&listed, "users", "username").contains(&"prod.made@jupiter.example".to_owned())
        );
        // Created, updated and deleted with ProjectID: in production at once.
        let v = t
            .call_in(
                &p,
                Method::POST,
                "/v2/admin/users",
                json!({"users": [{"username": "proj.made@jupiter.example"}]}),
            )
            .await
            .expect(200);
        let id = v["successes"][0]["userId"].as_str().unwrap().to_owned();
        assert!(
            t.sim
                .snapshot()
                .user_by_username("proj.made@jupiter.example")
                .is_some()
        );
        t.call_in(
            &p,
            Method::PUT,
            &format!("/v1/admin/users/{id}"),
            json!({"displayName": "Renamed"}),
        )
        .await
        .expect(200);
        assert_eq!(
            t.sim
                .snapshot()
                .user_by_username("proj.made@jupiter.example")
                .unwrap()
                .display_name
                .as_deref(),
            Some("Renamed")
        );
        t.call_in(
            &p,
            Method::POST,
            "/v1/admin/users",
            json!({"username": "v1.made@jupiter.example"}),
        )
        .await
        .expect(201);
        assert!(
            t.sim
                .snapshot()
                .user_by_username("v1.made@jupiter.example")
                .is_some()
        );
        // Profile assignments are not versioned.
        let viewer = t.profile_id("Viewer");
        t.call_in(
            &p,
            Method::PUT,
            &format!("/v1/admin/profiles/{viewer}/assign"),
            json!({"targetUserIds": [id]}),
        )
        .await
        .expect(200);
        assert!(
            t.sim.snapshot().profile_assignments[&id]
                .iter()
                .any(|a| a.profile_id == viewer)
        );
        // A v3 upsert in the project: the user at once, its groups in the project.
        let g = t.group_id("HR Team");
        let v = t
            .call_in(
                &p,
                Method::PUT,
                "/v3/admin/users/upserted@jupiter.example",
                json!({"userGroupIds": [g]}),
            )
            .await
            .expect(200);
        let upserted = v["userId"].as_str().unwrap().to_owned();
        assert!(t.sim.snapshot().users.iter().any(|x| x.user_id == upserted));
        assert!(!group_users(&t, None, &g).await.contains(&upserted));
        assert!(group_users(&t, Some(&p), &g).await.contains(&upserted));
        t.call_in(
            &p,
            Method::DELETE,
            "/v2/admin/users",
            json!({"userIds": [id]}),
        )
        .await
        .expect(200);
        assert!(!t.sim.snapshot().users.iter().any(|x| x.user_id == id));
        assert_eq!(
            t.sim.production_versions(),
            0,
            "nothing versioned reached production"
        );
    })
    .await;
}

#[tokio::test]
async fn one_production_version_per_direct_request_and_per_publication() {
    within(async {
        let t = TestSim::default().await;
        let (a, _) = t.some_user(0);
        let (b, _) = t.some_user(1);
        let g1 = t.group_id("Executives");
        let g2 = t.group_id("HR Team");
        // A bulk request is one version, whatever it holds.
        let bulk = json!({"userGroups": [{"displayName": "V1"}, {"displayName": "V2"}, {"displayName": "V3"}]});
        t.call(Method::POST, "/v2/admin/user-groups", bulk).await.expect(200);
        assert_eq!(t.sim.production_versions(), 1);
        let two = json!({"userGroups": [{"userGroupId": g1, "userIds": [a, b]}, {"userGroupId": g2, "userIds": [a]}]});
        t.call(Method::PUT, "/v1/admin/user-groups/users", two).await.expect(200);
        assert_eq!(t.sim.production_versions(), 2);
        let latest = &versions(&t).await["publishedVersions"][0];
        assert_eq!(latest["versionNumber"], 2);
        assert!(latest["name"].as_str().unwrap().contains("UsersV1_AddUsersToUserGroup"));
        // Reads and user calls publish nothing.
        t.get("/v2/admin/user-groups").await.expect(200);
        t.call(Method::POST, "/v2/admin/users", json!({"users": [{"username": "nv@jupiter.example"}]})).await.expect(200);
        assert_eq!(t.sim.production_versions(), 2);

        // Many changes in a project: one version when published.
        let p = t.create_project(None, "Many changes").await;
        let perm = t.permission_id("Analyst");
        for i in 0..5 {
            let v = t
                .call_in(&p, Method::POST, "/v2/admin/user-groups", json!({"userGroups": [{"displayName": format!("P{i}")}]}))
                .await
                .expect(200);
            let id = v["successes"][0]["userGroupId"].as_str().unwrap().to_owned();
            t.call_in(&p, Method::PUT, "/v1/admin/user-groups/users", membership(&id, &[&a, &b])).await.expect(200);
            t.call_in(&p, Method::PUT, "/v1/admin/user-groups/permissions", json!({"userGroups": [{"userGroupId": id, "permissionsIds": [perm]}]}))
                .await
                .expect(200);
        }
        t.call_in(&p, Method::PUT, "/v1/admin/permissions/users", json!({"permissions": [{"permissionId": perm, "userIds": [a]}]}))
            .await
            .expect(200);
        assert_eq!(t.sim.production_versions(), 2, "nothing published while in the project");
        publish(&t, &p).await;
        assert_eq!(t.sim.production_versions(), 3);
        let snap = t.sim.snapshot();
        for i in 0..5 {
            let g = snap.group_by_name(&format!("P{i}")).unwrap();
            assert_eq!(g.manually_included_ids, [a.clone(), b.clone()]);
            assert_eq!(g.permission_ids, [perm.as_str()]);
        }
        assert!(snap.permission_assignments[&a].contains(&perm));

        // A project without changes publishes nothing new.
        let empty = t.create_project(None, "Nothing to do").await;
        let answer = publish(&t, &empty).await;
        assert_eq!(answer, json!({"commitAndPublish": {}}));
        assert_eq!(t.sim.production_versions(), 3);
        let status = t.sim.snapshot().projects.iter().find(|x| x.id == empty).unwrap().status;
        assert_eq!(status, ProjectStatus::Published, "closed all the same");
        // Changes that cancel out publish nothing either.
        let undo = t.create_project(None, "Add then remove").await;
        t.call_in(&undo, Method::PUT, "/v1/admin/user-groups/users", membership(&g2, &[&b])).await.expect(200);
        t.call_in(&undo, Method::DELETE, "/v1/admin/user-groups/users", membership(&g2, &[&b])).await.expect(200);
        assert_eq!(publish(&t, &undo).await, json!({"commitAndPublish": {}}));
        assert_eq!(t.sim.production_versions(), 3);
    })
    .await;
}

#[tokio::test]
async fn unknown_deleted_published_and_malformed_projects_are_status_errors() {
    within(async {
        let t = TestSim::default().await;
        let g = t.group_id("Executives");
        let (u, _) = t.some_user(0);
        let add = membership(&g, &[&u]);
        let project_path = |id: &str| format!("/v1/admin/projects/{id}");
        // Not a UUID: 400, on reads, writes and the projects calls.
        t.get_in("not-a-uuid", "/v1/admin/users")
            .await
            .expect_error(400);
        t.call_in(
            "p-1",
            Method::PUT,
            "/v1/admin/user-groups/users",
            add.clone(),
        )
        .await
        .expect_error(400);
        t.get(&project_path("not-a-uuid")).await.expect_error(400);
        // Unknown: 404.
        t.get_in(UNKNOWN, "/v2/admin/user-groups")
            .await
            .expect_error(404);
        t.call_in(
            UNKNOWN,
            Method::PUT,
            "/v1/admin/user-groups/users",
            add.clone(),
        )
        .await
        .expect_error(404);
        t.get(&project_path(UNKNOWN)).await.expect_error(404);
        t.call(
            Method::POST,
            &project_path(UNKNOWN),
            json!({"operation": "commitAndPublish"}),
        )
        .await
        .expect_error(404);
        t.send(t.req(Method::DELETE, &project_path(UNKNOWN)))
            .await
            .expect_error(404);
        // Per item in a v2 body, per target in a v1 body.
        let v = t
            .call(
                Method::POST,
                "/v2/admin/user-groups",
                json!({"userGroups": [{"displayName": "Lost", "projectId": UNKNOWN}]}),
            )
            .await
            .expect(200);
        assert!(v["failures"][0]["rci"].is_string(), "{v}");
        let targeted = json!({
            "userGroups": [{"userGroupId": g, "userIds": [u]}],
            "targetProjectForTenantsList": {"targetProjectForTenants": [{"projectId": UNKNOWN}]},
        });
        t.call(Method::PUT, "/v1/admin/user-groups/users", targeted)
            .await
            .expect_error(404);
        // Deleted: 404 everywhere; nothing of it reaches production.
        let gone = t.create_project(None, "Discarded").await;
        t.call_in(
            &gone,
            Method::PUT,
            "/v1/admin/user-groups/users",
            add.clone(),
        )
        .await
        .expect(200);
        let deleted = t
            .send(t.req(Method::DELETE, &project_path(&gone)))
            .await
            .expect(200);
        assert_eq!(deleted["id"], gone.as_str());
        assert!(!group_users(&t, None, &g).await.contains(&u));
        t.get_in(&gone, "/v1/admin/users").await.expect_error(404);
        t.get(&project_path(&gone)).await.expect_error(404);
        t.call(
            Method::POST,
            &project_path(&gone),
            json!({"operation": "commitAndPublish"}),
        )
        .await
        .expect_error(404);
        t.send(t.req(Method::DELETE, &project_path(&gone)))
            .await
            .expect_error(404);
        // Published: 400 for further changes, a second publication or a delete.
        let done = t.create_project(None, "Published").await;
        publish(&t, &done).await;
        t.call_in(
            &done,
            Method::PUT,
            "/v1/admin/user-groups/users",
            add.clone(),
        )
        .await
        .expect_error(400);
        t.call(
            Method::POST,
            &project_path(&done),
            json!({"operation": "commitAndPublish"}),
        )
        .await
        .expect_error(400);
        t.send(t.req(Method::DELETE, &project_path(&done)))
            .await
            .expect_error(400);
        // Only commitAndPublish is an operation.
        let open = t.create_project(None, "Open").await;
        t.call(
            Method::POST,
            &project_path(&open),
            json!({"operation": "unknown"}),
        )
        .await
        .expect_error(400);
        t.call(Method::POST, &project_path(&open), json!({}))
            .await
            .expect_error(400);
        assert_eq!(t.sim.production_versions(), 0);
    })
    .await;
}

#[tokio::test]
async fn projects_belong_to_the_tenant_the_call_runs_in() {
    within(async {
        let t = TestSim::default().await;
        let p = t.create_project(Some("WFF_sim~t01"), "Analytic").await;
        let admin_list = t.get("/v1/admin/projects").await.expect(200);
        assert!(ids(&admin_list, "openProjects", "id").is_empty());
        let t01 = t
            .send(t.req(Method::GET, "/v1/admin/projects").header("TargetTenantID", "WFF_sim~t01"))
            .await
            .expect(200);
        assert_eq!(ids(&t01, "openProjects", "id"), [p.as_str()]);
        t.get_in(&p, "/v2/admin/user-groups").await.expect_error(404);
        t.send(t.req(Method::GET, "/v2/admin/user-groups").header("ProjectID", &p).header("TargetTenantID", "WFF_sim~t01"))
            .await
            .expect(200);
        let made = json!({"userGroups": [{"displayName": "In t01", "tenantCode": "WFF_sim~t01", "projectId": p}]});
        t.call(Method::POST, "/v2/admin/user-groups", made).await.expect(200);
        let before = t.sim.production_versions();
        let answer = t
            .send(
                t.req(Method::POST, &format!("/v1/admin/projects/{p}"))
                    .header("TargetTenantID", "WFF_sim~t01")
                    .header("content-type", "application/json")
                    .body(json!({"operation": "commitAndPublish"}).to_string()),
            )
            .await
            .expect(200);
        assert!(answer["commitAndPublish"]["publishedVersion"].is_object());
        assert_eq!(t.sim.production_versions(), before + 1);
        assert!(t.sim.tenant_snapshot("WFF_sim~t01").unwrap().group_by_name("In t01").is_some());
        assert!(t.sim.snapshot().group_by_name("In t01").is_none());
        assert_eq!(t.sim.tenant_snapshot("WFF_sim~t01").unwrap().production_versions.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_state_file_keeps_projects_and_versions() {
    within(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tenant.json");
        let t = TestSim::start(
            Sim::builder()
                .seed_users(5)
                .no_rate_limit()
                .state_file(&path),
        )
        .await;
        t.sim.expect(Operation::CreateProject).times(1);
        let g = t.group_id("Executives");
        let (u, _) = t.some_user(0);
        let p = t.create_project(None, "Kept").await;
        t.call_in(
            &p,
            Method::PUT,
            "/v1/admin/user-groups/users",
            membership(&g, &[&u]),
        )
        .await
        .expect(200);
        t.call(
            Method::POST,
            "/v2/admin/user-groups",
            json!({"userGroups": [{"displayName": "Direct"}]}),
        )
        .await
        .expect(200);
        let listed = versions(&t).await;
        t.sim.shutdown().await.unwrap();

        let again = TestSim::start(Sim::builder().no_rate_limit().state_file(&path)).await;
        assert_eq!(versions(&again).await, listed);
        let open = again.get("/v1/admin/projects").await.expect(200);
        assert_eq!(ids(&open, "openProjects", "id"), [p.as_str()]);
        assert!(
            group_users(&again, Some(&p), &g).await.contains(&u),
            "the project's change is kept"
        );
        assert!(!group_users(&again, None, &g).await.contains(&u));
        publish(&again, &p).await;
        assert!(group_users(&again, None, &g).await.contains(&u));
    })
    .await;
}
