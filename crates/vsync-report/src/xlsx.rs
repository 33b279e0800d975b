//! The XLSX workbook: Summary (figures and a chart), Changes, Failures, Skipped and Calls.

use std::io::Write;

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartSolidFill, ChartType, Color, DocProperties, Format, Table,
    TableColumn, TableStyle, Workbook, Worksheet,
};
use vsync_engine::outcome::Status;

use crate::error::ReportError;
use crate::format::{Label, duration};
use crate::model::{Report, ReportRow, STATUSES};
use crate::sanitize::sanitize_cell;

mod rows;
use rows::{
    CALL_HEADERS, CHANGE_HEADERS, FAILURE_HEADERS, PROBLEM_HEADERS, SKIP_HEADERS, call_cells,
    change_cells, failure_cells, problem_cells, skip_cells,
};

/// The sheets of the workbook, in order.
pub const SHEETS: [&str; 5] = ["Summary", "Changes", "Failures", "Skipped", "Calls"];

/// Data rows a sheet holds at most (Excel's 1,048,576 rows less the header).
const MAX_DATA_ROWS: usize = 1_048_575;

/// One cell's value.
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        if text.is_empty() {
            Self::Empty
        } else {
            Self::Text(text.to_owned())
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        if text.is_empty() {
            Self::Empty
        } else {
            Self::Text(text)
        }
    }
}

impl From<Option<&str>> for Cell {
    fn from(text: Option<&str>) -> Self {
        text.map_or(Self::Empty, Self::from)
    }
}

macro_rules! number_cells {
    ($($t:ty),*) => {$(
        impl From<Option<$t>> for Cell {
            fn from(n: Option<$t>) -> Self {
                n.map_or(Self::Empty, |n| Self::Number(f64::from(n)))
            }
        }
    )*};
}

number_cells!(u16, u32, i32, f64);

fn count(n: usize) -> Cell {
    Cell::Number(n as f64)
}

fn big(n: u64) -> Cell {
    Cell::Number(n as f64)
}

impl Cell {
    fn chars(&self) -> usize {
        match self {
            Self::Text(text) => text.chars().count(),
            Self::Number(n) => n.to_string().len(),
            Self::Empty => 0,
        }
    }
}

/// Writes one cell, escaping text against formula injection and cutting it to what a cell
/// holds.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
) -> Result<(), ReportError> {
    let result = match (cell, format) {
        (Cell::Text(text), Some(f)) => sheet
            .write_string_with_format(
                row,
                col,
                &*crate::sanitize::fit_cell(&sanitize_cell(text)),
                f,
            )
            .map(|_| ()),
        (Cell::Text(text), None) => sheet
            .write_string(row, col, &*crate::sanitize::fit_cell(&sanitize_cell(text)))
            .map(|_| ()),
        (Cell::Number(n), Some(f)) => sheet.write_number_with_format(row, col, *n, f).map(|_| ()),
        (Cell::Number(n), None) => sheet.write_number(row, col, *n).map(|_| ()),
        (Cell::Empty, Some(f)) => sheet.write_blank(row, col, f).map(|_| ()),
        (Cell::Empty, None) => Ok(()),
    };
    result.map_err(ReportError::xlsx(format!("cell {row}:{col}")))
}

struct Formats {
    title: Format,
    bold: Format,
    failed: Format,
    unknown: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            failed: Format::new()
                .set_background_color(Color::RGB(0x00FF_C7CE))
                .set_font_color(Color::RGB(0x009C_0006)),
            unknown: Format::new()
                .set_background_color(Color::RGB(0x00FF_EB9C))
                .set_font_color(Color::RGB(0x009C_5700)),
            wrap: Format::new().set_text_wrap(),
        }
    }

    fn status(&self, status: Status) -> Option<&Format> {
        match status {
            Status::Failed => Some(&self.failed),
            Status::Unknown => Some(&self.unknown),
            _ => None,
        }
    }
}

