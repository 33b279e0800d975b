//! Reads the files a customer hands vsync into a validated [`DesiredState`], or refuses them
//! with every problem listed; and writes a state back in the same format.
//!
//! - [`read`] takes any number of inputs: workbooks (`.xlsx`), CSV files and folders of CSV
//!   files, and [`ReadOptions`] (CSV delimiter, a [`Mapping`] for HRIS exports, caps on
//!   hostile files in [`ReadLimits`], what the tenant accepts in [`TenantLimits`]). It returns
//!   the state, or a [`ReadError`] holding every [`Problem`] found, each with its
//!   [`ProblemKind`] and place (file, sheet, row as the spreadsheet shows it, column).
//!   [`read_with_summary`] also returns a [`ReadSummary`] of what the files held and what the
//!   mapping derived, accepted or not.
//! - [`Mapping`] (`Mapping::load`, `Mapping::from_toml_str`) renames columns, maps values,
//!   fills fields from templates and constants, and derives memberships (and, with
//!   `create = true`, the groups themselves) from attributes.
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
//! Sheet, file and column names match ignoring case, spaces, `_` and `-`; other sheets are
//! ignored. A header that is not a column of its sheet is a problem, with the column that was
//! probably meant (`dispalyName`: did you mean `displayName`?); with a mapping, the export's
//! extra columns are listed in the summary instead (see [`Mapping`]). `userGroups`,
//! `permissions` and `profiles` cells hold `;`-separated display names. A wide cell and a
//! long-form sheet may both describe a user; they are merged, and must agree when both are
//! present.
//!
//! What each input holds comes from its sheet names, or its file name; an input with a name
//! that says nothing (`workday.csv`, a one-sheet workbook) holds what its header says: the
//! mapping's columns or vsync's `username` make it users, `displayName` alone user groups,
//! and so on. A single such input is the Users sheet. Several inputs may hold users (an
//! export per population); a username or employee ID in two of them is a problem naming both
//! places. The mapping applies to a single users input, or to those whose headers hold every
//! column it reads (or that lack vsync's own `username`).
//!
//! Values are trimmed and put in Unicode NFC; a blank scalar is `None` (leave the live value
//! alone). Usernames and group names are unique case-insensitively, employee IDs exactly.
//! Identifiers are kept as text as shown: `00123` stays `00123`; a numeric XLSX cell reads as
//! Excel shows it through its number format (`000000` keeps its zeros, `@` and General never
//! add `.0`, a date reads `2024-03-01`), and a format vsync cannot reproduce (currency,
//! scientific, fractions) is a problem naming the cell and the format.
//!
//! The tenant's limits ([`TenantLimits`]) are checked as the file is read: usernames of at
//! most 75 characters, other values of at most 1,000, no control characters in any name, at
//! most 25,000 users. A CSV file cut short (a row with fewer fields than the header, a last
//! row without its line end) is a problem of the file.
//!
//! ```
//! use vsync_reader::{Mapping, ProblemKind, ReadOptions, read_bytes};
//!
//! // vsync's own columns.
//! let csv = "username,displayName,employeeId\nada@example.com,Ada Lovelace,00123\n";
//! let state = read_bytes("users.csv", csv.as_bytes(), &ReadOptions::default())?;
//! assert_eq!(state.users[0].employee_id.as_deref(), Some("00123"));
//!
//! // An HRIS export, through a mapping; a misspelt header is refused with its place.
//! let mapping = Mapping::from_toml_str(
//!     "[columns]\nusername = \"Work Email\"\ndisplayName = \"{First} {Last}\"\n",
//! )?;
//! let export = "Work Email,First,Last\nada@example.com,Ada,Lovelace\n";
//! let options = ReadOptions::default().with_mapping(mapping);
//! let state = read_bytes("export.csv", export.as_bytes(), &options)?;
//! assert_eq!(state.users[0].display_name.as_deref(), Some("Ada Lovelace"));
//!
//! let typo = "username,dispalyName\nada@example.com,Ada\n";
//! let refused = read_bytes("users.csv", typo.as_bytes(), &ReadOptions::default()).unwrap_err();
//! let problem = &refused.problems()[0];
//! assert_eq!(problem.kind, ProblemKind::UnknownColumn);
//! assert_eq!(problem.suggestion.as_deref(), Some("displayName"));
//! # Ok::<(), vsync_reader::ReadError>(())
//! ```
//!
//! [`SourceRef`]: vsync_model::SourceRef
//! [`Managed`]: vsync_model::Managed
#![deny(missing_docs)]

