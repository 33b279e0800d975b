//! The path of every operation, so the simulator's routes and the client's
//! URLs agree by construction.
//!
//! `*_TEMPLATE` constants carry the spec's `{param}` placeholders, which is
//! also axum 0.8's route syntax. The functions fill a template with one
//! ID, percent-encoding it as a single path segment (usernames are emails
//! and may hold `+`, `/` or `%`); axum's `Path` extractor decodes it again.

/// `GET` lists permissions, `POST` creates them.
pub const PERMISSIONS: &str = "/v1/admin/permissions";
/// `PUT` assigns permissions to users, `DELETE` removes them.
pub const PERMISSIONS_USERS: &str = "/v1/admin/permissions/users";
/// `GET` the users assigned a permission.
pub const PERMISSION_USERS_TEMPLATE: &str = "/v1/admin/permissions/{permissionId}/users";
/// `GET` lists profiles.
pub const PROFILES: &str = "/v1/admin/profiles";
/// `GET` one profile's details.
pub const PROFILE_TEMPLATE: &str = "/v1/admin/profiles/{profileId}";
/// `PUT` assigns a profile to users.
pub const PROFILE_ASSIGN_TEMPLATE: &str = "/v1/admin/profiles/{profileId}/assign";
/// `DELETE` removes a profile from users.
pub const PROFILE_REMOVE_TEMPLATE: &str = "/v1/admin/profiles/{profileId}/remove";
/// `GET` lists user groups (v1).
pub const USER_GROUPS_V1: &str = "/v1/admin/user-groups";
/// `PUT` assigns permissions to user groups, `DELETE` removes them.
pub const USER_GROUPS_PERMISSIONS_V1: &str = "/v1/admin/user-groups/permissions";
/// `PUT` adds users to user groups, `DELETE` removes them.
pub const USER_GROUPS_USERS_V1: &str = "/v1/admin/user-groups/users";
/// `GET` the users of one user group.
pub const USER_GROUP_USERS_V1_TEMPLATE: &str = "/v1/admin/user-groups/{userGroupId}/users";
/// `GET` lists users, `POST` adds one user.
pub const USERS_V1: &str = "/v1/admin/users";
/// `GET`, `PUT` or `DELETE` one user (v1).
pub const USER_V1_TEMPLATE: &str = "/v1/admin/users/{userId}";
/// `GET` a user's profiles.
pub const USER_PROFILES_V1_TEMPLATE: &str = "/v1/admin/users/{userId}/profiles";
/// `GET` lists, `PUT` replaces, `POST` creates, `PATCH` patches and
/// `DELETE` deletes user groups (v2).
pub const USER_GROUPS_V2: &str = "/v2/admin/user-groups";
/// `POST` reverts user groups to their parent's definition.
pub const USER_GROUPS_REVERT_V2: &str = "/v2/admin/user-groups/revert-to-parent";
/// `GET` or `DELETE` one user group (v2).
pub const USER_GROUP_V2_TEMPLATE: &str = "/v2/admin/user-groups/{userGroupId}";
/// `PUT` updates, `POST` adds and `DELETE` deletes users in bulk (v2).
pub const USERS_V2: &str = "/v2/admin/users";
/// `PUT` upserts one user with its groups, permissions and profiles (v3).
pub const USER_V3_TEMPLATE: &str = "/v3/admin/users/{username}";
/// `GET` the Application Logs (XLSX).
pub const REPORT_APPLICATION_LOGS: &str = "/v1/admin/users/reports/application-logs";
/// `GET` a user's Data Security Report (XLSX).
pub const REPORT_DATA_SECURITY_TEMPLATE: &str = "/v1/admin/users/{userId}/reports/data-security";
/// `GET` user profile assignments (XLSX).
pub const REPORT_PROFILE_ASSIGNMENTS: &str = "/v1/admin/users/reports/profile-assignments";
/// `GET` user permission assignments (XLSX).
pub const REPORT_PERMISSION_ASSIGNMENTS: &str = "/v1/admin/users/reports/permission-assignments";
/// `GET` the list of all permissions (XLSX).
pub const REPORT_PERMISSIONS_LIST: &str = "/v1/admin/users/reports/permissions-list";
/// `GET` lists draft projects, `POST` creates one.
pub const PROJECTS: &str = "/v1/admin/projects";
/// `GET` one draft project, `POST` runs an operation on it
/// (`commitAndPublish`), `DELETE` deletes it.
pub const PROJECT_TEMPLATE: &str = "/v1/admin/projects/{projectId}";
/// `GET` lists the versions published to production, latest first.
pub const PRODUCTION_VERSIONS: &str = "/v1/admin/production-versions";
/// `GET` lists the analytic tenants an administrating tenant manages.
pub const TENANTS_V2: &str = "/v2/admin/tenants";
/// `POST` requests an OAuth 2.0 token.
pub const OAUTH2_TOKEN: &str = "/v1/auth/oauth2/token";
/// `POST` requests an ASID token (answered as plain text).
pub const ASID_TOKEN: &str = "/v1/admin/visierSecureToken";