/// Writes `rows` under `headers` at `first_row` as an Excel table (header, filters, banding);
/// returns the row after the table. `highlight` picks a row format. With `size_columns`, the
/// columns are sized to their content.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per table; a struct would only rename the arguments"
)]
fn write_table<'f>(
    sheet: &mut Worksheet,
    name: &str,
    first_row: u32,
    headers: &[&str],
    rows: &[Vec<Cell>],
    highlight: &dyn Fn(usize) -> Option<&'f Format>,
    size_columns: bool,
    max_width: f64,
) -> Result<u32, ReportError> {
    let shown = rows.len().min(MAX_DATA_ROWS);
    for (i, cells) in rows[..shown].iter().enumerate() {
        let row = first_row + 1 + i as u32;
        let format = highlight(i);
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, col as u16, cell, format)?;
        }
    }
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    let table = Table::new()
        .set_name(name)
        .set_style(TableStyle::Medium2)
        .set_columns(&columns);
    // A table needs one data row; an empty one is left blank.
    let last_row = first_row + shown.max(1) as u32;
    sheet
        .add_table(first_row, 0, last_row, headers.len() as u16 - 1, &table)
        .map_err(ReportError::xlsx(format!("table {name}")))?;
    if size_columns {
        for (col, header) in headers.iter().enumerate() {
            let widest = rows[..shown.min(2_000)]
                .iter()
                .map(|r| r.get(col).map_or(0, Cell::chars))
                .max()
                .unwrap_or(0);
            // Room for the filter button next to the header.
            let width = (widest.max(header.chars().count() + 3) + 2) as f64;
            sheet
                .set_column_width(col as u16, width.clamp(6.0, max_width))
                .map_err(ReportError::xlsx(format!("column widths of {name}")))?;
        }
    }
    Ok(last_row + 2)
}

impl Report {
    /// The workbook as XLSX bytes.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ReportError> {
        let mut workbook = Workbook::new();
        let title = match &self.run.tenant {
            Some(tenant) => format!("vsync report, {tenant}"),
            None => "vsync report".to_owned(),
        };
        workbook.set_properties(
            &DocProperties::new()
                .set_title(sanitize_cell(&title))
                .set_author("vsync"),
        );
        let formats = Formats::new();

        let sheet = workbook.add_worksheet();
        name_sheet(sheet, SHEETS[0])?;
        self.write_summary(sheet, &formats)?;

        if !self.problems.is_empty() {
            let sheet = workbook.add_worksheet();
            name_sheet(sheet, crate::PROBLEMS_SHEET)?;
            sheet.set_tab_color(Color::RGB(0x00C0_0000));
            let rows: Vec<Vec<Cell>> = self.problems.iter().map(problem_cells).collect();
            write_table(
                sheet,
                "Problems",
                0,
                &PROBLEM_HEADERS,
                &rows,
                &|_| None,
                true,
                100.0,
            )?;
            freeze(sheet)?;
        }

        let sheet = workbook.add_worksheet();
        name_sheet(sheet, SHEETS[1])?;
        let rows: Vec<Vec<Cell>> = self.changes.iter().map(change_cells).collect();
        let highlight = |i: usize| formats.status(self.changes[i].status);
        write_table(
            sheet,
            "Changes",
            0,
            &CHANGE_HEADERS,
            &rows,
            &highlight,
            true,
            50.0,
        )?;
        freeze(sheet)?;

        let failures: Vec<&ReportRow> = self.failures().collect();
        let sheet = workbook.add_worksheet();
        name_sheet(sheet, SHEETS[2])?;
        if !failures.is_empty() {
            sheet.set_tab_color(Color::RGB(0x00C0_0000));
        }
        let rows: Vec<Vec<Cell>> = failures.iter().map(|r| failure_cells(r)).collect();
        let highlight = |i: usize| formats.status(failures[i].status);
        write_table(
            sheet,
            "Failures",
            0,
            &FAILURE_HEADERS,
            &rows,
            &highlight,
            true,
            80.0,
        )?;
        freeze(sheet)?;

