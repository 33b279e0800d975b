//! XLSX workbooks, via calamine's cell streaming: no sheet is loaded as a dense grid, so a
//! sheet with one far-away cell costs nothing, and every position is checked against the
//! limits before it is used.

use std::fmt::Write as _;
use std::io::Cursor;
use std::sync::Arc;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::build::{Builder, CellFault, Place, Row, SheetPlan};
use crate::cell::{did_you_mean, format_datetime, format_number};
use crate::error::ProblemKind;
use crate::schema::SheetKind;

/// One cell of a streamed row.
#[derive(Debug, Default, Clone)]
struct XCell {
    text: String,
    formula: bool,
    error: Option<String>,
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
            cell.formula = false;
            cell.error = None;
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
            Some(XCell { error: Some(e), .. }) => Err(CellFault::Error(e.clone())),
            Some(cell) => Ok(&cell.text),
        }
    }

    fn is_formula(&self, i: usize) -> bool {
        self.cells[..self.len].get(i).is_some_and(|c| c.formula)
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// Writes a cell's value as the spreadsheet shows it; `Err` with the error text for error cells.
fn write_value(value: &DataRef<'_>, out: &mut String) -> Result<(), String> {
    match value {
        DataRef::Empty => {}
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Float(f) => out.push_str(&format_number(*f)),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        DataRef::DateTime(dt) if dt.is_duration() => out.push_str(&format_number(dt.as_f64())),
        DataRef::DateTime(dt) => out.push_str(&format_datetime(dt.to_ymd_hms_milli())),
        DataRef::Error(e) => return Err(e.to_string()),
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

/// Reads a workbook held in memory.
pub(crate) fn parse_xlsx(bytes: &[u8], file: &Arc<str>, builder: &mut Builder<'_>) {
    let options = builder.options();
    let place = Place::new(file.clone(), None);
    if bytes.is_empty() {
        builder.problem(place.problem(ProblemKind::Empty, "file is empty"));
        return;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: either an encrypted XLSX or a legacy .xls.
        let message = match Xlsx::new(Cursor::new(bytes)) {
            Err(XlsxError::Password) => {
                builder.problem(place.problem(
                    ProblemKind::Protected,
                    "workbook is password-protected; remove the password and save it again",
                ));
                return;
            }
            _ => "file is an old binary .xls workbook, not .xlsx; save it as .xlsx",
        };
        builder.problem(place.problem(ProblemKind::WrongFileType, message));
        return;
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
        builder.problem(place.problem(ProblemKind::WrongFileType, message));
        return;
    }
    if let Err(problem) = crate::zipcheck::check_parts(bytes, &options.limits) {
        builder.problem(place.problem(problem.0, problem.1));
        return;
    }
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(e) => {
            let (kind, message) = open_problem(&e);
            builder.problem(place.problem(kind, message));
            return;
        }
    };
    let names = workbook.sheet_names();
    let mut sheets: Vec<(SheetKind, String)> = Vec::new();
    for name in &names {
        if let Some(kind) = SheetKind::from_name(name) {
            if let Some((_, other)) = sheets.iter().find(|(k, _)| *k == kind) {
                let message = format!(
                    "sheets \"{other}\" and \"{name}\" both hold {}",
                    kind.sheet_name()
                );
                builder.problem(place.problem(ProblemKind::UnknownFile, message));
                return;
            }
            sheets.push((kind, name.clone()));
        }
    }
    if !sheets.iter().any(|(k, _)| *k == SheetKind::Users) {
        if names.len() == 1 && sheets.is_empty() {
            // A one-sheet export (the usual HRIS file) is the users sheet, whatever its name.
            sheets.push((SheetKind::Users, names[0].clone()));
        } else {
            let message = format!("no Users sheet (the workbook has {})", names.join(", "));
            let problem = place
                .problem(ProblemKind::MissingSheet, message)
                .suggest(did_you_mean("Users", names.iter().map(String::as_str)));
            builder.problem(problem);
            return;
        }
    }
    sheets.sort();
    for (kind, name) in sheets {
        let place = Place::new(file.clone(), Some(Arc::from(name.as_str())));
        read_sheet(&mut workbook, &name, kind, &place, builder);
    }
}

/// The header state of a sheet being streamed.
struct SheetState<'p> {
    kind: SheetKind,
    place: &'p Place,
    plan: Option<SheetPlan>,
    /// The header's width, once the header row has been read.
    width: Option<usize>,
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
                self.plan = builder.begin(self.kind, self.place.clone(), row, row_no);
                if self.plan.is_none() {
                    return false;
                }
                self.width = Some(row.len);
            }
        }
        row.clear(self.width.unwrap_or(0));
        true
    }
}

fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    kind: SheetKind,
    place: &Place,
    builder: &mut Builder<'_>,
) {
    let limits = builder.options().limits;
    let mut cells = match workbook.worksheet_cells_reader(name) {
        Ok(cells) => cells,
        Err(e) => {
            let (kind, message) = open_problem(&e);
            builder.problem(place.problem(kind, message));
            return;
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
        return;
    }
    if kind == SheetKind::Users {
        builder.reserve_users((declared.end.0 - declared.start.0) as usize);
    }
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
        plan: None,
        width: None,
    };
    let mut current: Option<u32> = None;
    let mut count = 0u64;
    row.clear(0);
    loop {
        let cell = match cells.next_cell_with_formula_metadata() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                let row_no = current.map_or(1, |r| u64::from(r) + 1);
                builder.problem(
                    place
                        .problem(ProblemKind::Corrupt, format!("sheet is damaged: {e}"))
                        .at_row(row_no),
                );
                return;
            }
        };
        let (r, c) = cell.pos;
        if u64::from(r) >= limits.max_rows || u64::from(c) >= limits.max_columns {
            builder.problem(too_large(u64::from(r) + 1));
            return;
        }
        if current != Some(r) {
            if let Some(at) = current
                && !state.flush(&mut row, at, builder)
            {
                return;
            }
            current = Some(r);
        }
        if matches!(cell.value, DataRef::Empty) && cell.formula.is_none() {
            continue;
        }
        count += 1;
        if count > limits.max_cells {
            builder.problem(too_large(u64::from(r) + 1));
            return;
        }
        let c = c as usize;
        if state.width.is_some_and(|w| c >= w) {
            continue;
        }
        let slot = row.slot(c);
        slot.formula = cell.formula.is_some();
        if let Err(e) = write_value(&cell.value, &mut slot.text) {
            slot.error = Some(e);
        }
        if !slot.text.trim().is_empty() || slot.error.is_some() || slot.formula {
            row.blank = false;
        }
    }
    if let Some(at) = current
        && !state.flush(&mut row, at, builder)
    {
        return;
    }
    let plan = state.plan;
    match plan {
        None => {
            builder.problem(place.problem(ProblemKind::Empty, "sheet is empty (no header row)"));
        }
        Some(plan) => builder.end(&plan),
    }
}