/// `/v1/admin/permissions/{permissionId}/users`.
pub fn permission_users(permission_id: &str) -> String {
    fill(PERMISSION_USERS_TEMPLATE, "{permissionId}", permission_id)
}

/// `/v1/admin/profiles/{profileId}`.
pub fn profile(profile_id: &str) -> String {
    fill(PROFILE_TEMPLATE, "{profileId}", profile_id)
}

/// `/v1/admin/profiles/{profileId}/assign`.
pub fn profile_assign(profile_id: &str) -> String {
    fill(PROFILE_ASSIGN_TEMPLATE, "{profileId}", profile_id)
}

/// `/v1/admin/profiles/{profileId}/remove`.
pub fn profile_remove(profile_id: &str) -> String {
    fill(PROFILE_REMOVE_TEMPLATE, "{profileId}", profile_id)
}

/// `/v1/admin/user-groups/{userGroupId}/users`.
pub fn user_group_users_v1(user_group_id: &str) -> String {
    fill(USER_GROUP_USERS_V1_TEMPLATE, "{userGroupId}", user_group_id)
}

/// `/v1/admin/users/{userId}`.
pub fn user_v1(user_id: &str) -> String {
    fill(USER_V1_TEMPLATE, "{userId}", user_id)
}

/// `/v1/admin/users/{userId}/profiles`.
pub fn user_profiles_v1(user_id: &str) -> String {
    fill(USER_PROFILES_V1_TEMPLATE, "{userId}", user_id)
}

/// `/v2/admin/user-groups/{userGroupId}`.
pub fn user_group_v2(user_group_id: &str) -> String {
    fill(USER_GROUP_V2_TEMPLATE, "{userGroupId}", user_group_id)
}

/// `/v3/admin/users/{username}`.
pub fn user_v3(username: &str) -> String {
    fill(USER_V3_TEMPLATE, "{username}", username)
}

/// `/v1/admin/users/{userId}/reports/data-security`.
pub fn report_data_security(user_id: &str) -> String {
    fill(REPORT_DATA_SECURITY_TEMPLATE, "{userId}", user_id)
}

/// `/v1/admin/projects/{projectId}`.
pub fn project(project_id: &str) -> String {
    fill(PROJECT_TEMPLATE, "{projectId}", project_id)
}

fn fill(template: &str, placeholder: &str, value: &str) -> String {
    template.replacen(placeholder, &encode_segment(value), 1)
}

