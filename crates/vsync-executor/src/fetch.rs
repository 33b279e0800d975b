//! [`fetch_live`]: the call-minimal read of a tenant, and the narrower re-reads the executor
//! uses to settle outcome-unknown creates.
//!
//! # Call count
//!
//! A read covers the lists its [`ReadScope`] names (see `vsync_engine::read_scope`: what the
//! file manages, and the catalogs its names are resolved through). With `U` users, `G` user
//! groups and the page size `P = 1000` of both lists (a short page ends a list, so a list of
//! `n` items costs `⌊n/P⌋ + 1` calls):
//!
//! ```text
//! calls = (⌊U/1000⌋ + 1)   GET /v1/admin/users[?assignedUserGroups][&assignedPermissions][&assignedProfiles]
//!       + (⌊G/1000⌋ + 1)   GET /v2/admin/user-groups?with=details   when the scope reads groups
//!       + 1                GET /v1/admin/permissions                 when it reads permissions
//!       + 1                GET /v1/admin/profiles                    when it reads profiles
//! ```
//!
//! | the file manages | scope | calls (20,000 users, 50 groups) |
//! | --- | --- | --- |
//! | user fields only | users | `⌊U/1000⌋ + 1` (21) |
//! | memberships, or declares groups | users, groups | `⌊U/1000⌋ + ⌊G/1000⌋ + 2` (22) |
//! | user permissions | users, permissions | `⌊U/1000⌋ + 2` (22) |
//! | everything ([`ReadScope::ALL`], `export`) | all four | `⌊U/1000⌋ + ⌊G/1000⌋ + 4` (24) |
//!
//! Sign-in adds one token call per run (not per read). Users carry their groups, permissions
//! and profiles (asked for only when the scope reads them), so no per-group or per-permission
//! list is needed. The lists run concurrently; the client's pacer spaces them.

use std::collections::{BTreeSet, HashMap};

use futures::TryStreamExt;
use vsync_api::UserGroupDetail;
use vsync_api::query::{PermissionsQuery, join_correlation_ids};
use vsync_client::Client;
use vsync_model::{
    LiveGroup, LiveState, LiveUser, NameKey, Permission, PermissionId, Profile, ProfileId,
    ReadScope, TenantCode, UserGroupId, UserId, UserKey, normalize_text,
};

use crate::error::ExecError;
use crate::progress::{ProgressMode, ReadProgress};

/// What [`fetch_live`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// The tenant the state is recorded as coming from.
    pub tenant: Option<TenantCode>,
    /// Users per page (the API's maximum is 1000).
    pub users_page_size: u32,
    /// User groups per page (the API's maximum is 1000).
    pub groups_page_size: u32,
    /// The lists to read (everything by default).
    pub scope: ReadScope,
    /// How the paged reads show their progress (nothing by default).
    pub progress: ProgressMode,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            tenant: None,
            users_page_size: vsync_api::limits::MAX_USERS_PAGE,
            groups_page_size: vsync_api::limits::MAX_GROUPS_PAGE_V2,
            scope: ReadScope::ALL,
            progress: ProgressMode::Off,
        }
    }
}

impl FetchOptions {
    /// These options, reading `scope`.
    #[must_use]
    pub fn with_scope(mut self, scope: ReadScope) -> Self {
        self.scope = scope;
        self
    }

    /// These options, showing the paged reads' progress as `mode` says.
    #[must_use]
    pub fn with_progress(mut self, mode: ProgressMode) -> Self {
        self.progress = mode;
        self
    }

    /// The number of calls [`fetch_live`] makes for `users` users and `groups` groups.
    pub fn call_count(&self, users: usize, groups: usize) -> usize {
        let scope = self.scope;
        users / self.users_page_size.max(1) as usize
            + 1
            + if scope.groups {
                groups / self.groups_page_size.max(1) as usize + 1
            } else {
                0
            }
            + usize::from(scope.permissions)
            + usize::from(scope.profiles)
    }
}

