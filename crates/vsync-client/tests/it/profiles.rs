//! Every profile operation round-trips.

use vsync_api::{LocalTenantProfileAssignmentRequestDto, LocalTenantProfileRevokeRequestDto};
use vsync_client::{Operation, ProfileId, UserId};

use crate::harness::{client, sim, start, within};

#[tokio::test]
async fn profile_calls_round_trip() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        let profiles = client.profiles();

        let all = profiles
            .get_all_profiles()
            .await
            .unwrap()
            .profiles
            .unwrap_or_default();
        assert!(!all.is_empty());
        let pid = ProfileId::new(all[0].profile_id.clone().unwrap());
        let detail = profiles.get_profile_detail(&pid).await.unwrap();
        assert_eq!(detail.profile_id.as_deref(), Some(pid.as_str()));

        let user = client
            .users()
            .get_all_users()
            .page_size(5)
            .send()
            .await
            .unwrap()
            .items[2]
            .user_id
            .clone()
            .unwrap();
        let assigned = profiles
            .assign_profile(
                &pid,
                &LocalTenantProfileAssignmentRequestDto {
                    target_user_ids: Some(vec![user.clone()]),
                    ..LocalTenantProfileAssignmentRequestDto::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(assigned.successful_assignments.unwrap_or_default().len(), 1);
        let mine = profiles
            .get_user_profile(&UserId::new(user.clone()))
            .await
            .unwrap();
        assert!(
            mine.assigned_profiles
                .unwrap_or_default()
                .iter()
                .any(|p| p.profile_id.as_deref() == Some(pid.as_str()))
        );
        let removed = profiles
            .remove_profile(
                &pid,
                &LocalTenantProfileRevokeRequestDto {
                    target_user_ids: Some(vec![user]),
                },
            )
            .await
            .unwrap();
        assert_eq!(removed.succeeded.unwrap_or_default().len(), 1);

        for op in [
            Operation::ListProfiles,
            Operation::GetProfile,
            Operation::AssignProfile,
            Operation::RemoveProfile,
            Operation::GetUserProfiles,
        ] {
            assert_eq!(sim.call_count(op), 1, "{op}");
        }
    })
    .await;
}