/// Percent-encodes `value` as one path segment: every byte except ASCII
/// letters, digits, `-`, `.`, `_`, `~` and `@` becomes `%XX`.
///
/// A segment of only `.` or `..` is encoded fully, so it cannot climb the
/// path.
pub fn encode_segment(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let dots_only = !value.is_empty() && value.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        let keep = !dots_only
            && (b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@'));
        if keep {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_templates() {
        assert_eq!(user_v1("u-1"), "/v1/admin/users/u-1");
        assert_eq!(user_group_v2("g1"), "/v2/admin/user-groups/g1");
        assert_eq!(permission_users("p1"), "/v1/admin/permissions/p1/users");
        assert_eq!(profile_assign("pr"), "/v1/admin/profiles/pr/assign");
        assert_eq!(project("p-1"), "/v1/admin/projects/p-1");
        assert_eq!(
            report_data_security("u"),
            "/v1/admin/users/u/reports/data-security"
        );
    }

    #[test]
    fn encodes_usernames_as_one_segment() {
        assert_eq!(
            user_v3("john@jupiter.com"),
            "/v3/admin/users/john@jupiter.com"
        );
        assert_eq!(user_v3("a+b@x.io"), "/v3/admin/users/a%2Bb@x.io");
        assert_eq!(user_v3("a/b c%"), "/v3/admin/users/a%2Fb%20c%25");
        assert_eq!(user_v3("é"), "/v3/admin/users/%C3%A9");
        assert_eq!(user_v1(".."), "/v1/admin/users/%2E%2E");
    }
}

/// Declares [`Operation`] from a table of variant, method, path template
/// and the spec's `operationId`.
macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident => ($method:literal, $template:ident, $id:literal), )+) => {
        /// Every operation of the spec, so both sides can name a call the
        /// same way (the simulator's request log, the client's metrics).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )+
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),+];

            /// The HTTP method, upper case.
            pub const fn method(self) -> &'static str {
                match self { $( Operation::$variant => $method, )+ }
            }

            /// The path template with `{param}` placeholders.
            pub const fn path_template(self) -> &'static str {
                match self { $( Operation::$variant => $template, )+ }
            }

            /// The spec's `operationId`.
            pub const fn operation_id(self) -> &'static str {
                match self { $( Operation::$variant => $id, )+ }
            }
        }
    };
}

