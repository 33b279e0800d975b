//! Reads the file a customer hands vsync into a validated [`DesiredState`], or refuses it with
//! every problem listed; and writes a state back in the same format.
//!
//! - [`read`] takes a workbook (`.xlsx`), CSV files, or a folder of CSV files, and
//!   [`ReadOptions`] (CSV delimiter, a [`Mapping`] for HRIS exports, size [`Limits`]). It
//!   returns the state, or a [`ReadError`] holding every [`Problem`] found, each with its
//!   [`ProblemKind`] and place (file, sheet, row as the spreadsheet shows it, column).
//! - [`Mapping`] (`Mapping::load`, `Mapping::from_toml_str`) renames columns, maps values,
//!   fills fields from templates and constants, and derives memberships from attributes.
//! - [`write_xlsx`] and [`write_csv_dir`] write a state in the input format; reading the
//!   result back gives an equal state (apart from the rows in [`SourceRef`]s).
//!
//! # The input format
//!
//! | Sheet (workbook) / file (CSV) | Columns (required in bold) | Sets [`Managed`] |
//! |---|---|---|
//! | `Users` / `users.csv` | **`username`**, `displayName`, `employeeId`, `email`, `accountEnabled`, `userGroups`, `permissions`, `profiles` | `userGroups` → memberships, `permissions` → user_permissions, `profiles` → profiles |
//! | `UserGroups` / `user_groups.csv` | **`displayName`**, `description`, `permissions` | `permissions` → group_permissions |
//! | `Memberships` / `memberships.csv` | **`username`**, **`userGroup`** | memberships |
//! | `UserPermissions` / `user_permissions.csv` | **`username`**, **`permission`** | user_permissions |
//! | `UserProfiles` / `user_profiles.csv` | **`username`**, **`profile`** | profiles |
//! | `GroupPermissions` / `group_permissions.csv` | **`userGroup`**, **`permission`** | group_permissions |
//!
//! Sheet, file and column names match ignoring case, spaces, `_` and `-`; other sheets and
//! columns are ignored. `userGroups`, `permissions` and `profiles` cells hold `;`-separated
//! display names. A wide cell and a long-form sheet may both describe a user; they are merged,
//! and must agree when both are present. A workbook with a single sheet of any name, or a
//! single CSV file of any name, is the Users sheet.
//!
//! Values are trimmed and put in Unicode NFC; a blank scalar is `None` (leave the live value
//! alone). Usernames and group names are unique case-insensitively, employee IDs exactly.
//! Identifiers are kept as text as shown: `00123` stays `00123`, a numeric XLSX cell `12345`
//! reads `12345`, a date reads `2024-03-01`.
//!
//! [`SourceRef`]: vsync_model::SourceRef
//! [`Managed`]: vsync_model::Managed
#![warn(missing_docs)]

mod build;
mod cell;
mod csv_source;
mod error;
mod mapping;
mod options;
mod schema;
mod writer;
mod xlsx_source;
mod zipcheck;

use std::fs::File;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use vsync_model::{DesiredState, InputInfo};

pub use error::{Problem, ProblemKind, ReadError, WriteError, WriteErrorKind};
pub use mapping::Mapping;
pub use options::{Limits, ReadOptions};
pub use writer::{write_csv_dir, write_xlsx, write_xlsx_file};

use build::{Builder, Place};
use schema::SheetKind;

/// What kind of file an input is, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
}

/// One file to read.
#[derive(Debug)]
struct Input {
    path: PathBuf,
    name: Arc<str>,
    format: Format,
    kind: SheetKind,
}

