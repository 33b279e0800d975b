//! The input format: sheet names, file names and column names.

use crate::cell::header_key;

/// The sheets of the input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SheetKind {
    Users,
    UserGroups,
    Memberships,
    UserPermissions,
    UserProfiles,
    GroupPermissions,
}

impl SheetKind {
    pub(crate) const ALL: [SheetKind; 6] = [
        Self::Users,
        Self::UserGroups,
        Self::Memberships,
        Self::UserPermissions,
        Self::UserProfiles,
        Self::GroupPermissions,
    ];

    /// The sheet name in a workbook.
    pub(crate) fn sheet_name(self) -> &'static str {
        match self {
            Self::Users => "Users",
            Self::UserGroups => "UserGroups",
            Self::Memberships => "Memberships",
            Self::UserPermissions => "UserPermissions",
            Self::UserProfiles => "UserProfiles",
            Self::GroupPermissions => "GroupPermissions",
        }
    }

    /// The file name in a CSV folder.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Self::Users => "users.csv",
            Self::UserGroups => "user_groups.csv",
            Self::Memberships => "memberships.csv",
            Self::UserPermissions => "user_permissions.csv",
            Self::UserProfiles => "user_profiles.csv",
            Self::GroupPermissions => "group_permissions.csv",
        }
    }

    /// The sheet a sheet name or file stem names (case, spaces, `_` and `-` ignored).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        let key = header_key(name);
        Self::ALL
            .into_iter()
            .find(|k| header_key(k.sheet_name()) == key)
    }

    /// The columns of the sheet, required ones first.
    pub(crate) fn columns(self) -> &'static [Column] {
        use Column as C;
        match self {
            Self::Users => &[
                C::Username,
                C::DisplayName,
                C::EmployeeId,
                C::Email,
                C::AccountEnabled,
                C::UserGroups,
                C::Permissions,
                C::Profiles,
            ],
            Self::UserGroups => &[C::DisplayName, C::Description, C::Permissions],
            Self::Memberships => &[C::Username, C::UserGroup],
            Self::UserPermissions => &[C::Username, C::Permission],
            Self::UserProfiles => &[C::Username, C::Profile],
            Self::GroupPermissions => &[C::UserGroup, C::Permission],
        }
    }

    /// Whether a column is required in this sheet.
    pub(crate) fn required(self, column: Column) -> bool {
        match self {
            Self::Users => column == Column::Username,
            Self::UserGroups => column == Column::DisplayName,
            _ => true,
        }
    }
}

/// A column of the input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Column {
    Username,
    DisplayName,
    EmployeeId,
    Email,
    AccountEnabled,
    UserGroups,
    Permissions,
    Profiles,
    Description,
    UserGroup,
    Permission,
    Profile,
}

impl Column {
    /// The header as vsync writes it.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::DisplayName => "displayName",
            Self::EmployeeId => "employeeId",
            Self::Email => "email",
            Self::AccountEnabled => "accountEnabled",
            Self::UserGroups => "userGroups",
            Self::Permissions => "permissions",
            Self::Profiles => "profiles",
            Self::Description => "description",
            Self::UserGroup => "userGroup",
            Self::Permission => "permission",
            Self::Profile => "profile",
        }
    }

    /// Whether the column holds a `;`-separated list of names.
    pub(crate) fn is_list(self) -> bool {
        matches!(self, Self::UserGroups | Self::Permissions | Self::Profiles)
    }

    /// Whether a header (in [`header_key`] form) names this column.
    pub(crate) fn matches(self, key: &str) -> bool {
        key == header_key(self.header())
            || match self {
                Self::UserGroups => key == "groups",
                Self::UserGroup => key == "group",
                _ => false,
            }
    }

    /// The column a field name in a mapping file names.
    pub(crate) fn from_field(name: &str) -> Option<Self> {
        let key = header_key(name);
        SheetKind::Users
            .columns()
            .iter()
            .copied()
            .find(|c| c.matches(&key))
    }
}
