//! [`Error`]: what failed, and on which path.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Creating or filling the temporary file or folder failed.
    Write,
    /// Flushing it to the disk failed.
    Sync,
    /// Moving it into place failed.
    Swap,
    /// The path to replace is not a folder.
    NotAFolder,
}

/// Writing a file or replacing a folder failed; the previous content is in place.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Creating or filling the temporary file or folder failed.
    #[error("write {}", path.display())]
    Write {
        /// The file or folder being written.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Flushing the written data to the disk failed.
    #[error("flush {} to the disk", path.display())]
    Sync {
        /// The file or folder being flushed.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Moving the finished file or folder into place failed.
    #[error("move the new {} into place", path.display())]
    Swap {
        /// The file or folder being replaced.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The path to replace by a folder is something else.
    #[error("replace {}, which is not a folder", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Write { .. } => ErrorKind::Write,
            Self::Sync { .. } => ErrorKind::Sync,
            Self::Swap { .. } => ErrorKind::Swap,
            Self::NotAFolder { .. } => ErrorKind::NotAFolder,
        }
    }

    /// The file or folder the failure is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Write { path, .. }
            | Self::Sync { path, .. }
            | Self::Swap { path, .. }
            | Self::NotAFolder { path } => path,
        }
    }

    /// The I/O error underneath, if any.
    pub fn io(&self) -> Option<&io::Error> {
        match self {
            Self::Write { source, .. } | Self::Sync { source, .. } | Self::Swap { source, .. } => {
                Some(source)
            }
            Self::NotAFolder { .. } => None,
        }
    }

    /// The I/O error underneath, for callers that name the path themselves (a path that
    /// is not a folder becomes an error of kind [`io::ErrorKind::AlreadyExists`]).
    pub fn into_io(self) -> io::Error {
        match self {
            Self::Write { source, .. } | Self::Sync { source, .. } | Self::Swap { source, .. } => {
                source
            }
            Self::NotAFolder { .. } => io::Error::new(io::ErrorKind::AlreadyExists, "not a folder"),
        }
    }

    pub(crate) fn write(path: &Path) -> impl FnOnce(io::Error) -> Self + '_ {
        move |source| Self::Write {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn sync(path: &Path) -> impl FnOnce(io::Error) -> Self + '_ {
        move |source| Self::Sync {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn swap(path: &Path) -> impl FnOnce(io::Error) -> Self + '_ {
        move |source| Self::Swap {
            path: path.to_owned(),
            source,
        }
    }
}

impl From<Error> for io::Error {
    /// The error as an I/O error of the same kind as its cause, its message kept.
    fn from(error: Error) -> Self {
        let kind = error.io().map_or(io::ErrorKind::Other, io::Error::kind);
        io::Error::new(kind, error)
    }
}