/// Reads the input files (one workbook, one or more CSV files, or a folder of CSV files) into
/// a validated desired state.
///
/// The checksum in [`InputInfo`] is the SHA-256 of the files' bytes, in sheet order (Users,
/// UserGroups, Memberships, UserPermissions, UserProfiles, GroupPermissions); for a single
/// file it is the file's own SHA-256.
pub fn read<P: AsRef<Path>>(paths: &[P], options: &ReadOptions) -> Result<DesiredState, ReadError> {
    let mut problems = build::Problems::new(options.max_problems);
    let inputs = plan_inputs(paths, &mut problems);
    if !problems.is_empty() {
        return Err(ReadError::new(problems.list, problems.omitted));
    }
    let mut builder = Builder::new(options, 0);
    let mut hasher = Sha256::new();
    for input in &inputs {
        read_input(input, &mut builder, &mut hasher);
    }
    let files = inputs.iter().map(|i| i.name.to_string()).collect();
    finish(builder, files, hasher)
}

/// Reads one file already in memory; its name's extension (`.xlsx`, `.csv`) says how.
/// Useful for uploads and tests; [`read`] streams large CSV files instead.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<DesiredState, ReadError> {
    let file: Arc<str> = Arc::from(name);
    let format = match format_of(Path::new(name)) {
        Ok(format) => format,
        Err(message) => {
            return Err(ReadError::one(Problem::file(
                ProblemKind::UnsupportedFormat,
                &file,
                message,
            )));
        }
    };
    let mut builder = Builder::new(options, 0);
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    match format {
        Format::Xlsx => xlsx_source::parse_xlsx(bytes, &file, &mut builder),
        Format::Csv => {
            let place = Place::new(file, None);
            csv_source::parse_csv(
                Cursor::new(bytes),
                bytes.len() as u64,
                &place,
                SheetKind::Users,
                &mut builder,
            );
        }
    }
    finish(builder, vec![name.to_owned()], hasher)
}

fn finish(
    builder: Builder<'_>,
    files: Vec<String>,
    hasher: Sha256,
) -> Result<DesiredState, ReadError> {
    let user_rows = builder.user_rows;
    if !builder.has_users() && builder.problems.is_empty() {
        // Only reachable through inputs without a users file, which `plan_inputs` refuses.
        return Err(ReadError::one(Problem::file(
            ProblemKind::MissingSheet,
            &Arc::from(files.join(", ")),
            "no users sheet or file",
        )));
    }
    let (mut state, problems) = builder.finish();
    if !problems.is_empty() {
        return Err(ReadError::new(problems.list, problems.omitted));
    }
    state.users.shrink_to_fit();
    state.input = InputInfo {
        files,
        checksum: hex::encode(hasher.finalize()),
        user_rows,
    };
    Ok(state)
}

fn format_of(path: &Path) -> Result<Format, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" => Ok(Format::Xlsx),
        "csv" => Ok(Format::Csv),
        "xls" | "xlsm" | "xlsb" | "ods" | "numbers" => Err(format!(
            "\".{ext}\" files are not read; save the file as .xlsx or .csv"
        )),
        "" => Err("the file has no extension; name it .xlsx or .csv".into()),
        _ => Err(format!(
            "\".{ext}\" files are not read; give an .xlsx or .csv file"
        )),
    }
}

