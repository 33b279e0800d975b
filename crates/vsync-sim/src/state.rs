//! The tenant's data: users, user groups, permissions, profiles and their
//! assignments, plus the correlation IDs and application log.
//!
//! [`TenantSnapshot`] is the plain, serde form (what [`crate::Sim::snapshot`]
//! returns and what the state file holds); [`Tenant`] wraps it with the
//! indexes the handlers need.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Deserializer, Serialize};
use vsync_api::{CapabilitiesDto, PermissionDto, UserGroupFiltersDto, VisibleForSelectionDto};

use crate::projects::{Artifacts, ProductionVersion, SimProject};

/// A user of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimUser {
    /// Opaque ID, like Visier's.
    pub user_id: String,
    /// Unique case-insensitively; usually an email.
    pub username: String,
    /// "John Smith".
    pub display_name: Option<String>,
    /// The employee ID, if linked.
    pub employee_id: Option<String>,
    /// The email, if different from the username.
    pub email: Option<String>,
    /// Whether the user can sign in.
    pub account_enabled: bool,
    /// The last sign-in, milliseconds since the Unix epoch.
    pub last_login_ms: Option<i64>,
}

/// A user group and its membership rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimGroup {
    /// Opaque ID.
    pub user_group_id: String,
    /// The display name.
    pub display_name: String,
    /// The description.
    pub description: Option<String>,
    /// Permissions granted to members.
    pub permission_ids: Vec<String>,
    /// Every user is a member unless excluded.
    pub include_all_users: bool,
    /// Users added by hand.
    pub manually_included_ids: Vec<String>,
    /// Users removed by hand.
    pub manually_excluded_ids: Vec<String>,
    /// A dynamic population, kept as given (the simulator has no HR data
    /// to evaluate it against).
    pub dynamic_filter_definition: Option<UserGroupFiltersDto>,
    /// Where the group can be selected.
    pub visible_for_selection: Option<VisibleForSelectionDto>,
}

impl SimGroup {
    /// Whether `user_id` is a member through the manual list or
    /// `includeAllUsers` (and not excluded).
    pub fn has_member(&self, user_id: &str) -> bool {
        let excluded = self.manually_excluded_ids.iter().any(|u| u == user_id);
        !excluded
            && (self.include_all_users || self.manually_included_ids.iter().any(|u| u == user_id))
    }
}

/// A permission of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimPermission {
    /// Opaque ID.
    pub permission_id: String,
    /// The display name.
    pub display_name: String,
    /// The description.
    pub description: Option<String>,
    /// The full definition, answered with `includeDetails=true`.
    pub definition: PermissionDto,
}

/// A profile of the catalog (profiles cannot be created through the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimProfile {
    /// Opaque ID.
    pub profile_id: String,
    /// The display name.
    pub display_name: String,
    /// Capabilities and their access levels.
    pub capabilities: Vec<CapabilitiesDto>,
    /// Extra capabilities.
    pub additional_capabilities: Vec<String>,
}

/// A profile assigned to a user for a validity period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileAssignment {
    /// The profile.
    pub profile_id: String,
    /// Inclusive start, as given (milliseconds since the epoch as a string).
    pub validity_start_time: Option<String>,
    /// Exclusive end, as given.
    pub validity_end_time: Option<String>,
}

/// A correlation ID used in a create, with when it was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CorrelationRecord {
    /// `userGroup` or `permission`.
    pub kind: String,
    /// The object created with it.
    pub object_id: String,
    /// When, milliseconds since the epoch.
    pub created_ms: i64,
}

/// One row of the application log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEvent {
    /// Milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// Who did it.
    pub username: String,
    /// `Login`, `UserCreated`, `UserGroupChanged`, ...
    pub event: String,
    /// What was done, in words.
    pub details: String,
}

