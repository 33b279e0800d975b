//! User groups: V1 listing and membership, V2 definitions.

use vsync_api::paths::{self, Operation};
use vsync_api::query::{UserGroupUsersQuery, UserGroupsV1Query, UserGroupsV2Query};
use vsync_api::{
    SecurityAssignmentResponseDto, SimpleUserDto, UserGroupChangeDefinitionDto,
    UserGroupChangeResponseDto, UserGroupDeleteResponseDto, UserGroupDetail,
    UserGroupGetApiResponseDto, UserGroupSingleDeleteResponseDto, UserGroupsChangeDto,
    UserGroupsDeleteRequestDto, UserGroupsGetApiResponseDto, UserGroupsRevertRequestDto,
    UserGroupsUsersDto, UsersToUserGroupsRequestDto, limits,
};
use vsync_model::UserGroupId;

use super::handler;
use crate::ClientError;
use crate::page::{ItemStream, Lister, PageBody};

handler!(
    /// User groups: `client.user_groups()`.
    UserGroupsHandler
);

/// A member of a user group, with the tenant it was listed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupUser {
    /// The tenant (`tenants[].tenantCode`), when given.
    pub tenant_code: Option<String>,
    /// The user.
    pub user: SimpleUserDto,
}

impl PageBody for UserGroupsGetApiResponseDto {
    type Item = UserGroupGetApiResponseDto;

    fn into_items(self) -> (Vec<Self::Item>, Option<u32>) {
        (self.user_groups.unwrap_or_default(), self.limit)
    }
}

impl PageBody for UserGroupsChangeDto {
    type Item = UserGroupChangeDefinitionDto;

    fn into_items(self) -> (Vec<Self::Item>, Option<u32>) {
        (self.user_groups.unwrap_or_default(), None)
    }
}

impl PageBody for UserGroupsUsersDto {
    type Item = GroupUser;

    fn into_items(self) -> (Vec<Self::Item>, Option<u32>) {
        let items = super::per_tenant(
            self.tenants,
            |t| (t.tenant_code, t.users),
            |tenant_code, user| GroupUser { tenant_code, user },
        );
        (items, self.limit)
    }
}

impl UserGroupsHandler {
    /// `GET /v1/admin/user-groups` (`UsersV1_GetAllUserGroups`), 1000 a page.
    pub fn get_all_user_groups(&self) -> Lister<UserGroupsV1Query, UserGroupsGetApiResponseDto> {
        let op = Operation::ListUserGroupsV1;
        let query = UserGroupsV1Query {
            tenant_code: self.tenant_code(op, None),
            ..UserGroupsV1Query::default()
        };
        Lister::new(
            self.client.clone(),
            op,
            paths::USER_GROUPS_V1.to_owned(),
            self.options(),
            query,
            limits::MAX_GROUPS_PAGE_V2,
        )
    }

    /// `GET /v1/admin/user-groups/{userGroupId}/users`
    /// (`UsersV1_GetUserGroupUsers`), 100 a page; users of every tenant in
    /// one list.
    pub fn get_user_group_users(
        &self,
        group: &UserGroupId,
    ) -> Lister<UserGroupUsersQuery, UserGroupsUsersDto> {
        Lister::new(
            self.client.clone(),
            Operation::ListUserGroupUsers,
            paths::user_group_users_v1(group.as_str()),
            self.options(),
            UserGroupUsersQuery::default(),
            limits::MAX_GROUP_USERS_PAGE,
        )
    }

    /// Every member of a group, as a stream.
    pub fn list_all_user_group_users(&self, group: &UserGroupId) -> ItemStream<GroupUser> {
        self.get_user_group_users(group).into_stream()
    }

    /// `PUT /v1/admin/user-groups/users` (`UsersV1_AddUsersToUserGroup`):
    /// up to 100 user IDs per group.
    pub async fn add_users_to_user_group(
        &self,
        body: &UsersToUserGroupsRequestDto,
    ) -> Result<SecurityAssignmentResponseDto, ClientError> {
        self.send_json(
            Operation::AddUsersToUserGroups,
            paths::USER_GROUPS_USERS_V1,
            body,
        )
        .await
    }

