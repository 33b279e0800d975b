//! [`ReportError`]: why a report could not be written.

use std::io;
use std::path::PathBuf;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Writing a report file failed (the temporary file, the fsync or the rename).
    #[error("failed to write report {path}")]
    Write {
        /// The file the report was going to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Writing to the caller's writer failed.
    #[error("failed to write the {format} report")]
    Io {
        /// The format being written (`json`, `markdown`, `xlsx`).
        format: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The XLSX library refused the workbook (a sheet, a table or a chart).
    #[error("failed to build the XLSX report: {context}")]
    Xlsx {
        /// What was being built (`sheet Changes`, `chart`).
        context: String,
        /// The underlying error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// Serialising the JSON report failed.
    #[error("failed to serialise the JSON report")]
    Json(#[source] serde_json::Error),
}

/// The class of a [`ReportError`], for exit codes and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be written.
    Write,
    /// The caller's writer failed.
    Io,
    /// The workbook could not be built.
    Xlsx,
    /// The JSON could not be serialised.
    Json,
}

impl ReportError {
    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Write { .. } => ErrorKind::Write,
            Self::Io { .. } => ErrorKind::Io,
            Self::Xlsx { .. } => ErrorKind::Xlsx,
            Self::Json(_) => ErrorKind::Json,
        }
    }

    pub(crate) fn io(format: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io { format, source }
    }

    pub(crate) fn xlsx(
        context: impl Into<String>,
    ) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> Self {
        let context = context.into();
        move |source| Self::Xlsx { context, source }
    }
}
