//! Users V1 (single user), V2 (bulk) and V3 (upsert).

use vsync_api::paths::{self, Operation};
use vsync_api::query::{TenantCodeQuery, UsersV1Query};
use vsync_api::{
    AllUsersGetApiResponseDto, DeleteUserResponse, UserCreationApiRequestDto,
    UserCreationApiResponseDto, UserGetApiResponseDto, UserUpdateApiRequestDto,
    UserV3ApiRequestDto, UserV3ApiResponseDto, UsersApiResponseDto, UsersCreationApiRequestDto,
    UsersDeleteApiRequestDto, UsersUpdateApiRequestDto, limits,
};
use vsync_model::UserId;

use super::handler;
use crate::ClientError;
use crate::page::{ItemStream, Lister, PageBody};

handler!(
    /// Users: `client.users()`.
    UsersHandler
);

impl PageBody for AllUsersGetApiResponseDto {
    type Item = UserGetApiResponseDto;

    fn into_items(self) -> (Vec<Self::Item>, Option<u32>) {
        (self.users.unwrap_or_default(), self.limit)
    }
}

impl UsersHandler {
    fn tenant_query(&self, op: Operation) -> TenantCodeQuery {
        TenantCodeQuery {
            tenant_code: self.tenant_code(op, None),
        }
    }

    /// `POST /v1/admin/users` (`UsersV1_AddUser`): creates one user.
    ///
    /// Not repeated once it may have reached the server: a lost answer is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown).
    pub async fn add_user(
        &self,
        user: &UserCreationApiRequestDto,
    ) -> Result<UserCreationApiResponseDto, ClientError> {
        let op = Operation::AddUser;
        let req = self
            .request(op, paths::USERS_V1)
            .query(&self.tenant_query(op))?
            .json(user)?;
        self.client.call_json(req).await
    }

    /// `GET /v1/admin/users/{userId}` (`UsersV1_GetUserDetail`).
    pub async fn get_user_detail(
        &self,
        user_id: &UserId,
    ) -> Result<UserGetApiResponseDto, ClientError> {
        self.get_user_detail_with(user_id, UsersV1Query::default())
            .await
    }

    /// [`UsersHandler::get_user_detail`] with the `assigned*` flags;
    /// `limit` and `start` are ignored.
    pub async fn get_user_detail_with(
        &self,
        user_id: &UserId,
        mut query: UsersV1Query,
    ) -> Result<UserGetApiResponseDto, ClientError> {
        let op = Operation::GetUser;
        query.limit = None;
        query.start = None;
        query.tenant_code = self.tenant_code(op, query.tenant_code);
        let req = self
            .request(op, paths::user_v1(user_id.as_str()))
            .query(&query)?;
        self.client.call_json(req).await
    }

    /// `GET /v1/admin/users` (`UsersV1_GetAllUsers`), 1000 users a page.
    pub fn get_all_users(&self) -> Lister<UsersV1Query, AllUsersGetApiResponseDto> {
        let op = Operation::ListUsers;
        let query = UsersV1Query {
            tenant_code: self.tenant_code(op, None),
            ..UsersV1Query::default()
        };
        Lister::new(
            self.client.clone(),
            op,
            paths::USERS_V1.to_owned(),
            self.options(),
            query,
            limits::MAX_USERS_PAGE,
        )
    }

    /// Every user, as a stream (`get_all_users().into_stream()`).
    pub fn list_all_users(&self) -> ItemStream<UserGetApiResponseDto> {
        self.get_all_users().into_stream()
    }

    /// `PUT /v1/admin/users/{userId}` (`UsersV1_UpdateUser`).
    pub async fn update_user(
        &self,
        user_id: &UserId,
        update: &UserUpdateApiRequestDto,
    ) -> Result<UserUpdateApiRequestDto, ClientError> {
        let op = Operation::UpdateUser;
        let req = self
            .request(op, paths::user_v1(user_id.as_str()))
            .query(&self.tenant_query(op))?
            .json(update)?;
        self.client.call_json(req).await
    }

    /// `DELETE /v1/admin/users/{userId}` (`UsersV1_DeleteUser`).
    pub async fn delete_user(&self, user_id: &UserId) -> Result<DeleteUserResponse, ClientError> {
        let op = Operation::DeleteUser;
        let req = self
            .request(op, paths::user_v1(user_id.as_str()))
            .query(&self.tenant_query(op))?;
        self.client.call_json(req).await
    }

    /// `POST /v2/admin/users` (`UsersV2_AddUsers`): up to 100 users; some
    /// may fail while others succeed.
    ///
    /// Not repeated once it may have reached the server: a lost answer is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown).
    pub async fn add_users(
        &self,
        users: &UsersCreationApiRequestDto,
    ) -> Result<UsersApiResponseDto, ClientError> {
        let op = Operation::AddUsers;
        let req = self
            .request(op, paths::USERS_V2)
            .query(&self.tenant_query(op))?
            .json(users)?;
        self.client.call_json(req).await
    }

    /// `PUT /v2/admin/users` (`UsersV2_UpdateUsers`): up to 100 users.
    pub async fn update_users(
        &self,
        users: &UsersUpdateApiRequestDto,
    ) -> Result<UsersApiResponseDto, ClientError> {
        let op = Operation::UpdateUsers;
        let req = self
            .request(op, paths::USERS_V2)
            .query(&self.tenant_query(op))?
            .json(users)?;
        self.client.call_json(req).await
    }

    /// `DELETE /v2/admin/users` (`UsersV2_DeleteUsers`): up to 100 users.
    pub async fn delete_users(
        &self,
        users: &UsersDeleteApiRequestDto,
    ) -> Result<UsersApiResponseDto, ClientError> {
        let op = Operation::DeleteUsers;
        let req = self
            .request(op, paths::USERS_V2)
            .query(&self.tenant_query(op))?
            .json(users)?;
        self.client.call_json(req).await
    }

    /// `PUT /v3/admin/users/{username}` (`UsersV3_UpdateUsers`): creates or
    /// replaces the whole user, groups, permissions and profiles included.
    pub async fn upsert_user_v3(
        &self,
        username: &str,
        user: &UserV3ApiRequestDto,
    ) -> Result<UserV3ApiResponseDto, ClientError> {
        self.send_json(Operation::UpsertUser, paths::user_v3(username), user)
            .await
    }
}
