//! Every user-group operation (v1 and v2) round-trips.

use vsync_api::{
    ElementIdsDto, UserGroupChangeDefinitionDto, UserGroupChangeUsersDto, UserGroupDeleteDto,
    UserGroupDetail, UserGroupRevertDto, UserGroupsChangeDto, UserGroupsDeleteRequestDto,
    UserGroupsRevertRequestDto, UsersToUserGroupRequestDto, UsersToUserGroupsRequestDto,
};
use vsync_client::{Operation, UserGroupId};

use crate::harness::{client, sim, start, within};

fn group(name: &str, correlation: &str, members: Vec<String>) -> UserGroupChangeDefinitionDto {
    UserGroupChangeDefinitionDto {
        display_name: Some(name.into()),
        description: Some(format!("{name} (test)")),
        correlation_id: Some(correlation.into()),
        users: Some(UserGroupChangeUsersDto {
            include_all_users: Some(false),
            manually_included_ids: Some(ElementIdsDto { ids: Some(members) }),
            ..UserGroupChangeUsersDto::default()
        }),
        ..UserGroupChangeDefinitionDto::default()
    }
}

#[tokio::test]
async fn user_group_calls_round_trip() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        let groups = client.user_groups();
        let users = client.users().get_all_users().all().await.unwrap();
        let uid = |i: usize| users[i].user_id.clone().unwrap();

        let v1 = groups.get_all_user_groups().all().await.unwrap();
        let v2 = groups.list_user_groups().all().await.unwrap();
        assert!(!v1.is_empty());
        assert_eq!(v1.len(), v2.len());

        let created = groups
            .create_user_groups(&UserGroupsChangeDto {
                user_groups: Some(vec![group("Testers", "corr-testers-1", vec![uid(1)])]),
            })
            .await
            .unwrap();
        let success = &created.successes.clone().unwrap_or_default()[0];
        assert_eq!(success.correlation_id.as_deref(), Some("corr-testers-1"));
        let id = UserGroupId::new(success.user_group_id.clone().unwrap());

        let detail = groups
            .get_user_group(&id, Some(UserGroupDetail::Details))
            .await
            .unwrap();
        assert_eq!(detail.display_name.as_deref(), Some("Testers"));

        let mut replaced = group("Testers", "corr-testers-2", vec![uid(1), uid(2)]);
        replaced.user_group_id = Some(id.to_string());
        replaced.correlation_id = None;
        groups
            .update_user_groups(&UserGroupsChangeDto {
                user_groups: Some(vec![replaced]),
            })
            .await
            .unwrap();
        groups
            .patch_user_groups(&UserGroupsChangeDto {
                user_groups: Some(vec![UserGroupChangeDefinitionDto {
                    user_group_id: Some(id.to_string()),
                    description: Some("patched".into()),
                    ..UserGroupChangeDefinitionDto::default()
                }]),
            })
            .await
            .unwrap();

        groups
            .add_users_to_user_group(&UsersToUserGroupsRequestDto {
                user_groups: Some(vec![UsersToUserGroupRequestDto {
                    user_group_id: Some(id.to_string()),
                    user_ids: Some(vec![uid(3)]),
                }]),
                ..UsersToUserGroupsRequestDto::default()
            })
            .await
            .unwrap();
        let members = groups.get_user_group_users(&id).all().await.unwrap();
        assert_eq!(members.len(), 3, "{members:?}");
        groups
            .remove_users_from_user_group(&UsersToUserGroupsRequestDto {
                user_groups: Some(vec![UsersToUserGroupRequestDto {
                    user_group_id: Some(id.to_string()),
                    user_ids: Some(vec![uid(3)]),
                }]),
                ..UsersToUserGroupsRequestDto::default()
            })
            .await
            .unwrap();
        let members = groups.get_user_group_users(&id).all().await.unwrap();
        assert_eq!(members.len(), 2);

        groups
            .revert_user_groups(&UserGroupsRevertRequestDto {
                user_groups: Some(vec![UserGroupRevertDto {
                    user_group_id: Some(id.to_string()),
                    ..UserGroupRevertDto::default()
                }]),
            })
            .await
            .unwrap();

        let second = groups
            .create_user_groups(&UserGroupsChangeDto {
                user_groups: Some(vec![group("Second", "corr-second-1", vec![])]),
            })
            .await
            .unwrap();
        let second_id = second.successes.unwrap_or_default()[0]
            .user_group_id
            .clone()
            .unwrap();
        let deleted = groups.delete_user_group(&id).await.unwrap();
        assert!(deleted.success.is_some(), "{deleted:?}");
        let deleted = groups
            .delete_user_groups(&UserGroupsDeleteRequestDto {
                user_groups: Some(vec![UserGroupDeleteDto {
                    user_group_id: Some(second_id),
                    ..UserGroupDeleteDto::default()
                }]),
            })
            .await
            .unwrap();
        assert_eq!(deleted.successes.unwrap_or_default().len(), 1);

        for op in [
            Operation::CreateUserGroups,
            Operation::PutUserGroups,
            Operation::PatchUserGroups,
            Operation::AddUsersToUserGroups,
            Operation::RemoveUsersFromUserGroups,
            Operation::RevertUserGroups,
            Operation::DeleteUserGroup,
            Operation::DeleteUserGroups,
            Operation::GetUserGroup,
            Operation::ListUserGroupsV1,
        ] {
            assert!(sim.call_count(op) >= 1, "{op}");
        }
    })
    .await;
}