/// Everything a tenant holds, in a plain form for assertions and the state
/// file. Lists are in creation order, which is the order of pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSnapshot {
    /// The tenant code.
    pub tenant_code: String,
    /// Users in creation order.
    pub users: Vec<SimUser>,
    /// User groups in creation order.
    pub groups: Vec<SimGroup>,
    /// The permission catalog.
    pub permissions: Vec<SimPermission>,
    /// The profile catalog.
    pub profiles: Vec<SimProfile>,
    /// Direct permission assignments: user ID to permission IDs.
    pub permission_assignments: BTreeMap<String, BTreeSet<String>>,
    /// Profile assignments: user ID to its profiles.
    pub profile_assignments: BTreeMap<String, Vec<ProfileAssignment>>,
    /// Correlation IDs used in creates.
    pub correlation_ids: BTreeMap<String, CorrelationRecord>,
    /// Application log events.
    pub application_log: Vec<LogEvent>,
    /// Versions published to production, oldest first: one per direct
    /// request that changed a versioned artifact, one per published project.
    #[serde(default, deserialize_with = "versions_or_count")]
    pub production_versions: Vec<ProductionVersion>,
    /// Draft projects (open, published or deleted) in creation order.
    #[serde(default)]
    pub projects: Vec<SimProject>,
    /// Seed of generated IDs.
    pub id_seed: u64,
    /// IDs generated so far.
    pub id_counter: u64,
}

impl TenantSnapshot {
    /// An empty tenant with the seeded catalogs filled in by the caller.
    pub fn new(tenant_code: &str, id_seed: u64) -> Self {
        TenantSnapshot {
            tenant_code: tenant_code.to_owned(),
            users: Vec::new(),
            groups: Vec::new(),
            permissions: Vec::new(),
            profiles: Vec::new(),
            permission_assignments: BTreeMap::new(),
            profile_assignments: BTreeMap::new(),
            correlation_ids: BTreeMap::new(),
            application_log: Vec::new(),
            production_versions: Vec::new(),
            projects: Vec::new(),
            id_seed,
            id_counter: 0,
        }
    }

    /// The manual members of every group: group ID to user IDs.
    pub fn memberships(&self) -> BTreeMap<String, Vec<String>> {
        self.groups
            .iter()
            .map(|g| (g.user_group_id.clone(), g.manually_included_ids.clone()))
            .collect()
    }

    /// The user with this username (case-insensitive).
    pub fn user_by_username(&self, username: &str) -> Option<&SimUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// The group with this display name.
    pub fn group_by_name(&self, name: &str) -> Option<&SimGroup> {
        self.groups.iter().find(|g| g.display_name == name)
    }

    /// The permission with this display name.
    pub fn permission_by_name(&self, name: &str) -> Option<&SimPermission> {
        self.permissions.iter().find(|p| p.display_name == name)
    }

    /// The profile with this display name.
    pub fn profile_by_name(&self, name: &str) -> Option<&SimProfile> {
        self.profiles.iter().find(|p| p.display_name == name)
    }
}

/// Reads the version list, or the count older state files kept (as that
/// many versions without details).
fn versions_or_count<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ProductionVersion>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Count(u64),
        List(Vec<ProductionVersion>),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(list) => list,
        Either::Count(n) => (1..=n)
            .map(|i| ProductionVersion {
                id: opaque_id(VERSION_SALT, i),
                version_number: i32::try_from(i).unwrap_or(i32::MAX),
                name: format!("Production version {i}"),
                description: None,
                ticket_number: None,
                release_version: None,
                project_id: None,
                published_by: String::new(),
                published_ms: 0,
            })
            .collect(),
    })
}

/// Salts that keep project and version IDs apart from object IDs, so
/// making them does not change the IDs of users and groups.
const VERSION_SALT: u64 = 0x7665_7273_696f_6e73;
const PROJECT_SALT: u64 = 0x7072_6f6a_6563_7473;

/// A tenant with indexes over its snapshot.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub(crate) data: TenantSnapshot,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

/// Visier compares usernames case-insensitively.
pub(crate) fn username_key(username: &str) -> String {
    username.to_lowercase()
}

impl Tenant {
    /// Wraps a snapshot, building its indexes.
    pub fn from_snapshot(data: TenantSnapshot) -> Self {
        let mut tenant = Tenant {
            data,
            by_id: HashMap::new(),
            by_name: HashMap::new(),
        };
        tenant.reindex();
        tenant
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_name.clear();
        for (i, u) in self.data.users.iter().enumerate() {
            self.by_id.insert(u.user_id.clone(), i);
            self.by_name.insert(username_key(&u.username), i);
        }
    }

