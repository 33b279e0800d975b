//! Exact call counts when listing: a short page ends the list, and the
//! one extra call happens only after a full last page.

use futures::TryStreamExt;
use vsync_client::Operation;

use crate::harness::{client, sim, start, within};

/// Lists every user of a tenant holding `total` users and returns the
/// number listed and the calls the tenant received.
async fn list(total: usize) -> (usize, usize, u64) {
    let builder = if total == 0 {
        sim().empty()
    } else {
        // `seed_users` adds generated users besides `admin`.
        sim().seed_users(total - 1)
    };
    let sim = start(builder).await;
    let client = client(&sim).build().unwrap();
    let users: Vec<_> = client.users().list_all_users().try_collect().await.unwrap();
    (
        users.len(),
        sim.call_count(Operation::ListUsers),
        client.metrics().calls_to(Operation::ListUsers),
    )
}

#[tokio::test]
async fn paging_call_counts_match_the_short_page_rule() {
    within(120, async {
        for (total, calls) in [(0, 1), (999, 1), (1000, 2), (1001, 2), (5000, 6)] {
            let (listed, server_calls, counted) = list(total).await;
            assert_eq!(listed, total, "{total} users");
            assert_eq!(server_calls, calls, "calls for {total} users");
            assert_eq!(counted, calls as u64, "counted calls for {total} users");
        }
    })
    .await;
}

#[tokio::test]
async fn a_list_can_start_later_and_use_smaller_pages() {
    within(30, async {
        let sim = start(sim().seed_users(249)).await;
        let client = client(&sim).build().unwrap();
        let users = client
            .users()
            .get_all_users()
            .page_size(100)
            .start(50)
            .all()
            .await
            .unwrap();
        assert_eq!(users.len(), 200);
        // 50..150, 150..250, then a short page? No: 200 = 2 full pages, so
        // a third call finds nothing.
        assert_eq!(sim.call_count(Operation::ListUsers), 3);
        let first = client
            .users()
            .get_all_users()
            .page_size(100)
            .send()
            .await
            .unwrap();
        assert_eq!(first.items.len(), 100);
        assert!(!first.is_last());
        assert_eq!(first.next_start(), Some(100));
    })
    .await;
}

/// Group members come 100 a page: 200 members cost three calls (the
/// third finds the list ended), 150 cost two.
#[tokio::test]
async fn group_users_page_by_one_hundred() {
    use vsync_api::{
        ElementIdsDto, UserGroupChangeDefinitionDto, UserGroupChangeUsersDto, UserGroupsChangeDto,
    };
    use vsync_client::UserGroupId;

    within(60, async {
        let sim = start(sim().seed_users(300)).await;
        let client = client(&sim).build().unwrap();
        let ids: Vec<String> = client
            .users()
            .get_all_users()
            .all()
            .await
            .unwrap()
            .into_iter()
            .filter_map(|u| u.user_id)
            .collect();
        for (members, calls) in [(200usize, 3usize), (150, 2)] {
            let created = client
                .user_groups()
                .create_user_groups(&UserGroupsChangeDto {
                    user_groups: Some(vec![UserGroupChangeDefinitionDto {
                        display_name: Some(format!("Big {members}")),
                        correlation_id: Some(format!("big-{members}")),
                        users: Some(UserGroupChangeUsersDto {
                            include_all_users: Some(false),
                            manually_included_ids: Some(ElementIdsDto {
                                ids: Some(ids[..members].to_vec()),
                            }),
                            ..UserGroupChangeUsersDto::default()
                        }),
                        ..UserGroupChangeDefinitionDto::default()
                    }]),
                })
                .await
                .unwrap();
            let id = UserGroupId::new(
                created.successes.unwrap_or_default()[0]
                    .user_group_id
                    .clone()
                    .unwrap(),
            );
            let before = sim.call_count(Operation::ListUserGroupUsers);
            let listed = client
                .user_groups()
                .list_all_user_group_users(&id)
                .try_collect::<Vec<_>>()
                .await
                .unwrap();
            assert_eq!(listed.len(), members);
            assert_eq!(
                sim.call_count(Operation::ListUserGroupUsers) - before,
                calls
            );
        }
    })
    .await;
}
