//! Groups the mapping's rules derive for each user, and the groups rules that create them declare.

use std::borrow::Cow;

use vsync_model::{DerivedGroup, DesiredGroup, NameKey, NameSet, UserKey};

use crate::cell::{clean, control_char};
use crate::error::ProblemKind;
use crate::mapping::value_matches;
use crate::schema::Column;

use super::columns::CompiledRule;
use super::{Builder, Row, SheetPlan};

impl Builder<'_> {
    /// Adds the groups the sheet's rules derive for a row to `groups` (bit 0 of `wide` set
    /// when any is).
    pub(super) fn derive_groups(
        &mut self,
        plan: &SheetPlan,
        row: &dyn Row,
        row_no: u64,
        groups: &mut NameSet,
        wide: &mut u8,
    ) {
        for rule in &plan.rules {
            let mut matches = true;
            for (i, accepted) in &rule.when {
                match self.cell(plan, *i, row, row_no) {
                    Some(text) if value_matches(text, accepted) => {}
                    _ => {
                        matches = false;
                        break;
                    }
                }
            }
            if !matches {
                continue;
            }
            let name = self.template(plan, &rule.group, row, row_no);
            if let Some(name) = clean(&name) {
                if let Some((at, c)) = control_char(&name, false) {
                    let message = format!(
                        "the group {} derives holds the control character {} at character {at}",
                        rule.label,
                        crate::cell::describe_control(c)
                    );
                    let p = Self::at(
                        plan,
                        ProblemKind::ControlCharacter,
                        row_no,
                        Column::UserGroups,
                        message,
                    );
                    self.problems.push(p);
                }
                self.check_length(plan, Column::UserGroups, row_no, &name, None);
                *wide |= 1;
                let new = groups.insert(&*name);
                self.derive(plan, rule, &name, row, row_no, new);
            }
        }
    }

    /// Records a group a rule derived for a user (`new`: not already one of the user's); a
    /// rule that creates its groups declares it the first time.
    fn derive(
        &mut self,
        plan: &SheetPlan,
        rule: &CompiledRule,
        name: &str,
        row: &dyn Row,
        row_no: u64,
        new: bool,
    ) {
        let key = UserKey::fold_str(name);
        let idx = if let Some(&idx) = self.derived_index.get(key.as_ref()) {
            if new {
                self.derived[idx as usize].members += 1;
            }
            idx as usize
        } else {
            let idx = self.derived.len();
            self.derived_index.insert(key.into_owned(), idx as u32);
            self.derived.push(DerivedGroup {
                name: name.to_owned(),
                rule: rule.label.to_string(),
                source: plan.place.source(row_no),
                members: 1,
                create: false,
            });
            idx
        };
        if !rule.create || self.derived[idx].create {
            return;
        }
        self.derived[idx].create = true;
        let key = NameKey::new(name);
        if self.group_index.contains_key(&key) {
            return;
        }
        let description = rule
            .description
            .as_ref()
            .map(|parts| self.template(plan, parts, row, row_no))
            .and_then(|d| clean(&d).map(Cow::into_owned));
        if let Some(d) = &description {
            self.check_text(plan, Column::Description, row_no, d);
        }
        self.group_index.insert(key, self.groups.len() as u32);
        self.group_wide.push(false);
        self.group_derived.push(true);
        self.groups.push(DesiredGroup {
            name: name.to_owned(),
            description,
            permissions: NameSet::new(),
            source: plan.place.source(row_no),
        });
    }
}