    /// A fresh opaque ID (UUID-shaped), deterministic for the seed.
    pub fn next_id(&mut self) -> String {
        self.data.id_counter += 1;
        opaque_id(self.data.id_seed, self.data.id_counter)
    }

    /// All users in creation order.
    pub fn users(&self) -> &[SimUser] {
        &self.data.users
    }

    /// The user with this ID.
    pub fn user(&self, user_id: &str) -> Option<&SimUser> {
        self.by_id.get(user_id).map(|&i| &self.data.users[i])
    }

    /// The user with this username, case-insensitively.
    pub fn user_by_username(&self, username: &str) -> Option<&SimUser> {
        self.by_name
            .get(&username_key(username))
            .map(|&i| &self.data.users[i])
    }

    /// Whether a username is taken by a user other than `except`.
    pub fn username_taken(&self, username: &str, except: Option<&str>) -> bool {
        match self.user_by_username(username) {
            Some(u) => Some(u.user_id.as_str()) != except,
            None => false,
        }
    }

    /// Adds a user at the end of the creation order.
    pub fn insert_user(&mut self, user: SimUser) {
        let i = self.data.users.len();
        self.by_id.insert(user.user_id.clone(), i);
        self.by_name.insert(username_key(&user.username), i);
        self.data.users.push(user);
    }

    /// Changes a user in place; returns the new value.
    pub fn update_user(&mut self, user_id: &str, f: impl FnOnce(&mut SimUser)) -> Option<SimUser> {
        let &i = self.by_id.get(user_id)?;
        let old_key = username_key(&self.data.users[i].username);
        f(&mut self.data.users[i]);
        let new_key = username_key(&self.data.users[i].username);
        if old_key != new_key {
            self.by_name.remove(&old_key);
            self.by_name.insert(new_key, i);
        }
        Some(self.data.users[i].clone())
    }

    /// Deletes users and every assignment that names them.
    pub fn delete_users(&mut self, user_ids: &BTreeSet<String>) {
        if user_ids.is_empty() {
            return;
        }
        self.data.users.retain(|u| !user_ids.contains(&u.user_id));
        for g in &mut self.data.groups {
            g.manually_included_ids.retain(|u| !user_ids.contains(u));
            g.manually_excluded_ids.retain(|u| !user_ids.contains(u));
        }
        for id in user_ids {
            self.data.permission_assignments.remove(id);
            self.data.profile_assignments.remove(id);
        }
        self.reindex();
    }

    /// The group with this ID.
    pub fn group(&self, id: &str) -> Option<&SimGroup> {
        self.data.groups.iter().find(|g| g.user_group_id == id)
    }

    /// The permission with this ID.
    pub fn permission(&self, id: &str) -> Option<&SimPermission> {
        self.data.permissions.iter().find(|p| p.permission_id == id)
    }

    /// The profile with this ID.
    pub fn profile(&self, id: &str) -> Option<&SimProfile> {
        self.data.profiles.iter().find(|p| p.profile_id == id)
    }

    /// The groups `user_id` belongs to (manually or by `includeAllUsers`).
    pub fn groups_of(&self, user_id: &str) -> Vec<&SimGroup> {
        self.data
            .groups
            .iter()
            .filter(|g| g.has_member(user_id))
            .collect()
    }

    /// The permissions assigned directly to `user_id`.
    pub fn direct_permissions(&self, user_id: &str) -> Vec<&SimPermission> {
        match self.data.permission_assignments.get(user_id) {
            Some(ids) => ids.iter().filter_map(|id| self.permission(id)).collect(),
            None => Vec::new(),
        }
    }

    /// The profiles assigned to `user_id`.
    pub fn profiles_of(&self, user_id: &str) -> &[ProfileAssignment] {
        self.data
            .profile_assignments
            .get(user_id)
            .map_or(&[], Vec::as_slice)
    }

