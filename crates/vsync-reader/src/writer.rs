//! Writes a [`DesiredState`] in the input format, so that reading it back gives the same state.
//!
//! Scalars go in the Users and UserGroups sheets; every relation the state manages goes in a
//! long-form sheet (Memberships, UserPermissions, UserProfiles, GroupPermissions), one pair per
//! row, so names holding `;` survive. A relation sheet is written (header only, if need be)
//! exactly when its [`Managed`](vsync_model::Managed) flag is set. Every cell is a text cell;
//! a value a spreadsheet would run as a formula is prefixed with `'`, which the reader strips.

use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};
use vsync_model::DesiredState;

use crate::cell::escape;
use crate::error::WriteError;
use crate::schema::{Column, SheetKind};

/// The rows of one sheet: header and text cells.
struct Table {
    kind: SheetKind,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

fn opt(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

/// The sheets a state is written as, in order.
fn tables(state: &DesiredState) -> Vec<Table> {
    let header = |kind: SheetKind, columns: &[Column]| Table {
        kind,
        header: columns.iter().map(|c| c.header()).collect(),
        rows: Vec::new(),
    };
    use Column as C;
    let mut users = header(
        SheetKind::Users,
        &[
            C::Username,
            C::DisplayName,
            C::EmployeeId,
            C::Email,
            C::AccountEnabled,
        ],
    );
    users.rows = state
        .users
        .iter()
        .map(|u| {
            vec![
                u.username.to_string(),
                opt(u.display_name.as_deref()),
                opt(u.employee_id.as_deref()),
                opt(u.email.as_deref()),
                u.account_enabled.map(|b| b.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let mut groups = header(SheetKind::UserGroups, &[C::DisplayName, C::Description]);
    groups.rows = state
        .groups
        .iter()
        .map(|g| vec![g.name.clone(), opt(g.description.as_deref())])
        .collect();
    let mut out = vec![users, groups];
    let managed = state.managed;
    let pairs = |kind, columns: &[Column], pairs: Vec<Vec<String>>| Table {
        rows: pairs,
        ..header(kind, columns)
    };
    let per_user = |f: fn(&vsync_model::DesiredUser) -> &vsync_model::NameSet| {
        state
            .users
            .iter()
            .flat_map(|u| {
                f(u).iter()
                    .map(|x| vec![u.username.to_string(), x.to_owned()])
            })
            .collect()
    };
    if managed.memberships {
        out.push(pairs(
            SheetKind::Memberships,
            &[C::Username, C::UserGroup],
            per_user(|u| &u.groups),
        ));
    }
    if managed.user_permissions {
        out.push(pairs(
            SheetKind::UserPermissions,
            &[C::Username, C::Permission],
            per_user(|u| &u.permissions),
        ));
    }
    if managed.profiles {
        out.push(pairs(
            SheetKind::UserProfiles,
            &[C::Username, C::Profile],
            per_user(|u| &u.profiles),
        ));
    }
    if managed.group_permissions {
        let rows = state
            .groups
            .iter()
            .flat_map(|g| {
                g.permissions
                    .iter()
                    .map(|p| vec![g.name.clone(), p.to_owned()])
            })
            .collect();
        out.push(pairs(
            SheetKind::GroupPermissions,
            &[C::UserGroup, C::Permission],
            rows,
        ));
    }
    out
}

/// Builds the workbook.
fn workbook(state: &DesiredState) -> Result<Workbook, WriteError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables(state) {
        let sheet = workbook.add_worksheet();
        sheet
            .set_name(table.kind.sheet_name())
            .map_err(WriteError::Xlsx)?;
        for (c, h) in table.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(WriteError::Xlsx)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(WriteError::Xlsx)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1)
                .map_err(|_| WriteError::Xlsx(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    sheet
                        .write_string(r, c as u16, escape(value))
                        .map_err(WriteError::Xlsx)?;
                }
            }
        }
    }
    Ok(workbook)
}

/// Writes the state as an XLSX workbook to `writer`.
pub fn write_xlsx(state: &DesiredState, mut writer: impl Write) -> Result<(), WriteError> {
    let bytes = workbook(state)?
        .save_to_buffer()
        .map_err(WriteError::Xlsx)?;
    writer.write_all(&bytes).map_err(|source| WriteError::Io {
        path: "workbook".into(),
        source,
    })
}

/// Writes the state as an XLSX workbook file, atomically ([`vsync_fs::write`]): an error
/// part-way leaves the previous file as it was.
pub fn write_xlsx_file(state: &DesiredState, path: impl AsRef<Path>) -> Result<(), WriteError> {
    let path = path.as_ref();
    let bytes = workbook(state)?
        .save_to_buffer()
        .map_err(WriteError::Xlsx)?;
    vsync_fs::write(path, bytes).map_err(|e| WriteError::Io {
        path: path.display().to_string(),
        source: e.into_io(),
    })
}

/// Writes the state as CSV files in `dir` (`users.csv`, `user_groups.csv`, `memberships.csv`,
/// ...), comma-separated UTF-8 without BOM. Returns the files written.
///
/// The folder is replaced as a whole ([`vsync_fs::replace_dir`]): the files are written into
/// a temporary folder beside it and swapped in at the end, so an error or a kill part-way
/// leaves the previous folder's files as they were, and no file of the previous write
/// remains beside the new ones. A folder holding anything but these CSV files is refused
/// rather than replaced, so nothing else in it is ever removed.
pub fn write_csv_dir(
    state: &DesiredState,
    dir: impl AsRef<Path>,
) -> Result<Vec<std::path::PathBuf>, WriteError> {
    let dir = dir.as_ref();
    refuse_foreign_files(dir)?;
    let names = vsync_fs::replace_dir(dir, |tmp| {
        let mut names = Vec::new();
        for table in tables(state) {
            let name = table.kind.file_name();
            write_csv(&table, &tmp.join(name), &dir.join(name))?;
            names.push(name);
        }
        Ok::<_, WriteError>(names)
    })?;
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Writes one table to `path` (named `shown` in errors).
fn write_csv(table: &Table, path: &Path, shown: &Path) -> Result<(), WriteError> {
    let shown = shown.display().to_string();
    let csv_error = |source| WriteError::Csv {
        path: shown.clone(),
        source,
    };
    let mut writer = csv::Writer::from_path(path).map_err(csv_error)?;
    writer.write_record(&table.header).map_err(csv_error)?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(|v| escape(v).into_owned()))
            .map_err(csv_error)?;
    }
    writer.flush().map_err(|source| WriteError::Io {
        path: shown.clone(),
        source,
    })
}

/// Refuses a folder that holds entries other than the CSV files of a state.
fn refuse_foreign_files(dir: &Path) -> Result<(), WriteError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Missing (it is created), or not a folder (the replacement says so).
        return Ok(());
    };
    let mut foreign: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let ours = SheetKind::ALL
                .iter()
                .any(|k| name.to_str() == Some(k.file_name()));
            !(ours && e.file_type().is_ok_and(|t| t.is_file()))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(WriteError::ForeignFiles {
        path: dir.display().to_string(),
        files: foreign,
    })
}