    /// `DELETE /v1/admin/user-groups/users` (`UsersV1_RemoveUsersFromUserGroup`).
    pub async fn remove_users_from_user_group(
        &self,
        body: &UsersToUserGroupsRequestDto,
    ) -> Result<SecurityAssignmentResponseDto, ClientError> {
        self.send_json(
            Operation::RemoveUsersFromUserGroups,
            paths::USER_GROUPS_USERS_V1,
            body,
        )
        .await
    }

    /// `GET /v2/admin/user-groups` (`UserGroupsV2_GetUserGroups`), 1000 a page.
    pub fn list_user_groups(&self) -> Lister<UserGroupsV2Query, UserGroupsChangeDto> {
        Lister::new(
            self.client.clone(),
            Operation::ListUserGroupsV2,
            paths::USER_GROUPS_V2.to_owned(),
            self.options(),
            UserGroupsV2Query::default(),
            limits::MAX_GROUPS_PAGE_V2,
        )
    }

    /// Every user group (v2), as a stream, with the given detail.
    pub fn list_all_user_groups(
        &self,
        with: Option<UserGroupDetail>,
    ) -> ItemStream<UserGroupChangeDefinitionDto> {
        self.list_user_groups()
            .query(|q| q.with = with)
            .into_stream()
    }

    /// `GET /v2/admin/user-groups/{userGroupId}` (`UserGroupsV2_GetUserGroup`).
    pub async fn get_user_group(
        &self,
        group: &UserGroupId,
        with: Option<UserGroupDetail>,
    ) -> Result<UserGroupChangeDefinitionDto, ClientError> {
        let query = UserGroupsV2Query {
            with,
            ..UserGroupsV2Query::default()
        };
        let req = self
            .request(
                Operation::GetUserGroup,
                paths::user_group_v2(group.as_str()),
            )
            .query(&query)?;
        self.client.call_json(req).await
    }

    /// `POST /v2/admin/user-groups` (`UserGroupsV2_CreateUserGroups`).
    ///
    /// Not repeated once it may have reached the server: a lost answer is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown);
    /// re-read by correlation id.
    pub async fn create_user_groups(
        &self,
        groups: &UserGroupsChangeDto,
    ) -> Result<UserGroupChangeResponseDto, ClientError> {
        self.send_json(Operation::CreateUserGroups, paths::USER_GROUPS_V2, groups)
            .await
    }

    /// `PUT /v2/admin/user-groups` (`UserGroupsV2_PutUserGroups`): replaces
    /// whole definitions.
    pub async fn update_user_groups(
        &self,
        groups: &UserGroupsChangeDto,
    ) -> Result<UserGroupChangeResponseDto, ClientError> {
        self.send_json(Operation::PutUserGroups, paths::USER_GROUPS_V2, groups)
            .await
    }

    /// `PATCH /v2/admin/user-groups` (`UserGroupsV2_PatchUserGroups`):
    /// changes only what is given.
    pub async fn patch_user_groups(
        &self,
        groups: &UserGroupsChangeDto,
    ) -> Result<UserGroupChangeResponseDto, ClientError> {
        self.send_json(Operation::PatchUserGroups, paths::USER_GROUPS_V2, groups)
            .await
    }

    /// `DELETE /v2/admin/user-groups` (`UserGroupsV2_DeleteUserGroups`).
    pub async fn delete_user_groups(
        &self,
        groups: &UserGroupsDeleteRequestDto,
    ) -> Result<UserGroupDeleteResponseDto, ClientError> {
        self.send_json(Operation::DeleteUserGroups, paths::USER_GROUPS_V2, groups)
            .await
    }

    /// `DELETE /v2/admin/user-groups/{userGroupId}` (`UserGroupsV2_DeleteUserGroup`).
    pub async fn delete_user_group(
        &self,
        group: &UserGroupId,
    ) -> Result<UserGroupSingleDeleteResponseDto, ClientError> {
        let req = self.request(
            Operation::DeleteUserGroup,
            paths::user_group_v2(group.as_str()),
        );
        self.client.call_json(req).await
    }

    /// `POST /v2/admin/user-groups/revert-to-parent`
    /// (`UserGroupsV2_RevertUserGroupsToParent`).
    pub async fn revert_user_groups(
        &self,
        groups: &UserGroupsRevertRequestDto,
    ) -> Result<UserGroupChangeResponseDto, ClientError> {
        self.send_json(
            Operation::RevertUserGroups,
            paths::USER_GROUPS_REVERT_V2,
            groups,
        )
        .await
    }
}
