//! What the tenant accepts in a field: control characters and lengths.

use crate::cell::control_char;
use crate::error::ProblemKind;
use crate::schema::Column;

use super::{Builder, SheetPlan};

impl Builder<'_> {
    /// Reports control characters and, except in lists (whose items are checked one by
    /// one), values longer than the tenant accepts.
    pub(super) fn check_text(&mut self, plan: &SheetPlan, column: Column, row_no: u64, text: &str) {
        let breaks = matches!(column, Column::DisplayName | Column::Description);
        if let Some((at, c)) = control_char(text, breaks) {
            let message = format!(
                "{} holds the control character {} at character {at}; remove it",
                column.header(),
                crate::cell::describe_control(c)
            );
            let p = Self::at(plan, ProblemKind::ControlCharacter, row_no, column, message);
            self.problems.push(p);
        }
        if !column.is_list() {
            self.check_length(plan, column, row_no, text, None);
        }
    }

    /// Reports a value longer than the tenant accepts (`item`: its place in a list).
    pub(super) fn check_length(
        &mut self,
        plan: &SheetPlan,
        column: Column,
        row_no: u64,
        text: &str,
        item: Option<usize>,
    ) {
        let tenant = &self.options.tenant;
        let limit = if column == Column::Username {
            tenant.max_username_chars
        } else {
            tenant.max_field_chars
        };
        if text.len() <= limit {
            return;
        }
        let chars = text.chars().count();
        if chars <= limit {
            return;
        }
        let what = match item {
            Some(n) => format!("item {n} of {}", column.header()),
            None => column.header().to_owned(),
        };
        let message =
            format!("{what} is {chars} characters long, more than the {limit} the tenant accepts");
        let p = Self::at(plan, ProblemKind::TooLong, row_no, column, message);
        self.problems.push(p);
    }
}
