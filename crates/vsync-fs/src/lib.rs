//! Files and folders of vsync replaced atomically: a crash, a kill or an error part-way
//! through a write leaves the previous content whole, never half of the new one.
//!
//! - [`write`] and [`write_with`] replace one file: the data goes into a temporary file
//!   beside it (`tempfile`), which is flushed and fsynced, then persisted over the path (a
//!   rename), and the folder is fsynced so the rename survives a power cut.
//! - [`PendingFile`] is the same for data that arrives in pieces (a download): written
//!   through [`std::io::Write`], put in place by [`PendingFile::commit`], removed if dropped.
//! - [`replace_dir`] replaces a whole folder: its files are written into a temporary folder
//!   beside it, fsynced, and swapped in at the end; on an error the previous folder stays.
//!
//! Temporaries are named after the path and the process (`.NAME.PID.…`), so the next write
//! of the same path removes those a killed process left behind, and never those of a
//! process still running. Where the system does not list its processes in `/proc` (as Linux
//! does), a temporary of another process is kept, as it may still be running.
//!
//! ```
//! use std::io::Write as _;
//!
//! let dir = tempfile::tempdir()?;
//! let report = dir.path().join("report.json");
//! vsync_fs::write(&report, b"{\"ok\":true}")?;
//!
//! // A write that fails part-way leaves the last good file in place.
//! let failed = vsync_fs::write_with(&report, |w| {
//!     w.write_all(b"{\"ok\":")?;
//!     Err(std::io::Error::other("disk full"))
//! });
//! assert!(failed.is_err());
//! assert_eq!(std::fs::read_to_string(&report)?, "{\"ok\":true}");
//!
//! // A folder is replaced as a whole, or not at all.
//! let export = dir.path().join("tenant");
//! vsync_fs::replace_dir(&export, |tmp| -> Result<(), vsync_fs::Error> {
//!     vsync_fs::write(tmp.join("users.csv"), "username\nada@example.com\n")
//! })?;
//! assert!(export.join("users.csv").is_file());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod dir;
mod error;
mod file;
mod temp;

pub use dir::replace_dir;
pub use error::{Error, ErrorKind};
pub use file::{PendingFile, sync_dir, write, write_with};
