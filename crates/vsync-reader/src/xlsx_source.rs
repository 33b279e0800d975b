//! XLSX workbooks, via calamine's cell streaming: no sheet is loaded as a dense grid, so a
//! sheet with one far-away cell costs nothing, and every position is checked against the
//! limits before it is used. The package is checked first ([`crate::zipcheck`]), so that a
//! small file declaring billions of shared strings or styles is refused before calamine
//! reserves room for them.
//!
//! Numeric cells are read through their number format, as Excel shows them
//! ([`crate::numfmt`]). A sheet is streamed twice: once for the values and their styles, and
//! once, over the key columns only, for formulas (calamine gives styles and formulas in
//! separate passes).

use std::io::Cursor;
use std::sync::Arc;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::build::{Builder, CellFault, Place, Row, SheetPlan};
use crate::cell::{did_you_mean, format_datetime, format_number};
use crate::error::{Problem, ProblemKind};
use crate::numfmt::NumFmt;
use crate::options::ReadLimits;
use crate::schema::SheetKind;

/// One cell of a streamed row.
#[derive(Debug, Default, Clone)]
struct XCell {
    text: String,
    fault: Option<CellFault>,
}

/// A streamed row, its cells reused from row to row.
#[derive(Debug, Default)]
struct XRow {
    cells: Vec<XCell>,
    /// Cells in use (the rest are spare allocations).
    len: usize,
    blank: bool,
}

impl XRow {
    fn clear(&mut self, width: usize) {
        for cell in &mut self.cells[..self.len] {
            cell.text.clear();
            cell.fault = None;
        }
        self.len = width;
        if self.cells.len() < width {
            self.cells.resize_with(width, XCell::default);
        }
        self.blank = true;
    }

    fn slot(&mut self, col: usize) -> &mut XCell {
        if col >= self.len {
            if self.cells.len() <= col {
                self.cells.resize_with(col + 1, XCell::default);
            }
            self.len = col + 1;
        }
        &mut self.cells[col]
    }
}

