//! The rows of a Users sheet and of a UserGroups sheet.

use std::borrow::Cow;

use vsync_model::{DesiredGroup, DesiredUser, NameKey};

use crate::cell::{is_valid_email, parse_bool};
use crate::error::ProblemKind;
use crate::schema::Column;

use super::duplicates::hash32;
use super::{Builder, Row, SheetPlan};

impl Builder<'_> {
    pub(super) fn user_row(&mut self, plan: &SheetPlan, row_no: u64, row: &dyn Row) {
        self.user_rows += 1;
        let username = self.key(plan, Column::Username, row, row_no);
        let display_name = self.field(plan, Column::DisplayName, row, row_no);
        let employee_id = self.field(plan, Column::EmployeeId, row, row_no);
        if let Some(id) = &employee_id
            && looks_like_scientific(id)
        {
            let p = Self::at(
                plan,
                ProblemKind::MangledNumber,
                row_no,
                Column::EmployeeId,
                format!(
                    "employeeId \"{id}\" looks like a number the spreadsheet reformatted; format the column as text"
                ),
            );
            self.problems.push(p);
        }
        let email = self.field(plan, Column::Email, row, row_no);
        if let Some(email) = &email
            && !is_valid_email(email)
        {
            let p = Self::at(
                plan,
                ProblemKind::MalformedEmail,
                row_no,
                Column::Email,
                format!("malformed email \"{email}\""),
            );
            self.problems.push(p);
        }
        let account_enabled = match self.field(plan, Column::AccountEnabled, row, row_no) {
            None => None,
            Some(text) => {
                let parsed = parse_bool(&text);
                if parsed.is_none() {
                    let p = Self::at(
                        plan,
                        ProblemKind::InvalidBoolean,
                        row_no,
                        Column::AccountEnabled,
                        format!("\"{text}\" is not a boolean (use true/false, yes/no or 1/0)"),
                    );
                    self.problems.push(p);
                }
                parsed
            }
        };
        let mut wide = 0;
        let mut groups = self
            .list(plan, Column::UserGroups, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()))
            .unwrap_or_default();
        let permissions = self
            .list(plan, Column::Permissions, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()) << 1)
            .unwrap_or_default();
        let profiles = self
            .list(plan, Column::Profiles, row, row_no)
            .inspect(|s| wide |= u8::from(!s.is_empty()) << 2)
            .unwrap_or_default();
        self.derive_groups(plan, row, row_no, &mut groups, &mut wide);
        let Some(username) = username else { return };
        let idx = self.users.len() as u32;
        let hash = self.user_index.hash(&username);
        self.user_index.hashes.push((hash, idx));
        if let Some(id) = &employee_id {
            self.employee_hashes.push((hash32(&self.hasher, id), idx));
        }
        self.users.push(DesiredUser {
            username: username.into(),
            display_name: display_name.map(Into::into),
            employee_id: employee_id.map(Into::into),
            email: email.map(Into::into),
            account_enabled,
            groups,
            permissions,
            profiles,
            source: plan.place.source(row_no),
        });
        self.wide.push(wide);
    }

    pub(super) fn group_row(&mut self, plan: &SheetPlan, row_no: u64, row: &dyn Row) {
        let name = self.key(plan, Column::DisplayName, row, row_no);
        let description = self.field(plan, Column::Description, row, row_no);
        let permissions = self.list(plan, Column::Permissions, row, row_no);
        let Some(name) = name else { return };
        let key = NameKey::new(&name);
        let declared = DesiredGroup {
            name: name.into_owned(),
            description: description.map(Cow::into_owned),
            permissions: permissions.clone().unwrap_or_default(),
            source: plan.place.source(row_no),
        };
        let wide = permissions.as_ref().is_some_and(|p| !p.is_empty());
        if let Some(&first) = self.group_index.get(&key) {
            let first = first as usize;
            if self.group_derived[first] {
                // A group a rule creates, declared here too: this row says what it is.
                self.groups[first] = declared;
                self.group_wide[first] = wide;
                self.group_derived[first] = false;
                return;
            }
            let p = Self::at(
                plan,
                ProblemKind::DuplicateGroup,
                row_no,
                Column::DisplayName,
                format!(
                    "duplicate user group \"{}\" (first at {})",
                    declared.name, self.groups[first].source
                ),
            );
            self.problems.push(p);
            return;
        }
        self.group_index.insert(key, self.groups.len() as u32);
        self.group_wide.push(wide);
        self.group_derived.push(false);
        self.groups.push(declared);
    }
}

/// `1.23E+05` and the like: an identifier a spreadsheet turned into a number.
fn looks_like_scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(mantissa),
    };
    mantissa_ok && digits(exponent)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_is_spotted() {
        assert!(looks_like_scientific("1.23E+05"));
        assert!(looks_like_scientific("1E+10"));
        assert!(!looks_like_scientific("00123"));
        assert!(!looks_like_scientific("E12"));
        assert!(!looks_like_scientific("EMP-1"));
    }
}
