//! Every user operation round-trips through the simulated tenant.

use vsync_api::{
    UserCreationApiRequestDto, UserUpdateApiRequestDto, UserV3ApiRequestDto,
    UsersCreationApiRequestDto, UsersDeleteApiRequestDto, UsersUpdateApiRequestDto,
    UsersUpdateApiUserDto, bool_str,
};
use vsync_client::{Operation, UserId};

use crate::harness::{client, sim, start, within};

fn new_user(username: &str) -> UserCreationApiRequestDto {
    UserCreationApiRequestDto {
        username: Some(username.into()),
        display_name: Some(format!("Test {username}")),
        employee_id: Some(format!("E-{username}")),
        account_enabled: Some(bool_str(true)),
        email: Some(username.into()),
    }
}

#[tokio::test]
async fn v1_user_calls_round_trip() {
    within(30, async {
        let sim = start(sim().seed_users(5)).await;
        let client = client(&sim).build().unwrap();
        let users = client.users();

        let created = users.add_user(&new_user("ada@example.com")).await.unwrap();
        let id = UserId::new(created.user_id.clone().expect("a new user has an id"));
        assert_eq!(created.username.as_deref(), Some("ada@example.com"));

        let detail = users.get_user_detail(&id).await.unwrap();
        assert_eq!(detail.username.as_deref(), Some("ada@example.com"));
        assert_eq!(detail.account_enabled, Some(true));

        let updated = users
            .update_user(
                &id,
                &UserUpdateApiRequestDto {
                    display_name: Some("Ada L.".into()),
                    ..UserUpdateApiRequestDto::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(updated.display_name.as_deref(), Some("Ada L."));
        assert_eq!(
            users
                .get_user_detail(&id)
                .await
                .unwrap()
                .display_name
                .as_deref(),
            Some("Ada L.")
        );

        users.delete_user(&id).await.unwrap();
        let gone = users.get_user_detail(&id).await.unwrap_err();
        assert_eq!(gone.status().map(|s| s.as_u16()), Some(404), "{gone}");
        assert!(!gone.is_retryable());

        for op in [
            Operation::AddUser,
            Operation::UpdateUser,
            Operation::DeleteUser,
        ] {
            assert_eq!(sim.call_count(op), 1, "{op}");
            assert_eq!(client.metrics().calls_to(op), 1, "{op}");
        }
        assert_eq!(sim.call_count(Operation::GetUser), 3);
    })
    .await;
}

#[tokio::test]
async fn v2_bulk_and_v3_upsert_round_trip() {
    within(30, async {
        let sim = start(sim().seed_users(5)).await;
        let client = client(&sim).build().unwrap();
        let users = client.users();

        let added = users
            .add_users(&UsersCreationApiRequestDto {
                users: Some(vec![new_user("b1@example.com"), new_user("b2@example.com")]),
            })
            .await
            .unwrap();
        let successes = added.successes.unwrap_or_default();
        assert_eq!(successes.len(), 2, "{:?}", added.failures);
        let ids: Vec<String> = successes.iter().filter_map(|s| s.user_id.clone()).collect();

        let updated = users
            .update_users(&UsersUpdateApiRequestDto {
                users: Some(
                    ids.iter()
                        .map(|id| UsersUpdateApiUserDto {
                            user_id: Some(id.clone()),
                            account_enabled: Some(bool_str(false)),
                            ..UsersUpdateApiUserDto::default()
                        })
                        .collect(),
                ),
            })
            .await
            .unwrap();
        assert_eq!(updated.successes.unwrap_or_default().len(), 2);
        let detail = users
            .get_user_detail(&UserId::new(ids[0].clone()))
            .await
            .unwrap();
        assert_eq!(detail.account_enabled, Some(false));

        let deleted = users
            .delete_users(&UsersDeleteApiRequestDto {
                user_ids: Some(ids.clone()),
            })
            .await
            .unwrap();
        assert_eq!(deleted.successes.unwrap_or_default().len(), 2);

        let upserted = users
            .upsert_user_v3(
                "c+3@example.com",
                &UserV3ApiRequestDto {
                    username: Some("c+3@example.com".into()),
                    display_name: Some("Cee".into()),
                    account_enabled: Some(bool_str(true)),
                    ..UserV3ApiRequestDto::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(upserted.username.as_deref(), Some("c+3@example.com"));
        let id = UserId::new(upserted.user_id.expect("upsert returns the id"));
        let profiles = client.profiles().get_user_profile(&id).await.unwrap();
        assert!(profiles.assigned_profiles.unwrap_or_default().is_empty());

        for op in [
            Operation::AddUsers,
            Operation::UpdateUsers,
            Operation::DeleteUsers,
            Operation::UpsertUser,
            Operation::GetUserProfiles,
        ] {
            assert_eq!(sim.call_count(op), 1, "{op}");
        }
    })
    .await;
}

#[tokio::test]
async fn list_users_with_assignments_decodes_every_user() {
    within(30, async {
        let sim = start(sim().seed_users(30)).await;
        let client = client(&sim).build().unwrap();
        let page = client
            .users()
            .get_all_users()
            .query(|q| {
                q.assigned_user_groups = Some(true);
                q.assigned_permissions = Some(true);
                q.assigned_profiles = Some(true);
            })
            .send()
            .await
            .unwrap();
        assert_eq!(page.items.len(), 31);
        assert!(page.is_last());
        assert_eq!(page.start, 0);
        assert_eq!(page.limit, 1000);
        assert!(page.items.iter().all(|u| u.user_id.is_some()));
    })
    .await;
}