/// Reads what vsync compares, as far as `opts.scope` goes: users (with their groups,
/// permissions and profiles when the scope reads them); user groups with their details; the
/// permission and profile catalogs. A list the scope does not read is left empty. See the
/// module docs for the number of calls.
pub async fn fetch_live(client: &Client, opts: &FetchOptions) -> Result<LiveState, ExecError> {
    let scope = opts.scope;
    let (users, groups, permissions, profiles) = tokio::try_join!(
        fetch_users(client, opts),
        async {
            if scope.groups {
                fetch_groups(client, opts).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if scope.permissions {
                fetch_permissions(client).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if scope.profiles {
                fetch_profiles(client).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    Ok(LiveState {
        tenant: opts.tenant.clone(),
        users,
        groups,
        permissions,
        profiles,
    })
}

async fn fetch_users(client: &Client, opts: &FetchOptions) -> Result<Vec<LiveUser>, ExecError> {
    let progress = ReadProgress::new(opts.progress, "users", opts.users_page_size);
    let mut stream = client
        .users()
        .get_all_users()
        .page_size(opts.users_page_size)
        .query(|q| {
            let scope = opts.scope;
            q.assigned_user_groups = scope.memberships.then_some(true);
            q.assigned_permissions = scope.user_permissions.then_some(true);
            q.assigned_profiles = scope.user_profiles.then_some(true);
        })
        .into_stream();
    let mut users = Vec::new();
    while let Some(dto) = stream
        .try_next()
        .await
        .map_err(|e| ExecError::client("list users", e))?
    {
        progress.item();
        users.extend(live_user(dto));
    }
    progress.finish();
    Ok(users)
}

fn live_user(dto: vsync_api::UserGetApiResponseDto) -> Option<LiveUser> {
    let id = dto.user_id?;
    let groups: BTreeSet<UserGroupId> = dto
        .user_groups
        .and_then(|g| g.assigned_user_groups)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|g| g.user_group_id.map(UserGroupId::new))
        .collect();
    let permissions: BTreeSet<PermissionId> = dto
        .permissions
        .and_then(|p| p.assigned_permissions)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.permission_id.map(PermissionId::new))
        .collect();
    let profiles: BTreeSet<ProfileId> = dto
        .profiles
        .and_then(|p| p.assigned_profiles)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.profile_id.map(ProfileId::new))
        .collect();
    Some(LiveUser {
        id: UserId::new(id),
        username: dto.username.map(|u| normalize_text(&u)).unwrap_or_default(),
        display_name: text(dto.display_name),
        employee_id: dto.employee_id.filter(|e| !e.is_empty()),
        email: text(dto.email),
        account_enabled: dto.account_enabled.unwrap_or(true),
        groups,
        permissions,
        profiles,
        disabled_since_ms: None,
    })
}

fn text(value: Option<String>) -> Option<String> {
    value.map(|v| normalize_text(&v)).filter(|v| !v.is_empty())
}

async fn fetch_groups(client: &Client, opts: &FetchOptions) -> Result<Vec<LiveGroup>, ExecError> {
    let progress = ReadProgress::new(opts.progress, "user groups", opts.groups_page_size);
    let mut stream = client
        .user_groups()
        .list_user_groups()
        .page_size(opts.groups_page_size)
        .query(|q| q.with = Some(UserGroupDetail::Details))
        .into_stream();
    let mut groups = Vec::new();
    while let Some(dto) = stream
        .try_next()
        .await
        .map_err(|e| ExecError::client("list user groups", e))?
    {
        progress.item();
        groups.extend(live_group(dto));
    }
    progress.finish();
    Ok(groups)
}

fn live_group(dto: vsync_api::UserGroupChangeDefinitionDto) -> Option<LiveGroup> {
    let id = dto.user_group_id?;
    let dynamic = dto.users.as_ref().is_some_and(|u| {
        u.include_all_users == Some(true)
            || u.dynamic_filter_definition
                .as_ref()
                .is_some_and(|d| d.filters.as_ref().is_some_and(|f| !f.is_empty()))
    });
    Some(LiveGroup {
        id: UserGroupId::new(id),
        name: dto
            .display_name
            .map(|n| normalize_text(&n))
            .unwrap_or_default(),
        description: text(dto.description),
        permissions: dto
            .permission_ids
            .map(|p| {
                p.as_slice()
                    .iter()
                    .map(|id| PermissionId::new(id.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        dynamic,
    })
}

async fn fetch_permissions(client: &Client) -> Result<Vec<Permission>, ExecError> {
    let dto = client
        .permissions()
        .get_permissions(PermissionsQuery::default())
        .await
        .map_err(|e| ExecError::client("list permissions", e))?;
    Ok(dto
        .permissions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| {
            Some(Permission {
                id: PermissionId::new(p.permission_id?),
                name: p
                    .display_name
                    .map(|n| normalize_text(&n))
                    .unwrap_or_default(),
                description: text(p.description),
            })
        })
        .collect())
}

async fn fetch_profiles(client: &Client) -> Result<Vec<Profile>, ExecError> {
    let dto = client
        .profiles()
        .get_all_profiles()
        .await
        .map_err(|e| ExecError::client("list profiles", e))?;
    Ok(dto
        .profiles
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| {
            Some(Profile {
                id: ProfileId::new(p.profile_id?),
                name: p
                    .display_name
                    .map(|n| normalize_text(&n))
                    .unwrap_or_default(),
            })
        })
        .collect())
}

/// Every user's ID by username key: `⌊U/1000⌋ + 1` calls, without the assignments.
pub(crate) async fn user_ids_by_key(
    client: &Client,
) -> Result<HashMap<UserKey, UserId>, ExecError> {
    let mut out = HashMap::new();
    let mut stream = client.users().list_all_users();
    while let Some(user) = stream
        .try_next()
        .await
        .map_err(|e| ExecError::client("re-read users", e))?
    {
        if let (Some(id), Some(username)) = (user.user_id, user.username) {
            out.insert(UserKey::new(&username), UserId::new(id));
        }
    }
    Ok(out)
}

/// The groups created with the given correlation ids: one call per 50 ids.
pub(crate) async fn groups_by_correlation(
    client: &Client,
    ids: &[String],
) -> Result<HashMap<String, (UserGroupId, String)>, ExecError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(50) {
        let joined = join_correlation_ids(chunk);
        let groups = client
            .user_groups()
            .list_user_groups()
            .query(|q| {
                q.correlation_ids = Some(joined);
                // The answer names each group's correlation id only with the details.
                q.with = Some(UserGroupDetail::Details);
            })
            .all()
            .await
            .map_err(|e| ExecError::client("re-read user groups by correlation id", e))?;
        for group in groups {
            if let (Some(corr), Some(id)) = (group.correlation_id, group.user_group_id) {
                out.insert(
                    corr,
                    (UserGroupId::new(id), group.display_name.unwrap_or_default()),
                );
            }
        }
    }
    Ok(out)
}

/// Every group's ID by name key: `⌊G/1000⌋ + 1` calls.
pub(crate) async fn group_ids_by_name(
    client: &Client,
) -> Result<HashMap<NameKey, UserGroupId>, ExecError> {
    let groups = client
        .user_groups()
        .list_user_groups()
        .all()
        .await
        .map_err(|e| ExecError::client("re-read user groups", e))?;
    Ok(groups
        .into_iter()
        .filter_map(|g| {
            Some((
                NameKey::new(&g.display_name?),
                UserGroupId::new(g.user_group_id?),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_count_formula() {
        let opts = FetchOptions::default();
        assert_eq!(opts.call_count(0, 0), 4);
        assert_eq!(opts.call_count(999, 10), 4);
        assert_eq!(opts.call_count(1000, 10), 5);
        assert_eq!(opts.call_count(20_000, 50), 24);
        let users = FetchOptions::default().with_scope(ReadScope::USERS);
        assert_eq!(users.call_count(20_000, 50), 21);
        let memberships = FetchOptions::default().with_scope(ReadScope {
            memberships: true,
            groups: true,
            ..ReadScope::USERS
        });
        assert_eq!(memberships.call_count(20_000, 50), 22);
    }

    #[test]
    fn groups_with_computed_members_are_dynamic() {
        let dto = vsync_api::UserGroupChangeDefinitionDto {
            user_group_id: Some("g1".into()),
            display_name: Some("Everyone".into()),
            users: Some(vsync_api::UserGroupChangeUsersDto {
                include_all_users: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(live_group(dto).unwrap().dynamic);
        let manual = vsync_api::UserGroupChangeDefinitionDto {
            user_group_id: Some("g2".into()),
            display_name: Some("Sales".into()),
            ..Default::default()
        };
        assert!(!live_group(manual).unwrap().dynamic);
    }
}