impl Row for XRow {
    fn cell(&self, i: usize) -> Result<&str, CellFault> {
        match self.cells[..self.len].get(i) {
            None => Ok(""),
            Some(XCell {
                fault: Some(fault), ..
            }) => Err(fault.clone()),
            Some(cell) => Ok(&cell.text),
        }
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// How a style shows numbers: its compiled format, and whether a date shows a time.
#[derive(Debug, Clone)]
struct Shown {
    format: NumFmt,
    time: bool,
}

fn shown_by(styles: &[calamine::Style]) -> Vec<Shown> {
    styles
        .iter()
        .map(|style| match &style.number_format {
            Some(format) => Shown {
                format: NumFmt::compile(&format.format_code),
                time: matches!(
                    NumFmt::date(&format.format_code),
                    NumFmt::Date { time: true }
                ),
            },
            None => Shown {
                format: NumFmt::General,
                time: false,
            },
        })
        .collect()
}

/// Writes a cell's value as the spreadsheet shows it; `Err` for error cells and numbers
/// whose format is not reproduced.
fn write_value(
    value: &DataRef<'_>,
    shown: Option<&Shown>,
    out: &mut String,
) -> Result<(), CellFault> {
    let number = |f: f64, out: &mut String| match shown {
        None => {
            out.push_str(&format_number(f));
            Ok(())
        }
        Some(s) => {
            if s.format.render(f, out) {
                Ok(())
            } else {
                let NumFmt::Unsupported(code) = &s.format else {
                    unreachable!("only unsupported formats refuse to render")
                };
                Err(CellFault::Format {
                    value: format_number(f),
                    format: code.clone(),
                })
            }
        }
    };
    match value {
        DataRef::Empty => {}
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Float(f) => number(*f, out)?,
        DataRef::Int(i) => number(*i as f64, out)?,
        DataRef::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        DataRef::DateTime(dt) if dt.is_duration() => out.push_str(&format_number(dt.as_f64())),
        DataRef::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = shown.is_none_or(|s| s.time);
            let parts = if time {
                (y, mo, d, h, mi, s, ms)
            } else {
                (y, mo, d, 0, 0, 0, 0)
            };
            out.push_str(&format_datetime(parts));
        }
        DataRef::Error(e) => return Err(CellFault::Error(e.to_string())),
    }
    Ok(())
}

/// How calamine's refusal reads to a customer.
fn open_problem(error: &XlsxError) -> (ProblemKind, String) {
    match error {
        XlsxError::Password => (
            ProblemKind::Protected,
            "workbook is password-protected; remove the password and save it again".into(),
        ),
        XlsxError::Zip(e) => (
            ProblemKind::Corrupt,
            format!("workbook is damaged or not an XLSX file: {e}"),
        ),
        e => (ProblemKind::Corrupt, format!("workbook is damaged: {e}")),
    }
}

/// An open workbook.
pub(crate) struct Workbook {
    pub(crate) bytes: Arc<[u8]>,
    xlsx: Xlsx<Cursor<Arc<[u8]>>>,
    /// The sheets, in workbook order.
    pub(crate) names: Vec<String>,
    /// The declared size of its worksheets, together (for estimates).
    sheet_bytes: u64,
    /// Whether any part may hold a formula.
    formulas: bool,
}

/// Checks and opens a workbook held in memory.
pub(crate) fn open(
    bytes: Vec<u8>,
    place: &Place,
    limits: &ReadLimits,
) -> Result<Workbook, Box<Problem>> {
    if bytes.is_empty() {
        return Err(Box::new(place.problem(ProblemKind::Empty, "file is empty")));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: either an encrypted XLSX or a legacy .xls.
        if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(&bytes[..])) {
            return Err(Box::new(place.problem(
                ProblemKind::Protected,
                "workbook is password-protected; remove the password and save it again",
            )));
        }
        return Err(Box::new(place.problem(
            ProblemKind::WrongFileType,
            "file is an old binary .xls workbook, not .xlsx; save it as .xlsx",
        )));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let message = if bytes
            .iter()
            .take(4096)
            .all(|b| !b.is_ascii_control() || b.is_ascii_whitespace())
        {
            "file is text, not an XLSX workbook; name it .csv"
        } else {
            "file is not an XLSX workbook"
        };
        return Err(Box::new(place.problem(ProblemKind::WrongFileType, message)));
    }
    let package = crate::zipcheck::check_package(&bytes, limits)
        .map_err(|(kind, message)| Box::new(place.problem(kind, message)))?;
    let bytes: Arc<[u8]> = Arc::from(bytes);
    let xlsx = Xlsx::new(Cursor::new(Arc::clone(&bytes))).map_err(|e| {
        let (kind, message) = open_problem(&e);
        Box::new(place.problem(kind, message))
    })?;
    let names = xlsx.sheet_names();
    Ok(Workbook {
        bytes,
        xlsx,
        names,
        sheet_bytes: package.sheet_bytes,
        formulas: package.formulas,
    })
}

impl Workbook {
    /// The sheets whose names say what they hold; a problem if two say the same.
    pub(crate) fn named_sheets(
        &self,
        place: &Place,
    ) -> Result<Vec<(SheetKind, String)>, Box<Problem>> {
        let mut sheets: Vec<(SheetKind, String)> = Vec::new();
        for name in &self.names {
            if let Some(kind) = SheetKind::from_name(name) {
                if let Some((_, other)) = sheets.iter().find(|(k, _)| *k == kind) {
                    let message = format!(
                        "sheets \"{other}\" and \"{name}\" both hold {}",
                        kind.sheet_name()
                    );
                    return Err(Box::new(place.problem(ProblemKind::UnknownFile, message)));
                }
                sheets.push((kind, name.clone()));
            }
        }
        Ok(sheets)
    }

