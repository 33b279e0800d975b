//! The desired state: what the input file says the tenant should hold.

use std::fmt;
use std::sync::Arc;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::key::{NameKey, UserKey};
use crate::names::NameSet;

/// A file, and for workbooks a sheet of it: what every row of that sheet shares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Origin {
    file: Box<str>,
    sheet: Option<Box<str>>,
}

/// Where a value came from: file, sheet (workbooks only) and row as the spreadsheet shows it
/// (the header is row 1, the first data row is row 2).
///
/// Sixteen bytes: the file and sheet names are shared by every row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "SourceRefRepr", into = "SourceRefRepr")]
pub struct SourceRef {
    origin: Arc<Origin>,
    /// The row number as the spreadsheet shows it (1-based, header included).
    pub row: u64,
}

/// How a [`SourceRef`] is written: `{"file": .., "sheet": .., "row": ..}`.
#[derive(Serialize, Deserialize)]
struct SourceRefRepr {
    file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sheet: Option<String>,
    row: u64,
}

impl From<SourceRefRepr> for SourceRef {
    fn from(r: SourceRefRepr) -> Self {
        Self::new(&r.file, r.sheet.as_deref(), r.row)
    }
}

impl From<SourceRef> for SourceRefRepr {
    fn from(s: SourceRef) -> Self {
        Self {
            file: s.file().to_owned(),
            sheet: s.sheet_name().map(str::to_owned),
            row: s.row,
        }
    }
}

impl Default for SourceRef {
    fn default() -> Self {
        Self::new("", None, 0)
    }
}

impl SourceRef {
    /// A place in `file` (and `sheet`, for workbooks).
    pub fn new(file: &str, sheet: Option<&str>, row: u64) -> Self {
        Self {
            origin: Arc::new(Origin {
                file: file.into(),
                sheet: sheet.map(Into::into),
            }),
            row,
        }
    }

    /// A place in a CSV file.
    pub fn csv(file: &str, row: u64) -> Self {
        Self::new(file, None, row)
    }

    /// A place in a sheet of a workbook.
    pub fn sheet(file: &str, sheet: &str, row: u64) -> Self {
        Self::new(file, Some(sheet), row)
    }

    /// Another row of the same file and sheet (shares their names).
    #[must_use]
    pub fn with_row(&self, row: u64) -> Self {
        Self {
            origin: Arc::clone(&self.origin),
            row,
        }
    }

    /// The file name as given on the command line.
    pub fn file(&self) -> &str {
        &self.origin.file
    }

    /// The sheet name, for workbooks; `None` for CSV files.
    pub fn sheet_name(&self) -> Option<&str> {
        self.origin.sheet.as_deref()
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sheet_name() {
            Some(sheet) => write!(f, "{}, sheet {sheet}, row {}", self.file(), self.row),
            None => write!(f, "{}, row {}", self.file(), self.row),
        }
    }
}

/// One user as the file describes it.
///
/// Scalar fields are `None` when the file does not say (the column is absent or the cell is
/// blank): the live value is then left alone. The sets hold display names, and are only
/// meaningful when the matching flag of [`Managed`] is set.
///
/// A run holds up to millions of these, so the layout is chosen for size (128 bytes plus the
/// text that does not fit inline): usernames and emails, usually longer than 24 bytes, are
/// boxed; display names and employee IDs, usually shorter, are stored inline.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredUser {
    /// The username (usually an email), normalised, original case kept.
    pub username: Box<str>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<CompactString>,
    /// The employee ID, kept exactly as text (leading zeros kept). The stable key for renames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<CompactString>,
    /// The email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Box<str>>,
    /// Whether the account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<bool>,
    /// Display names of the user groups the user is a manual member of.
    #[serde(default, skip_serializing_if = "NameSet::is_empty")]
    pub groups: NameSet,
    /// Display names of the permissions assigned to the user directly.
    #[serde(default, skip_serializing_if = "NameSet::is_empty")]
    pub permissions: NameSet,
    /// Display names of the profiles assigned to the user.
    #[serde(default, skip_serializing_if = "NameSet::is_empty")]
    pub profiles: NameSet,
    /// The row the user came from.
    pub source: SourceRef,
}

impl DesiredUser {
    /// The key the user is matched by.
    pub fn key(&self) -> UserKey {
        UserKey::new(&self.username)
    }
}

/// One user group as the file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredGroup {
    /// The group's display name, the key it is matched by.
    pub name: String,
    /// The description; `None` leaves the live one alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Display names of the permissions the group grants; meaningful when
    /// [`Managed::group_permissions`] is set.
    #[serde(default, skip_serializing_if = "NameSet::is_empty")]
    pub permissions: NameSet,
    /// The row the group came from.
    pub source: SourceRef,
}

impl DesiredGroup {
    /// The key the group is matched by.
    pub fn key(&self) -> NameKey {
        NameKey::new(&self.name)
    }
}

/// A user group a mapping rule derives from the export's attributes, and where: kept so that
/// a group missing from the tenant can be traced to the rule and the row that named it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DerivedGroup {
    /// The group's display name, as the first row that derived it spells it.
    pub name: String,
    /// The rule, as the mapping file shows it: the file, the rule's number among its
    /// `[[groups]]` (1-based) and its `group` template.
    pub rule: String,
    /// The first row that derived the group.
    pub source: SourceRef,
    /// How many users the rules put in the group.
    pub members: usize,
    /// Whether the mapping asks for the group to be created when the tenant lacks it (it is
    /// then among [`DesiredState::groups`] too).
    pub create: bool,
}