operations! {
    /// Retrieve a list of all permissions.
    ListPermissions => ("GET", PERMISSIONS, "Permissions_GetPermissions"),
    /// Create permissions.
    CreatePermissions => ("POST", PERMISSIONS, "Permissions_CreatePermissions"),
    /// Assign permissions to users.
    AssignPermissionsToUsers => ("PUT", PERMISSIONS_USERS, "UsersV1_AssignPermissions"),
    /// Remove permissions from users.
    RemovePermissionsFromUsers => ("DELETE", PERMISSIONS_USERS, "UsersV1_RemovePermissions"),
    /// Retrieve users that are assigned a specific permission.
    ListPermissionUsers => ("GET", PERMISSION_USERS_TEMPLATE, "UsersV1_GetPermissionAssignedUsers"),
    /// Retrieve a list of all profiles.
    ListProfiles => ("GET", PROFILES, "Profiles_GetAllProfiles"),
    /// Retrieve the details of a profile.
    GetProfile => ("GET", PROFILE_TEMPLATE, "Profiles_GetProfileDetail"),
    /// Assign a profile to a list of users.
    AssignProfile => ("PUT", PROFILE_ASSIGN_TEMPLATE, "Profiles_AssignProfile"),
    /// Remove a profile from a list of users.
    RemoveProfile => ("DELETE", PROFILE_REMOVE_TEMPLATE, "Profiles_RemoveProfile"),
    /// Retrieve a list of all user groups (v1).
    ListUserGroupsV1 => ("GET", USER_GROUPS_V1, "UsersV1_GetAllUserGroups"),
    /// Assign permissions to user groups.
    AssignPermissionsToUserGroups => ("PUT", USER_GROUPS_PERMISSIONS_V1, "UsersV1_AssignPermissionsToUserGroups"),
    /// Remove permissions from user groups.
    RemovePermissionsFromUserGroups => ("DELETE", USER_GROUPS_PERMISSIONS_V1, "UsersV1_RevokePermissionsFromUserGroups"),
    /// Assign users to user groups.
    AddUsersToUserGroups => ("PUT", USER_GROUPS_USERS_V1, "UsersV1_AddUsersToUserGroup"),
    /// Remove users from user groups.
    RemoveUsersFromUserGroups => ("DELETE", USER_GROUPS_USERS_V1, "UsersV1_RemoveUsersFromUserGroup"),
    /// Retrieve a list of user group users.
    ListUserGroupUsers => ("GET", USER_GROUP_USERS_V1_TEMPLATE, "UsersV1_GetUserGroupUsers"),
    /// Retrieve a list of all users.
    ListUsers => ("GET", USERS_V1, "UsersV1_GetAllUsers"),
    /// Add a user.
    AddUser => ("POST", USERS_V1, "UsersV1_AddUser"),
    /// Retrieve a user's details.
    GetUser => ("GET", USER_V1_TEMPLATE, "UsersV1_GetUserDetail"),
    /// Update a user.
    UpdateUser => ("PUT", USER_V1_TEMPLATE, "UsersV1_UpdateUser"),
    /// Delete a user.
    DeleteUser => ("DELETE", USER_V1_TEMPLATE, "UsersV1_DeleteUser"),
    /// Retrieve a user's profiles.
    GetUserProfiles => ("GET", USER_PROFILES_V1_TEMPLATE, "Profiles_GetUserProfile"),
    /// Retrieve a list of user groups (v2).
    ListUserGroupsV2 => ("GET", USER_GROUPS_V2, "UserGroupsV2_GetUserGroups"),
    /// Update (replace) multiple user groups.
    PutUserGroups => ("PUT", USER_GROUPS_V2, "UserGroupsV2_PutUserGroups"),
    /// Create multiple user groups.
    CreateUserGroups => ("POST", USER_GROUPS_V2, "UserGroupsV2_CreateUserGroups"),
    /// Delete multiple user groups.
    DeleteUserGroups => ("DELETE", USER_GROUPS_V2, "UserGroupsV2_DeleteUserGroups"),
    /// Patch multiple user groups.
    PatchUserGroups => ("PATCH", USER_GROUPS_V2, "UserGroupsV2_PatchUserGroups"),
    /// Revert user groups to their parent's definition.
    RevertUserGroups => ("POST", USER_GROUPS_REVERT_V2, "UserGroupsV2_RevertUserGroupsToParent"),
    /// Retrieve the details of a user group.
    GetUserGroup => ("GET", USER_GROUP_V2_TEMPLATE, "UserGroupsV2_GetUserGroup"),
    /// Delete a user group.
    DeleteUserGroup => ("DELETE", USER_GROUP_V2_TEMPLATE, "UserGroupsV2_DeleteUserGroup"),
    /// Update users in bulk.
    UpdateUsers => ("PUT", USERS_V2, "UsersV2_UpdateUsers"),
    /// Add users in bulk.
    AddUsers => ("POST", USERS_V2, "UsersV2_AddUsers"),
    /// Delete users in bulk.
    DeleteUsers => ("DELETE", USERS_V2, "UsersV2_DeleteUsers"),
    /// Update or insert (upsert) a user.
    UpsertUser => ("PUT", USER_V3_TEMPLATE, "UsersV3_UpdateUsers"),
    /// Retrieve the Application Logs (XLSX).
    ApplicationLogsReport => ("GET", REPORT_APPLICATION_LOGS, "UsersV1_GetApplicationLogsXLSX"),
    /// Retrieve the Data Security Report (XLSX).
    DataSecurityReport => ("GET", REPORT_DATA_SECURITY_TEMPLATE, "UsersV1_GetDataSecurityReportXLSX"),
    /// Retrieve user profile assignments (XLSX).
    ProfileAssignmentsReport => ("GET", REPORT_PROFILE_ASSIGNMENTS, "UsersV1_GetProfileAssignmentsXLSX"),
    /// Retrieve user permissions (XLSX).
    PermissionAssignmentsReport => ("GET", REPORT_PERMISSION_ASSIGNMENTS, "UsersV1_GetUserPermissionsXLSX"),
    /// Retrieve a list of all permissions (XLSX).
    PermissionsListReport => ("GET", REPORT_PERMISSIONS_LIST, "UsersV1_GetAllPermissionsXLSX"),
    /// Retrieve a list of draft projects accessible to the user.
    ListProjects => ("GET", PROJECTS, "Projects_GetProjects"),
    /// Create a new draft project.
    CreateProject => ("POST", PROJECTS, "Projects_CreateProject"),
    /// Retrieve a draft project's information.
    GetProject => ("GET", PROJECT_TEMPLATE, "Projects_GetProject"),
    /// Perform an operation on a draft project (`commitAndPublish`).
    RunProjectOperation => ("POST", PROJECT_TEMPLATE, "Projects_RunProjectOperation"),
    /// Delete a draft project.
    DeleteProject => ("DELETE", PROJECT_TEMPLATE, "Projects_DeleteProject"),
    /// Retrieve a list of all production versions.
    ListProductionVersions => ("GET", PRODUCTION_VERSIONS, "ProductionVersions_GetProductionVersions"),
    /// Retrieve a list of all analytic tenants.
    ListTenants => ("GET", TENANTS_V2, "TenantsV2_ListTenants"),
    /// Request an OAuth 2.0 token.
    OAuth2Token => ("POST", OAUTH2_TOKEN, "OAuth2_OAuth2Token"),
    /// Request an ASID token.
    AsidToken => ("POST", ASID_TOKEN, "BasicAuthentication_ASIDTokenAuthentication"),
}

