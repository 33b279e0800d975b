//! Long-form sheets (one relation a row), merged into the wide columns at the end.

use std::collections::BTreeSet;

use vsync_model::{DesiredGroup, NameKey, NameSet, RelationRow};

use crate::error::ProblemKind;
use crate::schema::Column;

use super::{Builder, Place, Row, SheetPlan};

/// Entries of a long-form sheet for one user or group.
#[derive(Debug)]
pub(super) struct Long {
    place: Place,
    first_row: u64,
    items: NameSet,
}

/// What a long-form sheet adds to; which wide column it must agree with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Memberships,
    UserPermissions,
    UserProfiles,
    GroupPermissions,
}

impl Relation {
    /// The relation as the desired state names it.
    fn model(self) -> vsync_model::Relation {
        match self {
            Self::Memberships => vsync_model::Relation::Membership,
            Self::UserPermissions => vsync_model::Relation::UserPermission,
            Self::UserProfiles => vsync_model::Relation::UserProfile,
            Self::GroupPermissions => vsync_model::Relation::GroupPermission,
        }
    }
}
impl Builder<'_> {
    pub(super) fn long_row(
        &mut self,
        plan: &SheetPlan,
        row_no: u64,
        row: &dyn Row,
        relation: Relation,
    ) {
        let (owner_column, item_column) = match relation {
            Relation::Memberships => (Column::Username, Column::UserGroup),
            Relation::UserPermissions => (Column::Username, Column::Permission),
            Relation::UserProfiles => (Column::Username, Column::Profile),
            Relation::GroupPermissions => (Column::UserGroup, Column::Permission),
        };
        let owner = self.key(plan, owner_column, row, row_no);
        let item = self.key(plan, item_column, row, row_no);
        let (Some(owner), Some(item)) = (owner, item) else {
            return;
        };
        let idx = if relation == Relation::GroupPermissions {
            let key = NameKey::new(&owner);
            if let Some(&idx) = self.group_index.get(&key) {
                idx
            } else {
                // A group that only grants permissions here is declared by this row.
                let idx = self.groups.len() as u32;
                self.group_index.insert(key, idx);
                self.group_wide.push(false);
                self.group_derived.push(false);
                self.groups.push(DesiredGroup {
                    name: owner.into_owned(),
                    source: plan.place.source(row_no),
                    ..DesiredGroup::default()
                });
                idx
            }
        } else if let Some(idx) = self.user_index.find(&self.users, &owner) {
            idx
        } else {
            let p = Self::at(
                plan,
                ProblemKind::UnknownUser,
                row_no,
                owner_column,
                format!("unknown user \"{owner}\" (not in the Users sheet)"),
            );
            self.problems.push(p);
            return;
        };
        self.relation_rows.push(RelationRow {
            relation: relation.model(),
            owner: idx,
            item: (&*item).into(),
            source: plan.place.source(row_no),
        });
        self.long[relation as usize]
            .entry(idx)
            .or_insert_with(|| Long {
                place: plan.place.clone(),
                first_row: row_no,
                items: NameSet::new(),
            })
            .items
            .insert(&*item);
    }

    /// Merges the long-form sheets into the wide columns, reporting contradictions.
    pub(super) fn merge_long(&mut self) {
        for relation in [
            Relation::Memberships,
            Relation::UserPermissions,
            Relation::UserProfiles,
            Relation::GroupPermissions,
        ] {
            let mut long: Vec<(u32, Long)> = std::mem::take(&mut self.long[relation as usize])
                .into_iter()
                .collect();
            long.sort_by_key(|(_, l)| (l.place.file.clone(), l.place.sheet.clone(), l.first_row));
            for (idx, entry) in long {
                let i = idx as usize;
                let (wide, target, owner, source, column) = match relation {
                    Relation::Memberships => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 1 != 0,
                            &mut u.groups,
                            &*u.username,
                            &u.source,
                            "userGroups",
                        )
                    }
                    Relation::UserPermissions => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 2 != 0,
                            &mut u.permissions,
                            &*u.username,
                            &u.source,
                            "permissions",
                        )
                    }
                    Relation::UserProfiles => {
                        let u = &mut self.users[i];
                        (
                            self.wide[i] & 4 != 0,
                            &mut u.profiles,
                            &*u.username,
                            &u.source,
                            "profiles",
                        )
                    }
                    Relation::GroupPermissions => {
                        let g = &mut self.groups[i];
                        (
                            self.group_wide[i],
                            &mut g.permissions,
                            g.name.as_str(),
                            &g.source,
                            "permissions",
                        )
                    }
                };
                if wide {
                    let keys = |s: &NameSet| s.iter().map(NameKey::new).collect::<BTreeSet<_>>();
                    if keys(target) != keys(&entry.items) {
                        let list = |s: &NameSet| s.iter().collect::<Vec<_>>().join(";");
                        let message = format!(
                            "\"{owner}\" has {} here but {} in the {column} column at {source}",
                            list(&entry.items),
                            list(target)
                        );
                        self.problems.push(
                            entry
                                .place
                                .problem(ProblemKind::Contradiction, message)
                                .at_row(entry.first_row),
                        );
                    }
                } else {
                    target.extend(entry.items.iter());
                }
            }
        }
    }
}