        let sheet = workbook.add_worksheet();
        name_sheet(sheet, SHEETS[3])?;
        let rows: Vec<Vec<Cell>> = self.skipped.iter().map(skip_cells).collect();
        write_table(
            sheet,
            "Skipped",
            0,
            &SKIP_HEADERS,
            &rows,
            &|_| None,
            true,
            80.0,
        )?;
        freeze(sheet)?;

        let sheet = workbook.add_worksheet();
        name_sheet(sheet, SHEETS[4])?;
        let rows: Vec<Vec<Cell>> = self.calls.iter().map(call_cells).collect();
        let highlight = |i: usize| self.calls[i].status.and_then(|s| formats.status(s));
        write_table(
            sheet,
            "Calls",
            0,
            &CALL_HEADERS,
            &rows,
            &highlight,
            true,
            60.0,
        )?;
        freeze(sheet)?;

        workbook
            .save_to_buffer()
            .map_err(ReportError::xlsx("workbook"))
    }

    /// Writes the workbook to `writer`.
    pub fn write_xlsx(&self, mut writer: impl Write) -> Result<(), ReportError> {
        let bytes = self.to_xlsx()?;
        writer.write_all(&bytes).map_err(ReportError::io("xlsx"))
    }

    fn write_summary(&self, sheet: &mut Worksheet, formats: &Formats) -> Result<(), ReportError> {
        let run = &self.run;
        let s = &self.summary;
        let err = |what: &str| ReportError::xlsx(format!("sheet Summary, {what}"));
        sheet
            .write_string_with_format(0, 0, "vsync reconcile report", &formats.title)
            .map_err(err("title"))?;
        let headline_format = if self.is_clean() {
            &formats.bold
        } else {
            &formats.failed
        };
        write_cell(
            sheet,
            1,
            0,
            &Cell::Text(s.headline.clone()),
            Some(headline_format),
        )?;

        let converged = match run.converged {
            Some(true) => "yes".to_owned(),
            Some(false) => format!(
                "no, {} difference(s) remain",
                run.remaining_differences.len()
            ),
            None => "not checked".to_owned(),
        };
        let c = &s.changes;
        let facts: Vec<(&str, Cell)> = vec![
            ("Tool version", run.tool_version.as_str().into()),
            ("Tenant", run.tenant.as_deref().into()),
            ("Target URL", run.target_url.as_deref().into()),
            ("Mode", run.mode.as_str().into()),
            ("Input files", run.input_files.join(", ").into()),
            ("Input SHA-256", run.input_checksum.as_str().into()),
            ("Started", run.started_at.as_deref().into()),
            ("Finished", run.finished_at.as_deref().into()),
            ("Duration", duration(run.duration_ms).into()),
            ("Duration (ms)", big(run.duration_ms)),
            ("Result", run.result.as_deref().into()),
            ("Exit code", run.exit_code.into()),
            ("Converged", converged.into()),
            (
                "Remaining differences",
                run.remaining_differences.join("; ").into(),
            ),
            ("Changes", count(c.total)),
            ("Applied", count(c.applied)),
            ("Failed", count(c.failed)),
            ("Skipped", count(c.skipped)),
            ("Unknown", count(c.unknown)),
            ("Planned", count(c.planned)),
            ("Rows left alone", count(s.skipped)),
            ("Protected", count(s.protected)),
            ("Withheld by guards", count(s.withheld)),
            ("Guards evaluated", count(s.guards_evaluated)),
            ("Guards tripped", count(s.guards_tripped)),
            ("Guards withholding changes", count(s.guards_blocked)),
            ("API calls used", big(run.api_calls_used)),
            ("Planned calls", count(s.planned_calls)),
            ("Lower bound", count(s.lower_bound)),
            ("Rate-limit waits", big(run.rate_limit_waits.count)),
            ("Rate-limit wait (ms)", big(run.rate_limit_waits.total_ms)),
            ("Retries", big(run.retries)),
        ];
        let mut facts = facts;
        if let Some(budget) = run.retry_budget {
            facts.push(("Retry budget used", big(budget.used)));
            facts.push(("Retry budget size", big(budget.size)));
        }
        let record = run.record_lines(None);
        facts.extend(
            record
                .iter()
                .map(|(label, text)| (*label, text.as_str().into())),
        );
        if let Some(project) = &run.project {
            facts.push(("Project ID", project.id.as_str().into()));
            facts.push(("Project name", project.name.as_deref().into()));
            facts.push((
                "Project published",
                if project.published { "yes" } else { "no" }.into(),
            ));
            facts.push(("Project note", project.note.as_deref().into()));
        }
        facts.extend(run.call_counts().into_iter().map(|(n, v)| (n, big(v))));
        facts.extend(run.verification_text().map(|t| ("Verification", t.into())));
        if let Some(versions) = &run.production_versions {
            facts.push(("Production versions", big(versions.count)));
            facts.push(("Production version IDs", versions.ids.join(", ").into()));
        }
        if self.changes.len() > MAX_DATA_ROWS {
            facts.push((
                "Note",
                format!(
                    "the Changes sheet holds the first {} of {} changes (Excel's row limit); the JSON report holds all",
                    crate::format::thousands(MAX_DATA_ROWS),
                    crate::format::thousands(self.changes.len())
                )
                .into(),
            ));
        }
        let rows: Vec<Vec<Cell>> = facts
            .into_iter()
            .map(|(name, value)| vec![Cell::Text(name.to_owned()), value])
            .collect();
        let mut next = write_table(
            sheet,
            "Run",
            3,
            &["Item", "Value"],
            &rows,
            &|_| None,
            false,
            0.0,
        )?;

        let mut headers = vec!["Entity", "Action", "Total"];
        headers.extend(STATUSES.iter().map(|s| status_header(*s)));
        let rows: Vec<Vec<Cell>> = s
            .by_entity_action
            .iter()
            .map(|count_row| {
                let mut cells = vec![
                    count_row.entity.text().into(),
                    count_row.action.label().into(),
                    count(count_row.counts.total),
                ];
                cells.extend(STATUSES.iter().map(|st| count(count_row.counts.get(*st))));
                cells
            })
            .collect();
        sheet
            .write_string_with_format(next, 0, "Changes by entity and action", &formats.bold)
            .map_err(err("heading"))?;
        next = write_table(
            sheet,
            "ByEntityAction",
            next + 1,
            &headers,
            &rows,
            &|_| None,
            false,
            0.0,
        )?;

        // Changes by action and status: the chart's data.
        let mut by_action: Vec<(vsync_engine::Action, [usize; 5])> = Vec::new();
        for row in &s.by_entity_action {
            let counts = STATUSES.map(|st| row.counts.get(st));
            match by_action.iter_mut().find(|(a, _)| *a == row.action) {
                Some((_, total)) => total.iter_mut().zip(counts).for_each(|(t, n)| *t += n),
                None => by_action.push((row.action, counts)),
            }
        }
        by_action.sort_by_key(|(a, _)| *a);
        let mut headers = vec!["Action"];
        headers.extend(STATUSES.iter().map(|s| status_header(*s)));
        let rows: Vec<Vec<Cell>> = by_action
            .iter()
            .map(|(action, counts)| {
                let mut cells = vec![action.label().into()];
                cells.extend(counts.iter().map(|n| count(*n)));
                cells
            })
            .collect();
        sheet
            .write_string_with_format(next, 0, "Changes by action and status", &formats.bold)
            .map_err(err("heading"))?;
        let by_action_header = next + 1;
        next = write_table(
            sheet,
            "ByAction",
            by_action_header,
            &headers,
            &rows,
            &|_| None,
            false,
            0.0,
        )?;

        let guard_headers = [
            "Guard",
            "Count",
            "Base",
            "Limit",
            "Tripped",
            "Overridden",
            "Withheld",
            "Message",
            "To proceed",
        ];
        let rows: Vec<Vec<Cell>> = self
            .guards
            .iter()
            .map(|g| {
                vec![
                    g.guard.text().into(),
                    count(g.count),
                    count(g.base),
                    count(g.limit),
                    if g.tripped { "yes" } else { "no" }.into(),
                    if g.overridden { "yes" } else { "no" }.into(),
                    count(g.withheld),
                    g.message.as_str().into(),
                    g.how_to_override.as_deref().into(),
                ]
            })
            .collect();
        sheet
            .write_string_with_format(next, 0, "Guards", &formats.bold)
            .map_err(err("heading"))?;
        let guards = &self.guards;
        let highlight = |i: usize| guards[i].blocked().then_some(&formats.failed);
        next = write_table(
            sheet,
            "Guards",
            next + 1,
            &guard_headers,
            &rows,
            &highlight,
            false,
            0.0,
        )?;

        let rows: Vec<Vec<Cell>> = run
            .calls_by_endpoint
            .iter()
            .map(|(endpoint, n)| vec![endpoint.as_str().into(), big(*n)])
            .collect();
        sheet
            .write_string_with_format(next, 0, "API calls by endpoint", &formats.bold)
            .map_err(err("heading"))?;
        write_table(
            sheet,
            "CallsByEndpoint",
            next + 1,
            &["Endpoint", "Calls"],
            &rows,
            &|_| None,
            false,
            0.0,
        )?;

        for (col, width) in [28.0, 40.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 60.0]
            .into_iter()
            .enumerate()
        {
            sheet
                .set_column_width(col as u16, width)
                .map_err(err("column widths"))?;
        }
        sheet
            .set_column_format(1, &formats.wrap)
            .map_err(err("column format"))?;

        if !by_action.is_empty() {
            let mut chart = Chart::new(ChartType::ColumnStacked);
            chart.title().set_name("Changes by action and status");
            let first = by_action_header + 1;
            let last = by_action_header + by_action.len() as u32;
            for (i, status) in STATUSES.iter().enumerate() {
                if by_action.iter().all(|(_, counts)| counts[i] == 0) {
                    continue;
                }
                let col = 1 + i as u16;
                chart
                    .add_series()
                    .set_name(("Summary", by_action_header, col))
                    .set_categories(("Summary", first, 0, last, 0))
                    .set_values(("Summary", first, col, last, col))
                    .set_format(
                        ChartFormat::new()
                            .set_solid_fill(ChartSolidFill::new().set_color(status_color(*status))),
                    );
            }
            chart.x_axis().set_name("Action");
            chart.y_axis().set_name("Changes");
            sheet.insert_chart(3, 3, &chart).map_err(err("chart"))?;
        }
        Ok(())
    }
}

fn status_header(status: Status) -> &'static str {
    match status {
        Status::Planned => "Planned",
        Status::Applied => "Applied",
        Status::Failed => "Failed",
        Status::Skipped => "Skipped",
        Status::Unknown => "Unknown",
    }
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Applied => Color::RGB(0x0070_AD47),
        Status::Failed => Color::RGB(0x00C0_0000),
        Status::Skipped => Color::RGB(0x00A5_A5A5),
        Status::Unknown => Color::RGB(0x00FF_C000),
        Status::Planned => Color::RGB(0x0044_72C4),
    }
}

fn name_sheet(sheet: &mut Worksheet, name: &str) -> Result<(), ReportError> {
    sheet
        .set_name(name)
        .map(|_| ())
        .map_err(ReportError::xlsx(format!("sheet {name}")))
}

fn freeze(sheet: &mut Worksheet) -> Result<(), ReportError> {
    sheet
        .set_freeze_panes(1, 0)
        .map(|_| ())
        .map_err(ReportError::xlsx("frozen header"))
}