mod build;
mod cell;
mod csv_source;
mod error;
mod mapping;
mod numfmt;
mod options;
mod schema;
mod summary;
mod writer;
mod xlsx_source;
mod zipcheck;

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use vsync_model::{DesiredState, InputInfo};

pub use error::{Problem, ProblemKind, ReadError, WriteError, WriteErrorKind};
pub use mapping::Mapping;
pub use options::{ReadLimits, ReadOptions, TenantLimits};
pub use summary::{ReadSummary, SheetSummary, ValueCount, ValueMapSummary};
pub use writer::{write_csv_dir, write_xlsx, write_xlsx_file};

use build::{Builder, Place, Problems};
use cell::header_key;
use schema::{Column, SheetKind};
use xlsx_source::Workbook;

/// What kind of file an input is, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
}

/// Where an input's bytes are.
#[derive(Debug, Clone)]
enum Data<'a> {
    Path(PathBuf),
    Bytes(&'a [u8]),
}

/// One file to read.
struct Input<'a> {
    data: Data<'a>,
    place: Place,
    format: Format,
    /// What the file's name says it holds (CSV files).
    named: Option<SheetKind>,
    /// The workbook, once opened.
    workbook: Option<Workbook>,
}

/// One sheet (or CSV file) to read, and what it holds.
#[derive(Debug)]
struct Task {
    input: usize,
    kind: SheetKind,
    /// The sheet, for workbooks.
    sheet: Option<String>,
    /// The header, when it was needed to tell what the sheet holds.
    header: Option<Vec<String>>,
    mapped: bool,
}

/// What [`read_with_summary`] returns: the state or its problems, and what was found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadOutcome {
    /// The validated state, or every problem found.
    pub result: Result<DesiredState, ReadError>,
    /// What the files held and what the mapping derived.
    pub summary: ReadSummary,
}

/// Reads the inputs (workbooks, CSV files, folders of CSV files, in any mix) into a validated
/// desired state.
///
/// The checksum in [`InputInfo`] is the SHA-256 of the files' bytes, in the order they are
/// read: by what they hold (Users, UserGroups, Memberships, UserPermissions, UserProfiles,
/// GroupPermissions), then as given; for a single file it is the file's own SHA-256.
pub fn read<P: AsRef<Path>>(paths: &[P], options: &ReadOptions) -> Result<DesiredState, ReadError> {
    read_with_summary(paths, options).result
}

/// [`read`], with a [`ReadSummary`] of what the files held and what the mapping derived:
/// the sheets and their roles, the columns nothing reads, the derived groups and how many
/// members each gets, and the value maps' hits and misses. The summary is filled as far as
/// reading got, also when the input is refused.
pub fn read_with_summary<P: AsRef<Path>>(paths: &[P], options: &ReadOptions) -> ReadOutcome {
    let mut problems = Problems::new(options.max_problems);
    let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
    let inputs = plan_inputs(&paths, &mut problems);
    run(inputs, problems, options)
}

/// Reads one file already in memory; its name's extension (`.xlsx`, `.csv`) says how, and a
/// CSV file is the Users sheet whatever its name. Useful for uploads and tests; [`read`]
/// streams large CSV files instead.
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
    let input = Input {
        data: Data::Bytes(bytes),
        place: Place::new(file, None),
        format,
        named: Some(SheetKind::Users),
        workbook: None,
    };
    run(vec![input], Problems::new(options.max_problems), options).result
}