impl Operation {
    /// Whether `method` and a concrete `path` (no query string) are this
    /// operation. Placeholders match any one non-empty segment.
    pub fn matches(self, method: &str, path: &str) -> bool {
        if !method.eq_ignore_ascii_case(self.method()) {
            return false;
        }
        let mut want = self.path_template().split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with('{') => {
                    if g.is_empty() {
                        return false;
                    }
                }
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    }

    /// The operation that `method` and a concrete `path` (no query string)
    /// call, if any. Literal segments win over placeholders.
    pub fn identify(method: &str, path: &str) -> Option<Operation> {
        Self::ALL
            .iter()
            .copied()
            .filter(|op| op.matches(method, path))
            .min_by_key(|op| op.path_template().matches('{').count())
    }

    /// Whether the spec lists the `ProjectID` header for this operation:
    /// the changes and reads of versioned artifacts (user groups and their
    /// memberships, permissions and their assignments to users and groups,
    /// the v3 upsert) and the user reads that show them.
    pub const fn takes_project(self) -> bool {
        use Operation as O;
        matches!(
            self,
            O::ListPermissions
                | O::CreatePermissions
                | O::AssignPermissionsToUsers
                | O::RemovePermissionsFromUsers
                | O::ListPermissionUsers
                | O::ListUserGroupsV1
                | O::AssignPermissionsToUserGroups
                | O::RemovePermissionsFromUserGroups
                | O::AddUsersToUserGroups
                | O::RemoveUsersFromUserGroups
                | O::ListUserGroupUsers
                | O::ListUsers
                | O::GetUser
                | O::ListUserGroupsV2
                | O::PutUserGroups
                | O::CreateUserGroups
                | O::DeleteUserGroups
                | O::PatchUserGroups
                | O::RevertUserGroups
                | O::GetUserGroup
                | O::DeleteUserGroup
                | O::UpsertUser
        )
    }

