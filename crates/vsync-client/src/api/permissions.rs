//! Permissions: listing, creation, assignment to users and user groups.

use vsync_api::paths::{self, Operation};
use vsync_api::query::{PermissionUsersQuery, PermissionsQuery};
use vsync_api::{
    AssignRevokePermissionsRequestDto, AssignRevokePermissionsResponseDto,
    GetPermissionsApiResponseDto, PermissionAssignedUserDto, PermissionAssignedUsersDto,
    PermissionBulkOperationResponseDto, PermissionsListDto, PermissionsToUserGroupForTenantDto,
    PermissionsToUserGroupsRequestDto, limits,
};
use vsync_model::PermissionId;

use super::handler;
use crate::ClientError;
use crate::page::{ItemStream, Lister, PageBody};

handler!(
    /// Permissions: `client.permissions()`.
    PermissionsHandler
);

/// A user holding a permission, with the tenant it was listed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionUser {
    /// The tenant (`tenants[].tenantCode`), when given.
    pub tenant_code: Option<String>,
    /// The user and where the permission comes from.
    pub user: PermissionAssignedUserDto,
}

impl PageBody for PermissionAssignedUsersDto {
    type Item = PermissionUser;

    fn into_items(self) -> (Vec<Self::Item>, Option<u32>) {
        let items = super::per_tenant(
            self.tenants,
            |t| (t.tenant_code, t.users),
            |tenant_code, user| PermissionUser { tenant_code, user },
        );
        (items, self.limit)
    }
}

impl PermissionsHandler {
    /// `GET /v1/admin/permissions` (`Permissions_GetPermissions`).
    pub async fn get_permissions(
        &self,
        mut query: PermissionsQuery,
    ) -> Result<GetPermissionsApiResponseDto, ClientError> {
        let op = Operation::ListPermissions;
        query.tenant_code = self.tenant_code(op, query.tenant_code);
        let req = self.request(op, paths::PERMISSIONS).query(&query)?;
        self.client.call_json(req).await
    }

    /// `POST /v1/admin/permissions` (`Permissions_CreatePermissions`).
    ///
    /// Not repeated once it may have reached the server: a lost answer is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown).
    pub async fn create_permissions(
        &self,
        permissions: &PermissionsListDto,
    ) -> Result<PermissionBulkOperationResponseDto, ClientError> {
        let op = Operation::CreatePermissions;
        let query = vsync_api::query::TenantCodeQuery {
            tenant_code: self.tenant_code(op, None),
        };
        let req = self
            .request(op, paths::PERMISSIONS)
            .query(&query)?
            .json(permissions)?;
        self.client.call_json(req).await
    }

    /// `PUT /v1/admin/permissions/users` (`UsersV1_AssignPermissions`).
    pub async fn assign_permissions(
        &self,
        body: &AssignRevokePermissionsRequestDto,
    ) -> Result<AssignRevokePermissionsResponseDto, ClientError> {
        self.send_json(
            Operation::AssignPermissionsToUsers,
            paths::PERMISSIONS_USERS,
            body,
        )
        .await
    }

    /// `DELETE /v1/admin/permissions/users` (`UsersV1_RemovePermissions`).
    pub async fn remove_permissions(
        &self,
        body: &AssignRevokePermissionsRequestDto,
    ) -> Result<AssignRevokePermissionsResponseDto, ClientError> {
        self.send_json(
            Operation::RemovePermissionsFromUsers,
            paths::PERMISSIONS_USERS,
            body,
        )
        .await
    }

    /// `PUT /v1/admin/user-groups/permissions`
    /// (`UsersV1_AssignPermissionsToUserGroups`).
    pub async fn assign_permissions_to_user_groups(
        &self,
        body: &PermissionsToUserGroupsRequestDto,
    ) -> Result<PermissionsToUserGroupForTenantDto, ClientError> {
        self.send_json(
            Operation::AssignPermissionsToUserGroups,
            paths::USER_GROUPS_PERMISSIONS_V1,
            body,
        )
        .await
    }

    /// `DELETE /v1/admin/user-groups/permissions`
    /// (`UsersV1_RevokePermissionsFromUserGroups`).
    pub async fn revoke_permissions_from_user_groups(
        &self,
        body: &PermissionsToUserGroupsRequestDto,
    ) -> Result<PermissionsToUserGroupForTenantDto, ClientError> {
        self.send_json(
            Operation::RemovePermissionsFromUserGroups,
            paths::USER_GROUPS_PERMISSIONS_V1,
            body,
        )
        .await
    }

    /// `GET /v1/admin/permissions/{permissionId}/users`
    /// (`UsersV1_GetPermissionAssignedUsers`), 100 a page.
    pub fn get_permission_assigned_users(
        &self,
        permission: &PermissionId,
    ) -> Lister<PermissionUsersQuery, PermissionAssignedUsersDto> {
        Lister::new(
            self.client.clone(),
            Operation::ListPermissionUsers,
            paths::permission_users(permission.as_str()),
            self.options(),
            PermissionUsersQuery::default(),
            limits::MAX_PERMISSION_USERS_PAGE,
        )
    }

    /// Every user holding a permission, as a stream.
    pub fn list_all_permission_users(
        &self,
        permission: &PermissionId,
    ) -> ItemStream<PermissionUser> {
        self.get_permission_assigned_users(permission).into_stream()
    }
}
