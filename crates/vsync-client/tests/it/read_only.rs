//! The dry-run guard: a read-only client refuses every mutating request
//! before sending it, and still logs in and reads.

use vsync_api::{UserV3ApiRequestDto, UsersCreationApiRequestDto, UsersDeleteApiRequestDto};
use vsync_client::{ErrorKind, UserId};

use crate::harness::{client, sim, start, within};

#[tokio::test]
async fn read_only_client_sends_no_mutating_request() {
    within(30, async {
        let sim = start(sim().seed_users(5)).await;
        let client = client(&sim).read_only(true).build().unwrap();
        assert!(client.is_read_only());
        let users = client.users().get_all_users().all().await.unwrap();
        assert_eq!(users.len(), 6);

        let errors = [
            client
                .users()
                .add_users(&UsersCreationApiRequestDto::default())
                .await
                .unwrap_err(),
            client
                .users()
                .delete_users(&UsersDeleteApiRequestDto::default())
                .await
                .unwrap_err(),
            client
                .users()
                .upsert_user_v3("x@example.com", &UserV3ApiRequestDto::default())
                .await
                .unwrap_err(),
            client
                .users()
                .delete_user(&UserId::new("u"))
                .await
                .unwrap_err(),
        ];
        for err in errors {
            assert_eq!(err.kind(), ErrorKind::ReadOnly, "{err}");
            assert!(!err.is_retryable());
        }
        assert_eq!(sim.mutating_request_count(), 0);
        assert_eq!(
            client.metrics().calls_to(vsync_client::Operation::AddUsers),
            0
        );
    })
    .await;
}
