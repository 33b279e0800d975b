//! Raw mode and the response every error carries.

use vsync_api::paths;
use vsync_api::query::UsersV1Query;
use vsync_client::{ErrorKind, Operation, UserId};

use crate::harness::{client, sim, start, within};

#[tokio::test]
async fn raw_mode_returns_status_headers_body_and_time() {
    within(30, async {
        let sim = start(sim().seed_users(3)).await;
        let client = client(&sim).build().unwrap();
        let raw = client
            .raw(Operation::ListUsers)
            .query(&UsersV1Query {
                limit: Some(2),
                ..UsersV1Query::default()
            })
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status.as_u16(), 200);
        assert!(raw.headers.contains_key("content-type"));
        assert!(!raw.round_trip.is_zero());
        let page: vsync_api::AllUsersGetApiResponseDto = raw.json().unwrap();
        assert_eq!(page.users.unwrap().len(), 2);

        // Any status comes back as is.
        let missing = client
            .raw(Operation::GetUser)
            .path(paths::user_v1("nobody"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status.as_u16(), 404);
        assert!(missing.status_body().is_some());

        // A template path is refused before anything is sent.
        let err = client.raw(Operation::GetUser).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        // So is a path that is not the operation's, or could change the
        // host the API key goes to.
        for path in ["@evil.example/v1/admin/users/x", "/v1/admin/permissions"] {
            let err = client
                .raw(Operation::GetUser)
                .path(path)
                .send()
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn every_error_carries_its_response() {
    within(30, async {
        let sim = start(sim()).await;
        let client = client(&sim).build().unwrap();
        let err = client
            .users()
            .get_user_detail(&UserId::new("nobody"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Http);
        let response = err.response().expect("the 404 is kept");
        assert_eq!(response.status.as_u16(), 404);
        assert!(!response.body.is_empty());
        assert!(
            response
                .headers
                .contains_key("x-ratelimit-remaining-minute")
                || sim.config().rate_limit_minute == 0
        );
        assert!(!response.round_trip.is_zero());
        assert_eq!(err.operation(), Some(Operation::GetUser));
        let text = err.to_string();
        assert!(text.contains("404"), "{text}");
        assert!(text.contains("/v1/admin/users/{userId}"), "{text}");
    })
    .await;
}
