//! A field's text in a row: the cell, its template, its value map, and the problems of each.

use std::borrow::Cow;
use std::collections::HashMap;

use vsync_model::NameSet;

use crate::cell::{clean, split_list, unescape};
use crate::error::{Problem, ProblemKind};
use crate::schema::Column;

use super::columns::{CPart, Source, slot};
use super::{Builder, CellFault, Row, SheetPlan};

/// A value map compiled for a sheet: the folded raw value, to the value and the entry's
/// index among the builder's [`ValueStats`].
#[derive(Debug)]
pub(super) struct CompiledValues {
    pub(super) map: HashMap<String, (String, u32)>,
    pub(super) stats: usize,
}

/// How often a value map's entries and the values it lacks were met.
#[derive(Debug)]
pub(super) struct ValueStats {
    pub(super) field: Column,
    pub(super) column: String,
    /// Per entry: the raw value as first met, and in how many rows.
    pub(super) hits: Vec<(Option<String>, u64)>,
    /// Values not in the map, folded: as first met, and in how many rows.
    pub(super) misses: HashMap<String, (String, u64)>,
}

/// Distinct unmapped values counted per value map; the rest are counted together.
const MAX_MISSES: usize = 1_000;

impl Builder<'_> {
    /// The text of a field in a row: cleaned, value-mapped, checked against what the tenant
    /// accepts; problems reported.
    pub(super) fn field<'a>(
        &mut self,
        plan: &'a SheetPlan,
        column: Column,
        row: &'a dyn Row,
        row_no: u64,
    ) -> Option<Cow<'a, str>> {
        let text = match &plan.sources[slot(column)] {
            Source::Absent => return None,
            Source::Column(i) => self.cell(plan, *i, row, row_no).and_then(clean),
            Source::Constant(c) => clean(c),
            Source::Template(parts) => {
                let text = self.template(plan, parts, row, row_no);
                // Usually clean already: keep the text built rather than copy it.
                if matches!(clean(&text), Some(Cow::Borrowed(c)) if c.len() == text.len()) {
                    Some(Cow::Owned(text))
                } else {
                    clean(&text).map(|c| Cow::Owned(c.into_owned()))
                }
            }
        };
        let text = match (&plan.values[slot(column)], text) {
            (Some(values), Some(text)) => {
                // The text is clean already; only the case is folded, into a reused buffer.
                self.scratch.clear();
                if text.is_ascii() {
                    self.scratch.push_str(&text);
                    self.scratch.make_ascii_lowercase();
                } else {
                    self.scratch
                        .extend(text.chars().flat_map(char::to_lowercase));
                }
                let stats = &mut self.value_stats[values.stats];
                if let Some((mapped, entry)) = values.map.get(self.scratch.as_str()) {
                    let hit = &mut stats.hits[*entry as usize];
                    if hit.0.is_none() {
                        hit.0 = Some(text.to_string());
                    }
                    hit.1 += 1;
                    Some(Cow::Borrowed(mapped.as_str()))
                } else {
                    if let Some(miss) = stats.misses.get_mut(self.scratch.as_str()) {
                        miss.1 += 1;
                    } else if stats.misses.len() < MAX_MISSES {
                        stats
                            .misses
                            .insert(self.scratch.clone(), (text.to_string(), 1));
                    }
                    Some(text)
                }
            }
            (_, text) => text,
        };
        if let Some(text) = &text {
            self.check_text(plan, column, row_no, text);
        }
        text
    }

    pub(super) fn template(
        &mut self,
        plan: &SheetPlan,
        parts: &[CPart],
        row: &dyn Row,
        row_no: u64,
    ) -> String {
        let mut out = String::with_capacity(48);
        for part in parts {
            match part {
                CPart::Literal(l) => out.push_str(l),
                CPart::Columns(cs) => {
                    // Trimmed and unescaped here; the whole text is normalised afterwards.
                    let first = cs.iter().find_map(|&i| {
                        self.cell(plan, i, row, row_no)
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                    });
                    if let Some(text) = first {
                        out.push_str(unescape(text));
                    }
                }
            }
        }
        out
    }

    /// A raw cell, reporting encoding errors, spreadsheet errors and unreproducible number
    /// formats (once per cell).
    pub(super) fn cell<'r>(
        &mut self,
        plan: &SheetPlan,
        i: usize,
        row: &'r dyn Row,
        row_no: u64,
    ) -> Option<&'r str> {
        match row.cell(i) {
            Ok(text) => Some(text),
            Err(fault) => {
                if self.faults.0 != row_no {
                    self.faults = (row_no, Vec::new());
                }
                if self.faults.1.contains(&i) {
                    return None;
                }
                self.faults.1.push(i);
                let (kind, message) = match fault {
                    CellFault::InvalidUtf8 => (
                        ProblemKind::Encoding,
                        "invalid UTF-8 (save the file as UTF-8)".to_owned(),
                    ),
                    CellFault::Error(e) => {
                        (ProblemKind::CellError, format!("cell holds the error {e}"))
                    }
                    CellFault::Format { value, format } => (
                        ProblemKind::NumberFormat,
                        format!(
                            "cell holds the number {value} shown with the number format \"{format}\", which vsync cannot reproduce as Excel shows it; format the column as Text (or General) and save again"
                        ),
                    ),
                };
                self.problems.push(
                    plan.place
                        .problem(kind, message)
                        .at_row(row_no)
                        .in_column(plan.headers.get(i).cloned().unwrap_or_default()),
                );
                None
            }
        }
    }

    pub(super) fn at(
        plan: &SheetPlan,
        kind: ProblemKind,
        row_no: u64,
        column: Column,
        message: String,
    ) -> Problem {
        plan.place
            .problem(kind, message)
            .at_row(row_no)
            .in_column(plan.label(column))
    }

    /// A key field: reported when empty.
    pub(super) fn key<'a>(
        &mut self,
        plan: &'a SheetPlan,
        column: Column,
        row: &'a dyn Row,
        row_no: u64,
    ) -> Option<Cow<'a, str>> {
        let value = self.field(plan, column, row, row_no);
        if value.is_none() {
            let p = Self::at(
                plan,
                ProblemKind::EmptyKey,
                row_no,
                column,
                format!("empty {}", column.header()),
            );
            self.problems.push(p);
        }
        value
    }

    /// A key cell holding a formula (found by a separate pass over a workbook's sheet): the
    /// formula is the problem, whatever else its cached value caused at that cell.
    pub(crate) fn formula_in_key(&mut self, plan: &SheetPlan, row_no: u64, i: usize) {
        if !plan.key_columns().contains(&i) {
            return;
        }
        let column = plan.header(i).to_owned();
        self.problems.list.retain(|p| {
            !(p.file == plan.place.file
                && p.sheet == plan.place.sheet
                && p.row == Some(row_no)
                && p.column.as_deref() == Some(column.as_str()))
        });
        let field = plan
            .kind
            .columns()
            .iter()
            .find(|c| matches!(plan.sources[slot(**c)], Source::Column(j) if j == i))
            .map_or(column.as_str(), |c| c.header());
        let p = plan
            .place
            .problem(
                ProblemKind::FormulaInKey,
                format!("{field} is a formula; key cells must hold plain values"),
            )
            .at_row(row_no)
            .in_column(column.clone());
        self.problems.push(p);
    }

    /// A `;`-list field: `None` when the column is absent or the cell blank.
    pub(super) fn list(
        &mut self,
        plan: &SheetPlan,
        column: Column,
        row: &dyn Row,
        row_no: u64,
    ) -> Option<NameSet> {
        let text = self.field(plan, column, row, row_no)?;
        match split_list(&text) {
            Ok(items) => {
                for (n, item) in items.iter().enumerate() {
                    self.check_length(plan, column, row_no, item, Some(n + 1));
                }
                Some(items.iter().map(|item| &**item).collect())
            }
            Err(item) => {
                let p = Self::at(
                    plan,
                    ProblemKind::EmptyListItem,
                    row_no,
                    column,
                    format!("item {item} of the list \"{text}\" is empty"),
                );
                self.problems.push(p);
                Some(NameSet::new())
            }
        }
    }
}
