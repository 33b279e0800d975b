//! Every permission operation round-trips.

use vsync_api::query::PermissionsQuery;
use vsync_api::{
    AssignRevokePermissionRequestDto, AssignRevokePermissionsRequestDto, PermissionDto,
    PermissionsListDto, PermissionsToUserGroupRequestDto, PermissionsToUserGroupsRequestDto,
};
use vsync_client::{Operation, PermissionId};

use crate::harness::{client, sim, start, within};

#[tokio::test]
async fn permission_calls_round_trip() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        let perms = client.permissions();

        let listed = perms
            .get_permissions(PermissionsQuery::default())
            .await
            .unwrap()
            .permissions
            .unwrap_or_default();
        assert!(!listed.is_empty());
        let pid = listed[0].permission_id.clone().unwrap();

        let created = perms
            .create_permissions(&PermissionsListDto {
                permissions: Some(vec![PermissionDto {
                    display_name: Some("Test permission".into()),
                    description: Some("made by a test".into()),
                    correlation_id: Some("corr-perm-1".into()),
                    ..PermissionDto::default()
                }]),
            })
            .await
            .unwrap();
        assert_eq!(created.successes.unwrap_or_default().len(), 1);

        let user = client
            .users()
            .get_all_users()
            .page_size(5)
            .send()
            .await
            .unwrap()
            .items[1]
            .user_id
            .clone()
            .unwrap();
        let body = AssignRevokePermissionsRequestDto {
            permissions: Some(vec![AssignRevokePermissionRequestDto {
                permission_id: Some(pid.clone()),
                user_ids: Some(vec![user.clone()]),
            }]),
            ..AssignRevokePermissionsRequestDto::default()
        };
        perms.assign_permissions(&body).await.unwrap();
        let holders = perms
            .get_permission_assigned_users(&PermissionId::new(pid.clone()))
            .all()
            .await
            .unwrap();
        assert!(
            holders
                .iter()
                .any(|h| h.user.user_id.as_deref() == Some(&user))
        );
        perms.remove_permissions(&body).await.unwrap();

        let group = client
            .user_groups()
            .list_user_groups()
            .send()
            .await
            .unwrap()
            .items[0]
            .user_group_id
            .clone()
            .unwrap();
        let to_groups = PermissionsToUserGroupsRequestDto {
            user_groups: Some(vec![PermissionsToUserGroupRequestDto {
                user_group_id: Some(group),
                permissions_ids: Some(vec![pid.clone()]),
            }]),
        };
        perms
            .assign_permissions_to_user_groups(&to_groups)
            .await
            .unwrap();
        perms
            .revoke_permissions_from_user_groups(&to_groups)
            .await
            .unwrap();

        for op in [
            Operation::ListPermissions,
            Operation::CreatePermissions,
            Operation::AssignPermissionsToUsers,
            Operation::RemovePermissionsFromUsers,
            Operation::ListPermissionUsers,
            Operation::AssignPermissionsToUserGroups,
            Operation::RemovePermissionsFromUserGroups,
        ] {
            assert_eq!(sim.call_count(op), 1, "{op}");
        }
    })
    .await;
}