fn refused(problems: Problems, summary: ReadSummary) -> ReadOutcome {
    ReadOutcome {
        result: Err(ReadError::new(problems.list, problems.omitted)),
        summary,
    }
}

/// Opens the inputs, tells what each holds, then reads every sheet in order.
fn run(mut inputs: Vec<Input<'_>>, mut problems: Problems, options: &ReadOptions) -> ReadOutcome {
    if !problems.is_empty() {
        return refused(problems, ReadSummary::default());
    }
    let single = inputs.len() == 1;
    let mut tasks: Vec<Task> = Vec::new();
    for (index, input) in inputs.iter_mut().enumerate() {
        match roles(index, input, single, options) {
            Ok(found) => tasks.extend(found),
            Err(problem) => problems.push(*problem),
        }
    }
    if !problems.is_empty() {
        return refused(problems, ReadSummary::default());
    }
    if !tasks.iter().any(|t| t.kind == SheetKind::Users) {
        let problem = match inputs.as_slice() {
            [input] if input.workbook.is_some() => input
                .workbook
                .as_ref()
                .expect("checked")
                .missing_users(&input.place),
            [input] => Problem::file(
                ProblemKind::MissingSheet,
                &input.place.file,
                "no users sheet or file",
            ),
            _ => {
                let names: Vec<&str> = inputs.iter().map(|i| &*i.place.file).collect();
                Problem::file(
                    ProblemKind::MissingSheet,
                    &Arc::from(names.join(", ")),
                    "no users sheet or file among the inputs",
                )
            }
        };
        problems.push(problem);
        return refused(problems, ReadSummary::default());
    }
    decide_mapping(&mut tasks, &mut inputs, options);
    tasks.sort_by_key(|t| (t.kind, t.input));

    let mut builder = Builder::new(options, 0);
    builder.problems = problems;
    let mut hasher = Sha256::new();
    let mut hashed = vec![false; inputs.len()];
    let mut files: Vec<String> = Vec::new();
    for task in &tasks {
        if task.kind != SheetKind::Users {
            builder.end_users();
        }
        let input = &mut inputs[task.input];
        let first = !hashed[task.input];
        if first {
            hashed[task.input] = true;
            files.push(input.place.file.to_string());
        }
        match input.format {
            Format::Csv => read_csv(input, task, &mut hasher, &mut builder),
            Format::Xlsx => {
                let Some(workbook) = input.workbook.as_mut() else {
                    continue;
                };
                if first {
                    hasher.update(&workbook.bytes);
                }
                let name = task.sheet.as_deref().unwrap_or_default();
                let place = Place::new(input.place.file.clone(), Some(Arc::from(name)));
                workbook.read_sheet(name, task.kind, &place, task.mapped, &mut builder);
            }
        }
    }
    finish(builder, files, hasher)
}