    /// The problem of a workbook without a Users sheet.
    pub(crate) fn missing_users(&self, place: &Place) -> Problem {
        let message = format!(
            "no Users sheet (the workbook has {})",
            self.names.join(", ")
        );
        place
            .problem(ProblemKind::MissingSheet, message)
            .suggest(did_you_mean("Users", self.names.iter().map(String::as_str)))
    }

    /// The first non-blank row of a sheet, as text (for telling what the sheet holds).
    pub(crate) fn first_row(&mut self, name: &str, limits: &ReadLimits) -> Vec<String> {
        let Ok(mut cells) = self.xlsx.worksheet_cells_reader(name) else {
            return Vec::new();
        };
        let mut row: Vec<String> = Vec::new();
        let mut current = None;
        let mut count = 0u64;
        while let Ok(Some((cell, _))) = cells.next_cell_with_style_id() {
            let (r, c) = cell.get_position();
            count += 1;
            if count > limits.max_cells
                || u64::from(r) >= limits.max_rows
                || u64::from(c) >= limits.max_columns
            {
                break;
            }
            if current.is_some_and(|at| at != r) && row.iter().any(|t| !t.trim().is_empty()) {
                break;
            }
            if current != Some(r) {
                row.clear();
                current = Some(r);
            }
            let mut text = String::new();
            if write_value(cell.get_value(), None, &mut text).is_ok() {
                let c = c as usize;
                if row.len() <= c {
                    row.resize(c + 1, String::new());
                }
                row[c] = text;
            }
        }
        row
    }

    /// Reads one sheet into the builder; `mapped`: whether the mapping applies.
    pub(crate) fn read_sheet(
        &mut self,
        name: &str,
        kind: SheetKind,
        place: &Place,
        mapped: bool,
        builder: &mut Builder<'_>,
    ) {
        let Some((plan, header_row)) = self.read_values(name, kind, place, mapped, builder) else {
            return;
        };
        self.check_key_formulas(name, &plan, header_row, place, builder);
        builder.end(&plan);
    }