    /// Records an application-log event.
    pub fn log(&mut self, username: &str, event: &str, details: String) {
        self.data.application_log.push(LogEvent {
            timestamp_ms: now_ms(),
            username: username.to_owned(),
            event: event.to_owned(),
            details,
        });
    }

    /// A copy of the data.
    pub fn snapshot(&self) -> TenantSnapshot {
        self.data.clone()
    }

    /// Moves the versioned artifacts out (leaving them empty).
    pub(crate) fn take_artifacts(&mut self) -> Artifacts {
        Artifacts {
            groups: std::mem::take(&mut self.data.groups),
            permissions: std::mem::take(&mut self.data.permissions),
            permission_assignments: std::mem::take(&mut self.data.permission_assignments),
            correlation_ids: std::mem::take(&mut self.data.correlation_ids),
        }
    }

    /// Puts versioned artifacts in place of the current ones.
    pub(crate) fn put_artifacts(&mut self, a: Artifacts) {
        self.data.groups = a.groups;
        self.data.permissions = a.permissions;
        self.data.permission_assignments = a.permission_assignments;
        self.data.correlation_ids = a.correlation_ids;
    }

    /// The artifacts as project `id` sees them: production with the
    /// project's changes applied.
    pub(crate) fn project_view(&self, id: &str) -> Artifacts {
        let production = Artifacts {
            groups: self.data.groups.clone(),
            permissions: self.data.permissions.clone(),
            permission_assignments: self.data.permission_assignments.clone(),
            correlation_ids: self.data.correlation_ids.clone(),
        };
        match self.project(id) {
            Some(p) => p.changes.apply(&production, |u| self.user(u).is_some()),
            None => production,
        }
    }

    /// The project with this ID (canonical form), in any status.
    pub fn project(&self, id: &str) -> Option<&SimProject> {
        self.data.projects.iter().find(|p| p.id == id)
    }

    /// The project with this ID, to change.
    pub(crate) fn project_mut(&mut self, id: &str) -> Option<&mut SimProject> {
        self.data.projects.iter_mut().find(|p| p.id == id)
    }

    /// A fresh project ID (a UUID), deterministic for the seed.
    pub(crate) fn next_project_id(&self) -> String {
        opaque_id(
            self.data.id_seed ^ PROJECT_SALT,
            self.data.projects.len() as u64 + 1,
        )
    }

    /// Records a production version; returns its number.
    pub(crate) fn record_version(&mut self, mut version: ProductionVersion) -> i32 {
        let number = self
            .data
            .production_versions
            .last()
            .map_or(1, |v| v.version_number.saturating_add(1));
        version.version_number = number;
        if version.id.is_empty() {
            version.id = opaque_id(
                self.data.id_seed ^ VERSION_SALT,
                self.data.production_versions.len() as u64 + 1,
            );
        }
        self.data.production_versions.push(version);
        number
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// A 64-bit mix (SplitMix64 finaliser).
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A UUID-shaped opaque ID from a seed and a counter.
pub(crate) fn opaque_id(seed: u64, counter: u64) -> String {
    let a = mix64(seed ^ counter.wrapping_mul(0xA24B_AED4_963E_E407));
    let b = mix64(a ^ seed.rotate_left(17) ^ counter);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// A stable 64-bit hash of a string (FNV-1a), for per-tenant seeds.
pub(crate) fn hash_str(value: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_are_uuid_shaped_and_distinct() {
        let a = opaque_id(1, 1);
        let b = opaque_id(1, 2);
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a, opaque_id(1, 1));
    }

    #[test]
    fn usernames_are_unique_case_insensitively() {
        let mut t = Tenant::from_snapshot(TenantSnapshot::new("T", 1));
        t.insert_user(SimUser {
            user_id: "u1".into(),
            username: "Ann@x.io".into(),
            display_name: None,
            employee_id: None,
            email: None,
            account_enabled: true,
            last_login_ms: None,
        });
        assert!(t.username_taken("ann@X.IO", None));
        assert!(!t.username_taken("ann@x.io", Some("u1")));
        t.update_user("u1", |u| u.username = "bob@x.io".into());
        assert!(!t.username_taken("ann@x.io", None));
        assert!(t.user_by_username("BOB@x.io").is_some());
    }
}
