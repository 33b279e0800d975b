//! Domain types of vsync, shared by every other crate.
//!
//! - [`ids`]: newtype IDs ([`UserId`], [`UserGroupId`], [`PermissionId`], [`ProfileId`], [`ProjectId`]) so an
//!   ID of one kind cannot be passed where another is expected.
//! - [`key`]: normalisation ([`normalize_text`]) and the case-insensitive keys ([`UserKey`],
//!   [`NameKey`]) that users, groups, permissions and profiles are matched by.
//! - [`desired`]: [`DesiredState`], what a spreadsheet says the tenant should hold, with the
//!   place ([`SourceRef`]) every row came from.
//! - [`live`]: [`LiveState`], what the tenant holds, as fetched through the API, and the
//!   [`ReadScope`] of lists a read covers.
//! - [`names`]: [`NameSet`], the compact set of display names users and groups refer to.
//!
//! The crate is a leaf: it does no I/O and depends on nothing of ours.
//!
//! ```
//! use vsync_model::{DesiredState, DesiredUser, NameKey, SourceRef, UserKey};
//!
//! // Usernames match case-insensitively, after normalisation.
//! assert_eq!(UserKey::new(" Ada@Example.com"), UserKey::new("ada@example.com"));
//! assert_eq!(NameKey::new("Finance Analysts"), NameKey::new("finance analysts"));
//!
//! let user = DesiredUser {
//!     username: "ada@example.com".into(),
//!     groups: ["Finance Analysts"].into(),
//!     source: SourceRef::csv("users.csv", 2),
//!     ..DesiredUser::default()
//! };
//! let desired = DesiredState {
//!     users: vec![user],
//!     ..DesiredState::default()
//! };
//! assert_eq!(desired.users[0].key(), UserKey::new("ADA@example.com"));
//! assert_eq!(desired.users[0].source.to_string(), "users.csv, row 2");
//! ```
#![deny(missing_docs)]

pub mod desired;
pub mod ids;
pub mod key;
pub mod live;
pub mod names;

pub use desired::{
    DerivedGroup, DesiredGroup, DesiredState, DesiredUser, InputInfo, Managed, Relation,
    RelationRow, SourceRef,
};
pub use ids::{PermissionId, ProfileId, ProjectId, TenantCode, UserGroupId, UserId};
pub use key::{NameKey, UserKey, normalize_text};
pub use live::{LiveGroup, LiveState, LiveUser, Permission, Profile, ReadScope};
pub use names::NameSet;

/// Short text stored inline (up to 24 bytes without an allocation), re-exported so callers
/// name the same type as [`DesiredUser`]'s fields.
pub use compact_str::CompactString;
