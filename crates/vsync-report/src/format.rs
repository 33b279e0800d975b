//! Labels and number formatting shared by the formats.

use vsync_engine::outcome::Status;
use vsync_engine::{Action, Entity, GuardKind, PhaseKind};

use crate::model::RowSource;

/// The names the report uses for an enum value: `label` as the JSON spells it, `text` in
/// words for people.
pub trait Label: Copy {
    /// The machine name, as in the JSON (`userPermission`).
    fn label(self) -> &'static str;
    /// The name in words (`user permission`).
    fn text(self) -> &'static str {
        self.label()
    }
}

impl Label for Entity {
    fn label(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Membership => "membership",
            Self::UserPermission => "userPermission",
            Self::GroupPermission => "groupPermission",
            Self::Profile => "profile",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::UserPermission => "user permission",
            Self::GroupPermission => "group permission",
            other => other.label(),
        }
    }
}

impl Label for Action {
    fn label(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Rename => "rename",
            Self::Disable => "disable",
            Self::Delete => "delete",
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Assign => "assign",
            Self::Revoke => "revoke",
        }
    }
}

impl Label for Status {
    fn label(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Applied => "applied",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Unknown => "unknown",
        }
    }
}

impl Label for GuardKind {
    fn label(self) -> &'static str {
        match self {
            Self::Deletes => "deletes",
            Self::Disables => "disables",
            Self::MembershipRemovals => "membershipRemovals",
            Self::PermissionRevocations => "permissionRevocations",
            Self::GroupDeletes => "groupDeletes",
            Self::EmptyInput => "emptyInput",
            Self::RowDrop => "rowDrop",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::Deletes => "user deletions",
            Self::Disables => "user disables",
            Self::MembershipRemovals => "membership removals",
            Self::PermissionRevocations => "permission revocations",
            Self::GroupDeletes => "group deletions",
            Self::EmptyInput => "empty input",
            Self::RowDrop => "row drop",
        }
    }
}

impl Label for PhaseKind {
    fn label(self) -> &'static str {
        match self {
            Self::CreateUsers => "createUsers",
            Self::UpdateUsers => "updateUsers",
            Self::CreateGroups => "createGroups",
            Self::PatchGroups => "patchGroups",
            Self::AddMembers => "addMembers",
            Self::AssignUserPermissions => "assignUserPermissions",
            Self::AssignGroupPermissions => "assignGroupPermissions",
            Self::AssignProfiles => "assignProfiles",
            Self::RemoveProfiles => "removeProfiles",
            Self::RevokeUserPermissions => "revokeUserPermissions",
            Self::RevokeGroupPermissions => "revokeGroupPermissions",
            Self::RemoveMembers => "removeMembers",
            Self::DeleteUsers => "deleteUsers",
            Self::DeleteGroups => "deleteGroups",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::CreateUsers => "create users",
            Self::UpdateUsers => "update users",
            Self::CreateGroups => "create groups",
            Self::PatchGroups => "patch groups",
            Self::AddMembers => "add members",
            Self::AssignUserPermissions => "assign user permissions",
            Self::AssignGroupPermissions => "assign group permissions",
            Self::AssignProfiles => "assign profiles",
            Self::RemoveProfiles => "remove profiles",
            Self::RevokeUserPermissions => "revoke user permissions",
            Self::RevokeGroupPermissions => "revoke group permissions",
            Self::RemoveMembers => "remove members",
            Self::DeleteUsers => "delete users",
            Self::DeleteGroups => "delete groups",
        }
    }
}

/// `1204` as `1,204`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A duration in milliseconds as `850 ms`, `12.4 s`, `3 min 07 s` or `1 h 02 min`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {:02} s", ms / 60_000, ms % 60_000 / 1000),
        _ => format!("{} h {:02} min", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// A source as `file, sheet Users, row 12` (empty for none).
pub fn source_text(source: Option<&RowSource>) -> String {
    match source {
        None => String::new(),
        Some(RowSource {
            file,
            sheet: Some(sheet),
            row,
        }) => format!("{file}, sheet {sheet}, row {row}"),
        Some(RowSource {
            file,
            sheet: None,
            row,
        }) => format!("{file}, row {row}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_400), "12.4 s");
        assert_eq!(duration(187_000), "3 min 07 s");
        assert_eq!(duration(3_720_000), "1 h 02 min");
    }

    #[test]
    fn labels_match_the_engines_serde_names() {
        for entity in [
            Entity::User,
            Entity::Group,
            Entity::Membership,
            Entity::UserPermission,
            Entity::GroupPermission,
            Entity::Profile,
        ] {
            assert_eq!(serde_json::to_value(entity).unwrap(), entity.label());
        }
        for status in crate::model::STATUSES {
            assert_eq!(serde_json::to_value(status).unwrap(), status.label());
        }
        for guard in [
            GuardKind::Deletes,
            GuardKind::MembershipRemovals,
            GuardKind::EmptyInput,
            GuardKind::RowDrop,
        ] {
            assert_eq!(serde_json::to_value(guard).unwrap(), guard.label());
        }
        for phase in [
            PhaseKind::CreateUsers,
            PhaseKind::AssignUserPermissions,
            PhaseKind::DeleteGroups,
        ] {
            assert_eq!(serde_json::to_value(phase).unwrap(), phase.label());
        }
        assert_eq!(
            serde_json::to_value(Action::Revoke).unwrap(),
            Action::Revoke.label()
        );
    }
}