impl DerivedGroup {
    /// The key the group is matched by.
    pub fn key(&self) -> NameKey {
        NameKey::new(&self.name)
    }
}

/// Which relations the file manages. A relation the file does not mention (no column, no
/// sheet) is left alone; one it manages is made exactly what the file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Managed {
    /// Users' manual group memberships (a `userGroups` column or a Memberships sheet).
    pub memberships: bool,
    /// Permissions assigned to users directly (a `permissions` column or a UserPermissions
    /// sheet).
    pub user_permissions: bool,
    /// Profiles assigned to users (a `profiles` column).
    pub profiles: bool,
    /// Permissions granted by groups (a `permissions` column in UserGroups or a
    /// GroupPermissions sheet).
    pub group_permissions: bool,
}

/// A relation a long-form sheet lists one row per entry of (a user's group, permission or
/// profile, a group's permission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// A user's manual membership of a group (the Memberships sheet).
    Membership,
    /// A permission assigned to a user (the UserPermissions sheet).
    UserPermission,
    /// A profile assigned to a user (the UserProfiles sheet).
    UserProfile,
    /// A permission a group grants (the GroupPermissions sheet).
    GroupPermission,
}

impl Relation {
    /// The column a long-form sheet names the entry in.
    pub fn long_column(self) -> &'static str {
        match self {
            Self::Membership => "userGroup",
            Self::UserPermission | Self::GroupPermission => "permission",
            Self::UserProfile => "profile",
        }
    }

    /// The column a wide sheet lists the entries in.
    pub fn wide_column(self) -> &'static str {
        match self {
            Self::Membership => "userGroups",
            Self::UserPermission | Self::GroupPermission => "permissions",
            Self::UserProfile => "profiles",
        }
    }
}

/// Where one entry of a relation was read, when a long-form sheet gave it a row of its own
/// (a wide column's entries share their user's or group's row, [`DesiredUser::source`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationRow {
    /// The relation.
    pub relation: Relation,
    /// The owner: its index in [`DesiredState::users`] (for a group permission, in
    /// [`DesiredState::groups`]).
    pub owner: u32,
    /// The group, permission or profile name, exactly as the owner's set holds it.
    pub item: CompactString,
    /// The row of the long-form sheet.
    pub source: SourceRef,
}

/// Facts about the input the desired state was read from, for reports and guards.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputInfo {
    /// The files read, as given.
    pub files: Vec<String>,
    /// SHA-256 of the input bytes, lower-case hex.
    pub checksum: String,
    /// Data rows read from the users sheet or file.
    pub user_rows: usize,
}

/// Everything the input says the tenant should hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredState {
    /// The users, in file order; usernames are unique case-insensitively.
    pub users: Vec<DesiredUser>,
    /// The groups the file declares (a UserGroups sheet, or mapping rules that say
    /// `create = true`), in file order. Groups that users name but that are not declared here
    /// must already exist in the tenant.
    pub groups: Vec<DesiredGroup>,
    /// The groups mapping rules derive, with the rule and the first row for each, in the
    /// order they were first derived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<DerivedGroup>,
    /// Which relations the file manages.
    pub managed: Managed,
    /// The rows of the long-form sheets, one per entry: where each entry of a relation was
    /// read, so that a problem or a change it causes is reported at its own row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relation_rows: Vec<RelationRow>,
    /// Where the state was read from.
    pub input: InputInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ref_names_file_sheet_and_row() {
        assert_eq!(
            SourceRef::sheet("hris.xlsx", "Users", 12).to_string(),
            "hris.xlsx, sheet Users, row 12"
        );
        assert_eq!(
            SourceRef::csv("users.csv", 3).to_string(),
            "users.csv, row 3"
        );
    }

    #[test]
    fn source_ref_round_trips_as_file_sheet_and_row() {
        let source = SourceRef::sheet("hris.xlsx", "Users", 12);
        let json = serde_json::to_string(&source).unwrap();
        assert_eq!(json, r#"{"file":"hris.xlsx","sheet":"Users","row":12}"#);
        assert_eq!(serde_json::from_str::<SourceRef>(&json).unwrap(), source);
        let next = source.with_row(13);
        assert_eq!(
            (next.file(), next.sheet_name(), next.row),
            ("hris.xlsx", Some("Users"), 13)
        );
    }

    #[test]
    fn a_desired_user_stays_small() {
        // A million of them are read for a large tenant: see the type's documentation.
        assert!(
            std::mem::size_of::<DesiredUser>() <= 128,
            "{}",
            std::mem::size_of::<DesiredUser>()
        );
        assert_eq!(std::mem::size_of::<SourceRef>(), 16);
    }

    #[test]
    fn desired_user_key_is_case_insensitive() {
        let user = DesiredUser {
            username: "Jane.Doe@Example.com".into(),
            ..DesiredUser::default()
        };
        assert_eq!(user.key(), UserKey::new("jane.doe@example.com"));
    }
}