fn finish(builder: Builder<'_>, files: Vec<String>, hasher: Sha256) -> ReadOutcome {
    let user_rows = builder.user_rows;
    let has_users = builder.has_users();
    let (mut state, problems, summary) = builder.finish();
    if !has_users && problems.is_empty() {
        // Only reachable through a users sheet that could not be begun, which is a problem.
        let mut problems = Problems::new(1);
        problems.push(Problem::file(
            ProblemKind::MissingSheet,
            &Arc::from(files.join(", ")),
            "no users sheet or file",
        ));
        return refused(problems, summary);
    }
    if !problems.is_empty() {
        return refused(problems, summary);
    }
    state.users.shrink_to_fit();
    state.input = InputInfo {
        files,
        checksum: hex::encode(hasher.finalize()),
        user_rows,
    };
    ReadOutcome {
        result: Ok(state),
        summary,
    }
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

/// Resolves folders and checks each file's format.
fn plan_inputs(paths: &[&Path], problems: &mut Problems) -> Vec<Input<'static>> {
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for path in paths {
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
            files.extend(found.into_iter().map(|p| (p, true)));
        } else {
            files.push((path.to_path_buf(), false));
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
    let mut inputs = Vec::new();
    for (path, _) in files {
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
        let named = match format {
            Format::Csv => SheetKind::from_name(stem),
            Format::Xlsx => None,
        };
        inputs.push(Input {
            data: Data::Path(path),
            place: Place::new(name, None),
            format,
            named,
            workbook: None,
        });
    }
    inputs
}

/// The inputs' bytes in memory, within the file-size limit.
fn load(input: &Input<'_>, max_file_bytes: u64) -> Result<Vec<u8>, Box<Problem>> {
    let io = |e: std::io::Error| {
        Box::new(
            input
                .place
                .problem(ProblemKind::Io, format!("failed to read the file: {e}")),
        )
    };
    match &input.data {
        Data::Bytes(bytes) => Ok(bytes.to_vec()),
        Data::Path(path) => {
            let file = File::open(path).map_err(io)?;
            let len = file.metadata().map_err(io)?.len();
            if len > max_file_bytes {
                return Err(Box::new(too_large(input, len, max_file_bytes)));
            }
            let mut bytes = Vec::with_capacity(len as usize);
            file.take(max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(io)?;
            Ok(bytes)
        }
    }
}

fn too_large(input: &Input<'_>, len: u64, max: u64) -> Problem {
    input.place.problem(
        ProblemKind::TooLarge,
        format!("file is {len} bytes, more than the limit of {max}"),
    )
}

/// What an input holds: its sheets and their kinds.
fn roles(
    index: usize,
    input: &mut Input<'_>,
    single: bool,
    options: &ReadOptions,
) -> Result<Vec<Task>, Box<Problem>> {
    let task = |kind, sheet, header| Task {
        input: index,
        kind,
        sheet,
        header,
        mapped: false,
    };
    match input.format {
        Format::Csv => {
            if let Some(kind) = input.named {
                return Ok(vec![task(kind, None, None)]);
            }
            if single {
                return Ok(vec![task(SheetKind::Users, None, None)]);
            }
            let header = peek_csv_header(input, options);
            match role_of(&header, options) {
                Some(kind) => Ok(vec![task(kind, None, Some(header))]),
                None => Err(Box::new(unknown_role(&input.place, &header))),
            }
        }
        Format::Xlsx => {
            let bytes = load(input, options.limits.max_file_bytes)?;
            let mut workbook = xlsx_source::open(bytes, &input.place, &options.limits)?;
            let named = workbook.named_sheets(&input.place)?;
            let mut tasks: Vec<Task> = named
                .into_iter()
                .map(|(kind, name)| task(kind, Some(name), None))
                .collect();
            if tasks.is_empty() && workbook.names.len() == 1 {
                // A one-sheet export (the usual HRIS file): what its header says, or the
                // users sheet when it is the only input.
                let name = workbook.names[0].clone();
                if single {
                    tasks.push(task(SheetKind::Users, Some(name), None));
                } else {
                    let header = workbook.first_row(&name, &options.limits);
                    let place =
                        Place::new(input.place.file.clone(), Some(Arc::from(name.as_str())));
                    match role_of(&header, options) {
                        Some(kind) => tasks.push(task(kind, Some(name), Some(header))),
                        None => return Err(Box::new(unknown_role(&place, &header))),
                    }
                }
            } else if tasks.is_empty() && !single {
                return Err(Box::new(workbook.missing_users(&input.place)));
            }
            input.workbook = Some(workbook);
            Ok(tasks)
        }
    }
}

fn unknown_role(place: &Place, header: &[String]) -> Problem {
    let names: Vec<&str> = SheetKind::ALL.iter().map(|k| k.file_name()).collect();
    let shown: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !h.is_empty())
        .take(8)
        .collect();
    place.problem(
        ProblemKind::UnknownFile,
        format!(
            "cannot tell what this file holds: its header ({}) has the required columns of no sheet; name it one of {}, or give a mapping that fits it",
            shown.join(", "),
            names.join(", ")
        ),
    )
}

/// What a header says its sheet holds: the mapping's columns make users; otherwise the sheet
/// whose required columns are all there and which names the most of the header.
fn role_of(header: &[String], options: &ReadOptions) -> Option<SheetKind> {
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    if options.mapping.as_ref().is_some_and(|m| m.matches(&keys)) {
        return Some(SheetKind::Users);
    }
    let has = |c: &Column| keys.iter().any(|k| c.matches(k));
    let best = SheetKind::ALL
        .iter()
        .filter(|kind| {
            kind.columns()
                .iter()
                .filter(|c| kind.required(**c))
                .all(has)
        })
        .max_by_key(|kind| {
            let named = keys
                .iter()
                .filter(|k| kind.columns().iter().any(|c| c.matches(k)))
                .count();
            // Ties go to the sheet listed first.
            (
                named,
                usize::MAX - SheetKind::ALL.iter().position(|k| k == *kind).unwrap_or(0),
            )
        })
        .copied();
    best.or(options.mapping.as_ref().map(|_| SheetKind::Users))
}

/// The header of a CSV input (the first non-blank record), cleaned.
fn peek_csv_header(input: &Input<'_>, options: &ReadOptions) -> Vec<String> {
    const PEEK: u64 = 1 << 20;
    let mut head = Vec::new();
    match &input.data {
        Data::Bytes(bytes) => head.extend_from_slice(&bytes[..bytes.len().min(PEEK as usize)]),
        Data::Path(path) => {
            if let Ok(file) = File::open(path) {
                let _ = BufReader::new(file).take(PEEK).read_to_end(&mut head);
            }
        }
    }
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&head);
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| csv_source::sniff_delimiter(body));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(body));
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        return record
            .iter()
            .map(|f| {
                cell::clean(&String::from_utf8_lossy(f))
                    .unwrap_or_default()
                    .into_owned()
            })
            .collect();
    }
    Vec::new()
}

