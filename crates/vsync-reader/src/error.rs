//! The errors of the reader and the writer.
//!
//! Reading never stops at the first problem: [`ReadError`] holds every [`Problem`] found, each
//! naming its place (file, sheet, row as the spreadsheet shows it, column) so that a customer
//! can fix the file in one go.

use std::fmt;
use std::sync::Arc;

use thiserror::Error;

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be opened or read.
    Io,
    /// The file's extension is not one the reader accepts (`.xlsx`, `.csv`).
    UnsupportedFormat,
    /// The file is not what its extension says (a workbook named `.csv`, text named `.xlsx`).
    WrongFileType,
    /// The workbook is password-protected (encrypted).
    Protected,
    /// The workbook is damaged or not a valid XLSX package.
    Corrupt,
    /// The file is larger than the limits of [`ReadOptions`](crate::ReadOptions) allow.
    TooLarge,
    /// The text is not UTF-8.
    Encoding,
    /// A file or sheet is empty (no header, or no data rows where rows are required).
    Empty,
    /// A sheet the input needs is missing.
    MissingSheet,
    /// Several files hold the same sheet, or a CSV file's name says no sheet.
    UnknownFile,
    /// A required column is missing.
    MissingColumn,
    /// Two columns of a sheet have the same header.
    DuplicateColumn,
    /// A key cell (username, group name) is empty.
    EmptyKey,
    /// A key cell holds a formula.
    FormulaInKey,
    /// A cell holds a spreadsheet error such as `#N/A`.
    CellError,
    /// Two users have the same username (compared case-insensitively).
    DuplicateUsername,
    /// Two users have the same employee ID.
    DuplicateEmployeeId,
    /// Two groups have the same display name (compared case-insensitively).
    DuplicateGroup,
    /// An email address is malformed.
    MalformedEmail,
    /// An identifier a spreadsheet turned into a number in scientific notation (`1.23E+05`).
    MangledNumber,
    /// A boolean cell holds something other than true/false/yes/no/1/0 or a mapped value.
    InvalidBoolean,
    /// A `;`-separated list has an empty item.
    EmptyListItem,
    /// A long-form sheet names a user that the Users sheet does not hold.
    UnknownUser,
    /// A wide `;` column and a long-form sheet disagree.
    Contradiction,
    /// The mapping file is invalid or names a column the file does not have.
    Mapping,
    /// A header is not a column of its sheet (or, with a mapping, is unread and close to a
    /// field nothing fills): probably a misspelt column.
    UnknownColumn,
    /// A row has fewer fields than the header, or the last row has no line end: the file
    /// was cut short.
    CutShort,
    /// A name holds a control character (ESC, BEL, ...).
    ControlCharacter,
    /// A value is longer than the tenant accepts (usernames: 75 characters).
    TooLong,
    /// The input holds more users than the tenant accepts.
    TooManyUsers,
    /// A number in a text field has a number format vsync cannot reproduce as Excel shows it
    /// (currency, scientific, fractions).
    NumberFormat,
}

impl ProblemKind {
    /// A short stable name, for reports and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::UnsupportedFormat => "unsupported-format",
            Self::WrongFileType => "wrong-file-type",
            Self::Protected => "protected",
            Self::Corrupt => "corrupt",
            Self::TooLarge => "too-large",
            Self::Encoding => "encoding",
            Self::Empty => "empty",
            Self::MissingSheet => "missing-sheet",
            Self::UnknownFile => "unknown-file",
            Self::MissingColumn => "missing-column",
            Self::DuplicateColumn => "duplicate-column",
            Self::EmptyKey => "empty-key",
            Self::FormulaInKey => "formula-in-key",
            Self::CellError => "cell-error",
            Self::DuplicateUsername => "duplicate-username",
            Self::DuplicateEmployeeId => "duplicate-employee-id",
            Self::DuplicateGroup => "duplicate-group",
            Self::MalformedEmail => "malformed-email",
            Self::MangledNumber => "mangled-number",
            Self::InvalidBoolean => "invalid-boolean",
            Self::EmptyListItem => "empty-list-item",
            Self::UnknownUser => "unknown-user",
            Self::Contradiction => "contradiction",
            Self::Mapping => "mapping",
            Self::UnknownColumn => "unknown-column",
            Self::CutShort => "cut-short",
            Self::ControlCharacter => "control-character",
            Self::TooLong => "too-long",
            Self::TooManyUsers => "too-many-users",
            Self::NumberFormat => "number-format",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with the input, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem this is.
    pub kind: ProblemKind,
    /// The file, as given.
    pub file: Arc<str>,
    /// The sheet, for workbooks.
    pub sheet: Option<Arc<str>>,
    /// The row as the spreadsheet shows it (the header is row 1), when the problem has one.
    pub row: Option<u64>,
    /// The column's header as the file spells it, when the problem has one.
    pub column: Option<String>,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// A likely fix, such as the header that was probably meant.
    pub suggestion: Option<String>,
}

impl Problem {
    /// A problem with a whole file.
    pub(crate) fn file(kind: ProblemKind, file: &Arc<str>, message: impl Into<String>) -> Self {
        Self {
            kind,
            file: file.clone(),
            sheet: None,
            row: None,
            column: None,
            message: message.into(),
            suggestion: None,
        }
    }

    /// Names the sheet.
    pub(crate) fn in_sheet(mut self, sheet: Option<&Arc<str>>) -> Self {
        self.sheet = sheet.cloned();
        self
    }