/// Resolves folders and decides which sheet each CSV file holds.
fn plan_inputs<P: AsRef<Path>>(paths: &[P], problems: &mut build::Problems) -> Vec<Input> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path.is_dir() {
            let found: Vec<PathBuf> = SheetKind::ALL
                .iter()
                .map(|k| path.join(k.file_name()))
                .filter(|p| p.is_file())
                .collect();
            if found.is_empty() {
                let name: Arc<str> = Arc::from(path.display().to_string());
                problems.push(Problem::file(
                    ProblemKind::MissingSheet,
                    &name,
                    "folder holds no users.csv",
                ));
            }
            files.extend(found);
        } else {
            files.push(path.to_path_buf());
        }
    }
    if files.is_empty() {
        problems.push(Problem::file(
            ProblemKind::Io,
            &Arc::from("input"),
            "no input files given",
        ));
        return Vec::new();
    }
    let mut inputs: Vec<Input> = Vec::new();
    let single = files.len() == 1;
    for path in files {
        let name: Arc<str> = Arc::from(path.display().to_string());
        let format = match format_of(&path) {
            Ok(format) => format,
            Err(message) => {
                problems.push(Problem::file(
                    ProblemKind::UnsupportedFormat,
                    &name,
                    message,
                ));
                continue;
            }
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let kind = match (format, SheetKind::from_name(stem)) {
            (Format::Xlsx, _) => SheetKind::Users,
            (Format::Csv, Some(kind)) => kind,
            (Format::Csv, None) if single => SheetKind::Users,
            (Format::Csv, None) => {
                let names: Vec<&str> = SheetKind::ALL.iter().map(|k| k.file_name()).collect();
                problems.push(
                    Problem::file(
                        ProblemKind::UnknownFile,
                        &name,
                        format!(
                            "cannot tell which sheet this file holds; name it one of {}",
                            names.join(", ")
                        ),
                    )
                    .suggest(
                        cell::did_you_mean(
                            stem,
                            SheetKind::ALL
                                .iter()
                                .map(|k| k.file_name().trim_end_matches(".csv")),
                        )
                        .map(|s| format!("{s}.csv")),
                    ),
                );
                continue;
            }
        };
        if let Some(other) = inputs
            .iter()
            .find(|i| i.format == Format::Csv && format == Format::Csv && i.kind == kind)
        {
            problems.push(Problem::file(
                ProblemKind::UnknownFile,
                &name,
                format!("{} also holds {}", other.name, kind.sheet_name()),
            ));
            continue;
        }
        inputs.push(Input {
            path,
            name,
            format,
            kind,
        });
    }
    let workbooks = inputs.iter().filter(|i| i.format == Format::Xlsx).count();
    if workbooks > 1 || (workbooks == 1 && inputs.len() > 1) {
        problems.push(Problem::file(
            ProblemKind::UnknownFile,
            &Arc::from("input"),
            "give one workbook, or CSV files, not several workbooks or both",
        ));
    } else if workbooks == 0
        && !inputs.is_empty()
        && !inputs.iter().any(|i| i.kind == SheetKind::Users)
    {
        let names = inputs
            .iter()
            .map(|i| i.name.as_ref())
            .collect::<Vec<_>>()
            .join(", ");
        problems.push(Problem::file(
            ProblemKind::MissingSheet,
            &Arc::from(names),
            "no users.csv among the CSV files",
        ));
    }
    inputs.sort_by_key(|i| i.kind);
    inputs
}

fn read_input(input: &Input, builder: &mut Builder<'_>, hasher: &mut Sha256) {
    let limits = builder.options().limits;
    let place = Place::new(input.name.clone(), None);
    let io_problem =
        |e: std::io::Error| place.problem(ProblemKind::Io, format!("failed to read the file: {e}"));
    let file = match File::open(&input.path) {
        Ok(file) => file,
        Err(e) => return builder.problem(io_problem(e)),
    };
    let len = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(e) => return builder.problem(io_problem(e)),
    };
    if len > limits.max_file_bytes {
        let message = format!(
            "file is {len} bytes, more than the limit of {}",
            limits.max_file_bytes
        );
        return builder.problem(place.problem(ProblemKind::TooLarge, message));
    }
    match input.format {
        Format::Csv => {
            csv_source::with_hashing_reader(file, hasher, |reader| {
                csv_source::parse_csv(reader, len, &place, input.kind, builder);
            });
        }
        Format::Xlsx => {
            let mut bytes = Vec::with_capacity(len as usize);
            if let Err(e) = std::io::Read::read_to_end(
                &mut std::io::Read::take(file, limits.max_file_bytes + 1),
                &mut bytes,
            ) {
                return builder.problem(io_problem(e));
            }
            hasher.update(&bytes);
            xlsx_source::parse_xlsx(&bytes, &input.name, builder);
        }
    }
}