    /// Whether the spec lists the `NonVersioned` header for this operation:
    /// those that [`takes_project`](Self::takes_project) but the v1 user-group
    /// list and the group permission assignments.
    pub const fn takes_non_versioned(self) -> bool {
        use Operation as O;
        self.takes_project()
            && !matches!(
                self,
                O::ListUserGroupsV1
                    | O::AssignPermissionsToUserGroups
                    | O::RemovePermissionsFromUserGroups
            )
    }

    /// Whether the spec lists the `Prefer` header (`nvLock`) for this
    /// operation.
    pub const fn takes_prefer(self) -> bool {
        use Operation as O;
        matches!(
            self,
            O::AddUsersToUserGroups
                | O::RemoveUsersFromUserGroups
                | O::PatchUserGroups
                | O::UpsertUser
        )
    }

    /// Whether the spec lists the `tenantCode` query parameter for this
    /// operation.
    pub const fn takes_tenant_code(self) -> bool {
        use Operation as O;
        matches!(
            self,
            O::ListPermissions
                | O::CreatePermissions
                | O::ListUserGroupsV1
                | O::ListUsers
                | O::AddUser
                | O::GetUser
                | O::UpdateUser
                | O::DeleteUser
                | O::UpdateUsers
                | O::AddUsers
                | O::DeleteUsers
                | O::ApplicationLogsReport
                | O::DataSecurityReport
                | O::ProfileAssignmentsReport
                | O::PermissionAssignmentsReport
                | O::PermissionsListReport
        )
    }

    /// Whether this operation changes a versioned artifact: sent without a
    /// `ProjectID` (and without `NonVersioned: true`), each request that
    /// changes something publishes one production version. These are the
    /// non-`GET` operations that [`takes_project`](Self::takes_project).
    pub const fn is_versioned(self) -> bool {
        self.takes_project() && !matches!(self.method().as_bytes(), b"GET")
    }

    /// Whether the answer is an XLSX file rather than JSON.
    pub const fn is_xlsx_report(self) -> bool {
        matches!(
            self,
            Operation::ApplicationLogsReport
                | Operation::DataSecurityReport
                | Operation::ProfileAssignmentsReport
                | Operation::PermissionAssignmentsReport
                | Operation::PermissionsListReport
        )
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method(), self.path_template())
    }
}

#[cfg(test)]
mod operation_tests {
    use super::*;

    #[test]
    fn every_operation_is_unique_and_identifiable_from_its_template() {
        let mut seen = std::collections::HashSet::new();
        for &op in Operation::ALL {
            assert!(seen.insert((op.method(), op.path_template())), "{op} twice");
            assert_eq!(
                Operation::identify(op.method(), op.path_template()),
                Some(op)
            );
        }
        assert_eq!(Operation::ALL.len(), 47);
    }

    #[test]
    fn identifies_concrete_paths() {
        assert_eq!(
            Operation::identify("GET", &user_v1("u1")),
            Some(Operation::GetUser)
        );
        assert_eq!(
            Operation::identify("put", &user_v3("a+b@x.io")),
            Some(Operation::UpsertUser)
        );
        assert_eq!(
            Operation::identify("POST", USER_GROUPS_REVERT_V2),
            Some(Operation::RevertUserGroups)
        );
        assert_eq!(
            Operation::identify("GET", REPORT_PERMISSIONS_LIST),
            Some(Operation::PermissionsListReport)
        );
        assert_eq!(
            Operation::identify("POST", &project("p-1")),
            Some(Operation::RunProjectOperation)
        );
        assert_eq!(
            Operation::identify("POST", PROJECTS),
            Some(Operation::CreateProject)
        );
        assert!(Operation::AddUsersToUserGroups.is_versioned());
        assert!(!Operation::ListUserGroupsV2.is_versioned());
        assert!(!Operation::AddUsers.takes_project());
        assert_eq!(Operation::identify("GET", "/v1/admin/users/"), None);
        assert_eq!(Operation::identify("PATCH", USERS_V2), None);
        assert_eq!(
            Operation::UpsertUser.to_string(),
            "PUT /v3/admin/users/{username}"
        );
    }
}
