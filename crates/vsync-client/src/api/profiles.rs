//! Profiles: listing, details, assignment, removal.

use vsync_api::paths::{self, Operation};
use vsync_api::{
    AllProfileAssignedForLocalTenantDto, LocalTenantProfileAssignmentRequestDto,
    LocalTenantProfileAssignmentResponseDto, LocalTenantProfileRevokeRequestDto,
    LocalTenantProfileRevokeResponseDto, ProfileGetApiResponseDto, ProfilesGetApiResponseDto,
};
use vsync_model::{ProfileId, UserId};

use super::handler;
use crate::ClientError;

handler!(
    /// Profiles: `client.profiles()`.
    ProfilesHandler
);

impl ProfilesHandler {
    /// `GET /v1/admin/profiles` (`Profiles_GetAllProfiles`).
    pub async fn get_all_profiles(&self) -> Result<ProfilesGetApiResponseDto, ClientError> {
        let req = self.request(Operation::ListProfiles, paths::PROFILES);
        self.client.call_json(req).await
    }

    /// `GET /v1/admin/profiles/{profileId}` (`Profiles_GetProfileDetail`).
    pub async fn get_profile_detail(
        &self,
        profile: &ProfileId,
    ) -> Result<ProfileGetApiResponseDto, ClientError> {
        let req = self.request(Operation::GetProfile, paths::profile(profile.as_str()));
        self.client.call_json(req).await
    }

    /// `PUT /v1/admin/profiles/{profileId}/assign` (`Profiles_AssignProfile`).
    pub async fn assign_profile(
        &self,
        profile: &ProfileId,
        body: &LocalTenantProfileAssignmentRequestDto,
    ) -> Result<LocalTenantProfileAssignmentResponseDto, ClientError> {
        let req = self
            .request(
                Operation::AssignProfile,
                paths::profile_assign(profile.as_str()),
            )
            .json(body)?;
        self.client.call_json(req).await
    }

    /// `DELETE /v1/admin/profiles/{profileId}/remove` (`Profiles_RemoveProfile`).
    pub async fn remove_profile(
        &self,
        profile: &ProfileId,
        body: &LocalTenantProfileRevokeRequestDto,
    ) -> Result<LocalTenantProfileRevokeResponseDto, ClientError> {
        let req = self
            .request(
                Operation::RemoveProfile,
                paths::profile_remove(profile.as_str()),
            )
            .json(body)?;
        self.client.call_json(req).await
    }

    /// `GET /v1/admin/users/{userId}/profiles` (`Profiles_GetUserProfile`).
    pub async fn get_user_profile(
        &self,
        user: &UserId,
    ) -> Result<AllProfileAssignedForLocalTenantDto, ClientError> {
        let req = self.request(
            Operation::GetUserProfiles,
            paths::user_profiles_v1(user.as_str()),
        );
        self.client.call_json(req).await
    }
}