/// Which Users sheets the mapping applies to: the only one, or those whose headers hold
/// every column it reads (or lack vsync's own `username`).
fn decide_mapping(tasks: &mut [Task], inputs: &mut [Input<'_>], options: &ReadOptions) {
    let Some(mapping) = &options.mapping else {
        return;
    };
    let users = tasks.iter().filter(|t| t.kind == SheetKind::Users).count();
    for task in tasks.iter_mut().filter(|t| t.kind == SheetKind::Users) {
        if users == 1 {
            task.mapped = true;
            continue;
        }
        let header = if let Some(header) = task.header.take() {
            header
        } else {
            let input = &mut inputs[task.input];
            match (&mut input.workbook, &task.sheet) {
                (Some(workbook), Some(sheet)) => workbook.first_row(sheet, &options.limits),
                _ => peek_csv_header(input, options),
            }
        };
        let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
        task.mapped = mapping.matches(&keys) || !keys.iter().any(|k| Column::Username.matches(k));
    }
}

/// Streams a CSV input into the builder, hashing it as it goes.
fn read_csv(input: &Input<'_>, task: &Task, hasher: &mut Sha256, builder: &mut Builder<'_>) {
    let limits = builder.options().limits;
    let place = &input.place;
    match &input.data {
        Data::Bytes(bytes) => {
            hasher.update(bytes);
            csv_source::parse_csv(
                Cursor::new(bytes),
                bytes.len() as u64,
                place,
                task.kind,
                task.mapped,
                builder,
            );
        }
        Data::Path(path) => {
            let io = |e: std::io::Error| {
                place.problem(ProblemKind::Io, format!("failed to read the file: {e}"))
            };
            let file = match File::open(path) {
                Ok(file) => file,
                Err(e) => return builder.problem(io(e)),
            };
            let len = match file.metadata() {
                Ok(meta) => meta.len(),
                Err(e) => return builder.problem(io(e)),
            };
            if len > limits.max_file_bytes {
                return builder.problem(too_large(input, len, limits.max_file_bytes));
            }
            csv_source::with_hashing_reader(file, hasher, |reader| {
                csv_source::parse_csv(reader, len, place, task.kind, task.mapped, builder);
            });
        }
    }
}