    /// The values pass: streams the cells with their styles into the builder.
    fn read_values(
        &mut self,
        name: &str,
        kind: SheetKind,
        place: &Place,
        mapped: bool,
        builder: &mut Builder<'_>,
    ) -> Option<(SheetPlan, u32)> {
        let limits = builder.options().limits;
        let mut cells = match self.xlsx.worksheet_cells_reader(name) {
            Ok(cells) => cells,
            Err(e) => {
                let (kind, message) = open_problem(&e);
                builder.problem(place.problem(kind, message));
                return None;
            }
        };
        let declared = cells.dimensions();
        let (rows, cols) = (u64::from(declared.end.0) + 1, u64::from(declared.end.1) + 1);
        if rows > limits.max_rows || cols > limits.max_columns {
            let message = format!(
                "sheet declares {rows} rows and {cols} columns, more than the limit of {} rows and {} columns",
                limits.max_rows, limits.max_columns
            );
            builder.problem(place.problem(ProblemKind::TooLarge, message));
            return None;
        }
        if kind == SheetKind::Users {
            // A row takes a few dozen bytes of XML at least: the declared size bounds the
            // estimate, whatever the declared dimensions say.
            let declared_rows = u64::from(declared.end.0 - declared.start.0);
            builder.reserve_users(declared_rows.min(self.sheet_bytes / 32) as usize);
        }
        let shown = shown_by(cells.styles());
        let too_large = |row: u64| {
            place
                .problem(
                    ProblemKind::TooLarge,
                    format!(
                        "sheet is larger than the limit of {} rows, {} columns and {} cells",
                        limits.max_rows, limits.max_columns, limits.max_cells
                    ),
                )
                .at_row(row)
        };
        let mut row = XRow::default();
        let mut state = SheetState {
            kind,
            place,
            mapped,
            plan: None,
            width: None,
            header_row: 0,
        };
        let mut current: Option<u32> = None;
        let mut count = 0u64;
        row.clear(0);
        loop {
            let (cell, style) = match cells.next_cell_with_style_id() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => {
                    let row_no = current.map_or(1, |r| u64::from(r) + 1);
                    builder.problem(
                        place
                            .problem(ProblemKind::Corrupt, format!("sheet is damaged: {e}"))
                            .at_row(row_no),
                    );
                    return None;
                }
            };
            let (r, c) = cell.get_position();
            if u64::from(r) >= limits.max_rows || u64::from(c) >= limits.max_columns {
                builder.problem(too_large(u64::from(r) + 1));
                return None;
            }
            count += 1;
            if count > limits.max_cells {
                builder.problem(too_large(u64::from(r) + 1));
                return None;
            }
            if current != Some(r) {
                if let Some(at) = current
                    && !state.flush(&mut row, at, builder)
                {
                    return None;
                }
                current = Some(r);
            }
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let c = c as usize;
            if state.width.is_some_and(|w| c >= w) {
                continue;
            }
            let slot = row.slot(c);
            if let Err(fault) = write_value(cell.get_value(), shown.get(style), &mut slot.text) {
                slot.fault = Some(fault);
            }
            if !slot.text.trim().is_empty() || slot.fault.is_some() {
                row.blank = false;
            }
        }
        if let Some(at) = current
            && !state.flush(&mut row, at, builder)
        {
            return None;
        }
        match state.plan {
            None => {
                builder
                    .problem(place.problem(ProblemKind::Empty, "sheet is empty (no header row)"));
                None
            }
            Some(plan) => Some((plan, state.header_row)),
        }
    }

    /// The formulas pass: a formula in a key cell is refused (its cached value is whatever
    /// the last recalculation left).
    fn check_key_formulas(
        &mut self,
        name: &str,
        plan: &SheetPlan,
        header_row: u32,
        place: &Place,
        builder: &mut Builder<'_>,
    ) {
        let keys = plan.key_columns();
        if keys.is_empty() || !self.formulas {
            return;
        }
        let limits = builder.options().limits;
        let Ok(mut cells) = self.xlsx.worksheet_cells_reader(name) else {
            return;
        };
        let mut count = 0u64;
        loop {
            let cell = match cells.next_cell_with_formula_metadata() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => {
                    builder.problem(
                        place.problem(ProblemKind::Corrupt, format!("sheet is damaged: {e}")),
                    );
                    return;
                }
            };
            count += 1;
            if count > limits.max_cells {
                return;
            }
            let (r, c) = cell.pos;
            if cell.formula.is_some() && r > header_row && keys.contains(&(c as usize)) {
                builder.formula_in_key(plan, u64::from(r) + 1, c as usize);
            }
        }
    }
}

/// The header state of a sheet being streamed.
struct SheetState<'p> {
    kind: SheetKind,
    place: &'p Place,
    mapped: bool,
    plan: Option<SheetPlan>,
    /// The header's width, once the header row has been read.
    width: Option<usize>,
    /// The header's row (0-based).
    header_row: u32,
}

impl SheetState<'_> {
    /// Hands a complete row to the builder; `false` when the header made the sheet unreadable.
    fn flush(&mut self, row: &mut XRow, at: u32, builder: &mut Builder<'_>) -> bool {
        let row_no = u64::from(at) + 1;
        if !row.blank {
            if self.width.is_some() {
                if let Some(plan) = self.plan.as_mut() {
                    builder.row(plan, row_no, row);
                }
            } else {
                self.plan = builder.begin(self.kind, self.place.clone(), row, row_no, self.mapped);
                if self.plan.is_none() {
                    return false;
                }
                self.width = Some(row.len);
                self.header_row = at;
            }
        }
        row.clear(self.width.unwrap_or(0));
        true
    }
}