    /// Names the row.
    pub(crate) fn at_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// Names the column.
    pub(crate) fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// Adds a suggestion.
    pub(crate) fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

/// Writes text from the input with its control characters escaped (`\u{1b}`), so that a
/// hostile cell cannot drive the terminal a problem is shown on.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() && c != '\n' {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Escaped(&self.file))?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet {}", Escaped(sheet))?;
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {}", Escaped(column))?;
        }
        write!(f, ": {}", Escaped(&self.message))?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (did you mean \"{}\"?)", Escaped(suggestion))?;
        }
        Ok(())
    }
}

/// The input was refused. Holds every problem found; nothing from the input may be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub struct ReadError {
    /// The problems, in file order (up to [`ReadOptions::max_problems`](crate::ReadOptions)).
    pub problems: Vec<Problem>,
    /// How many further problems were found but not kept.
    pub omitted: usize,
}

impl ReadError {
    pub(crate) fn new(problems: Vec<Problem>, omitted: usize) -> Self {
        Self { problems, omitted }
    }

    pub(crate) fn one(problem: Problem) -> Self {
        Self {
            problems: vec![problem],
            omitted: 0,
        }
    }

    /// The kind of the first problem (there is always at least one).
    pub fn kind(&self) -> ProblemKind {
        self.problems.first().map_or(ProblemKind::Io, |p| p.kind)
    }

    /// The problems found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        if self.omitted > 0 {
            write!(f, "\nand {} more problems", self.omitted)?;
        }
        Ok(())
    }
}

/// What kind of failure a [`WriteError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteErrorKind {
    /// Writing to the file or writer failed.
    Io,
    /// The state does not fit the format (a cell too long, too many rows).
    Unrepresentable,
    /// The folder to replace holds files that are not a state's CSV files.
    ForeignFiles,
}

/// Writing a desired state failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Writing to the file or writer failed.
    #[error("failed to write {path}")]
    Io {
        /// The file or folder being written.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The CSV encoder failed.
    #[error("failed to write {path}")]
    Csv {
        /// The file being written.
        path: String,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// The CSV folder could not be put in place (its previous files are as they were).
    #[error("failed to replace the CSV folder")]
    Replace(#[source] vsync_fs::Error),
    /// The folder to replace holds files that are not a state's CSV files; nothing was
    /// written.
    #[error(
        "failed to replace {path}, which holds files that are not vsync CSV files ({}); write to an empty folder, or to one an earlier export wrote",
        files.join(", ")
    )]
    ForeignFiles {
        /// The folder.
        path: String,
        /// The entries that are not a state's CSV files.
        files: Vec<String>,
    },
    /// The workbook could not be built (for example a cell longer than 32,767 characters or
    /// more than 1,048,576 rows).
    #[error("failed to build the workbook")]
    Xlsx(#[source] rust_xlsxwriter::XlsxError),
}

impl From<vsync_fs::Error> for WriteError {
    fn from(error: vsync_fs::Error) -> Self {
        Self::Replace(error)
    }
}

impl WriteError {
    /// The kind of failure.
    pub fn kind(&self) -> WriteErrorKind {
        match self {
            Self::Io { .. }
            | Self::Csv { .. }
            | Self::Replace(_)
            | Self::Xlsx(rust_xlsxwriter::XlsxError::IoError(_)) => WriteErrorKind::Io,
            Self::ForeignFiles { .. } => WriteErrorKind::ForeignFiles,
            Self::Xlsx(_) => WriteErrorKind::Unrepresentable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_display_names_file_row_column_and_suggestion() {
        let file: Arc<str> = Arc::from("users.csv");
        let p = Problem::file(
            ProblemKind::MalformedEmail,
            &file,
            "malformed email \"jane@@x\"",
        )
        .at_row(7)
        .in_column("email");
        assert_eq!(
            p.to_string(),
            "users.csv, row 7, column email: malformed email \"jane@@x\""
        );
        let sheet: Arc<str> = Arc::from("Users");
        let p = Problem::file(
            ProblemKind::MissingColumn,
            &Arc::from("in.xlsx"),
            "missing column username",
        )
        .in_sheet(Some(&sheet))
        .at_row(1)
        .suggest(Some("usrname".into()));
        assert_eq!(
            p.to_string(),
            "in.xlsx, sheet Users, row 1: missing column username (did you mean \"usrname\"?)"
        );
    }

    #[test]
    fn control_characters_from_the_input_are_escaped_when_shown() {
        let file: Arc<str> = Arc::from("users.csv");
        let p = Problem::file(
            ProblemKind::MalformedEmail,
            &file,
            "malformed email \"a\u{1b}[2J\u{7}\"",
        );
        assert_eq!(
            p.to_string(),
            "users.csv: malformed email \"a\\u{1b}[2J\\u{7}\""
        );
    }

    #[test]
    fn read_error_lists_one_problem_per_line() {
        let file: Arc<str> = Arc::from("a.csv");
        let err = ReadError::new(
            vec![
                Problem::file(ProblemKind::Empty, &file, "file is empty"),
                Problem::file(ProblemKind::EmptyKey, &file, "empty username").at_row(3),
            ],
            2,
        );
        assert_eq!(
            err.to_string(),
            "a.csv: file is empty\na.csv, row 3: empty username\nand 2 more problems"
        );
        assert_eq!(err.kind(), ProblemKind::Empty);
    }
}
