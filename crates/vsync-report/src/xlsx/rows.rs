//! The cells of each sheet's rows: changes, failures, skips, problems and calls.

use super::{Cell, count};
use crate::format::Label;
use crate::model::{CallRow, ReportRow, SkipRow};

pub(super) const CHANGE_HEADERS: [&str; 19] = [
    "Change",
    "Status",
    "Entity",
    "Action",
    "Key",
    "Target",
    "Fields",
    "Before",
    "After",
    "File",
    "Sheet",
    "Row",
    "Message",
    "rci",
    "HTTP status",
    "Phase",
    "Call",
    "Batch",
    "Endpoint",
];

pub(super) fn values(
    row: &ReportRow,
    pick: impl Fn(&crate::model::FieldRow) -> Option<&str>,
) -> String {
    match row.fields.as_slice() {
        [one] => pick(one).unwrap_or("").to_owned(),
        many => many
            .iter()
            .filter_map(|f| pick(f).map(|v| format!("{}: {v}", f.field)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub(super) fn change_cells(row: &ReportRow) -> Vec<Cell> {
    vec![
        count(row.change as usize),
        row.status.label().into(),
        row.entity.text().into(),
        row.action.label().into(),
        row.key.as_str().into(),
        row.target.as_deref().into(),
        row.fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>()
            .join(", ")
            .into(),
        values(row, |f| f.before.as_deref()).into(),
        values(row, |f| f.after.as_deref()).into(),
        row.source.as_ref().map(|s| s.file.as_str()).into(),
        row.source.as_ref().and_then(|s| s.sheet.as_deref()).into(),
        row.source.as_ref().map(|s| s.row as f64).into(),
        row.message.as_deref().into(),
        row.rci.as_deref().into(),
        row.http_status.into(),
        row.phase.map(Label::text).into(),
        row.call.into(),
        row.batch.into(),
        row.endpoint.as_deref().into(),
    ]
}

pub(super) const FAILURE_HEADERS: [&str; 13] = [
    "Change",
    "Status",
    "Entity",
    "Action",
    "Key",
    "Target",
    "Message",
    "rci",
    "HTTP status",
    "File",
    "Sheet",
    "Row",
    "Call",
];

pub(super) fn failure_cells(row: &ReportRow) -> Vec<Cell> {
    vec![
        count(row.change as usize),
        row.status.label().into(),
        row.entity.text().into(),
        row.action.label().into(),
        row.key.as_str().into(),
        row.target.as_deref().into(),
        row.message.as_deref().into(),
        row.rci.as_deref().into(),
        row.http_status.into(),
        row.source.as_ref().map(|s| s.file.as_str()).into(),
        row.source.as_ref().and_then(|s| s.sheet.as_deref()).into(),
        row.source.as_ref().map(|s| s.row as f64).into(),
        row.call.into(),
    ]
}

pub(super) const SKIP_HEADERS: [&str; 10] = [
    "Kind", "Reason", "Key", "Target", "Entity", "Action", "File", "Sheet", "Row", "Message",
];

pub(super) fn skip_cells(row: &SkipRow) -> Vec<Cell> {
    vec![
        match row.kind {
            crate::model::SkipKind::Skipped => "skipped",
            crate::model::SkipKind::Withheld => "withheld",
        }
        .into(),
        row.reason.as_str().into(),
        row.key.as_str().into(),
        row.target.as_deref().into(),
        row.entity.map(Label::text).into(),
        row.action.map(Label::label).into(),
        row.source.as_ref().map(|s| s.file.as_str()).into(),
        row.source.as_ref().and_then(|s| s.sheet.as_deref()).into(),
        row.source.as_ref().map(|s| s.row as f64).into(),
        row.message.as_str().into(),
    ]
}

pub(super) const PROBLEM_HEADERS: [&str; 6] = ["Kind", "File", "Sheet", "Row", "Column", "Problem"];

pub(super) fn problem_cells(row: &crate::ProblemRow) -> Vec<Cell> {
    vec![
        row.kind.as_str().into(),
        row.source.as_ref().map(|s| s.file.as_str()).into(),
        row.source.as_ref().and_then(|s| s.sheet.as_deref()).into(),
        row.source.as_ref().map(|s| s.row as f64).into(),
        row.column.as_deref().into(),
        row.message.as_str().into(),
    ]
}

pub(super) const CALL_HEADERS: [&str; 15] = [
    "Call",
    "Phase",
    "Batch",
    "Method",
    "Path",
    "Status",
    "Changes",
    "Applied",
    "Failed",
    "Skipped",
    "Unknown",
    "Planned",
    "HTTP status",
    "rci",
    "Message",
];

pub(super) fn call_cells(row: &CallRow) -> Vec<Cell> {
    let c = &row.changes;
    vec![
        count(row.call as usize),
        row.phase.text().into(),
        count(row.batch as usize),
        row.method.as_str().into(),
        row.path.as_str().into(),
        row.status.map(Label::label).into(),
        count(c.total),
        count(c.applied),
        count(c.failed),
        count(c.skipped),
        count(c.unknown),
        count(c.planned),
        row.http_status.into(),
        row.rci.as_deref().into(),
        row.message.as_deref().into(),
    ]
}
