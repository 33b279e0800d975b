//! `TargetTenantID`, `ProjectID`, `NonVersioned`, `Prefer` and
//! `tenantCode`, per client and per call, only where the spec has them.

use vsync_api::{NvLock, UserV3ApiRequestDto, UsersCreationApiRequestDto};
use vsync_client::Operation;

use crate::harness::{client, sim, start, within};

fn last(sim: &vsync_sim::Sim, op: Operation) -> vsync_sim::RecordedRequest {
    sim.received_requests()
        .into_iter()
        .rev()
        .find(|r| r.operation == Some(op))
        .unwrap()
}

#[tokio::test]
async fn client_defaults_and_per_call_overrides() {
    within(30, async {
        let sim = start(sim().seed_users(5)).await;
        let tenants = sim.tenant_codes();
        let analytic: Vec<_> = tenants
            .iter()
            .filter(|t| t.contains('~'))
            .cloned()
            .collect();
        assert!(analytic.len() >= 2, "{tenants:?}");
        let client = client(&sim).tenant(analytic[0].clone()).build().unwrap();

        client.users().get_all_users().send().await.unwrap();
        let r = last(&sim, Operation::ListUsers);
        assert_eq!(r.header("targettenantid"), Some(analytic[0].as_str()));
        assert_eq!(r.header("projectid"), None);

        client
            .users()
            .with_target_tenant(analytic[1].clone())
            .get_all_users()
            .send()
            .await
            .unwrap();
        let r = last(&sim, Operation::ListUsers);
        assert_eq!(r.header("targettenantid"), Some(analytic[1].as_str()));
        assert_eq!(r.tenant.as_deref(), Some(analytic[1].as_str()));

        client
            .users()
            .with_tenant_code(analytic[1].clone())
            .get_all_users()
            .send()
            .await
            .unwrap();
        let r = last(&sim, Operation::ListUsers);
        assert!(
            r.query
                .as_deref()
                .unwrap()
                .contains(&format!("tenantCode={}", analytic[1].replace('~', "%7E"))),
            "{:?}",
            r.query
        );

        client
            .users()
            .with_non_versioned(true)
            .with_prefer(NvLock::Artifact)
            .upsert_user_v3(
                "nv@example.com",
                &UserV3ApiRequestDto {
                    username: Some("nv@example.com".into()),
                    ..UserV3ApiRequestDto::default()
                },
            )
            .await
            .unwrap();
        let r = last(&sim, Operation::UpsertUser);
        assert_eq!(r.header("nonversioned"), Some("true"));
        assert_eq!(r.header("prefer"), Some("nvLock=artifact"));

        // `POST /v2/admin/users` has no ProjectID or Prefer in the spec.
        client
            .users()
            .with_project("proj-1")
            .with_prefer(NvLock::Global)
            .add_users(&UsersCreationApiRequestDto {
                users: Some(vec![]),
            })
            .await
            .ok();
        let r = last(&sim, Operation::AddUsers);
        assert_eq!(r.header("projectid"), None);
        assert_eq!(r.header("prefer"), None);

        client
            .permissions()
            .with_options(vsync_client::CallOptions {
                fast_mode: Some(true),
                ..vsync_client::CallOptions::default()
            })
            .create_permissions(&vsync_api::PermissionsListDto {
                permissions: Some(vec![]),
            })
            .await
            .ok();
        assert_eq!(
            last(&sim, Operation::CreatePermissions).header("fastmode"),
            Some("true")
        );

        // A read in a project needs a project that exists in the tenant.
        let project = sim.create_project(&analytic[0], "headers").unwrap();
        client
            .users()
            .with_project(project.clone())
            .get_all_users()
            .send()
            .await
            .unwrap();
        assert_eq!(
            last(&sim, Operation::ListUsers).header("projectid"),
            Some(project.as_str())
        );
    })
    .await;
}
