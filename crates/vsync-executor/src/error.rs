//! The one error type of the executor, [`ExecError`], and its [`ErrorKind`].
//!
//! A change the API refused is not an error: it is a [`Status::Failed`] outcome in
//! [`ApplyOutcome::outcomes`](crate::ApplyOutcome::outcomes). `ExecError` is for what stops a
//! run (or keeps one from starting): a stale plan, a held lock, credentials, the journal, or a
//! read that failed.
//!
//! [`Status::Failed`]: vsync_engine::outcome::Status::Failed

use std::fmt;
use std::path::PathBuf;

use vsync_client::ClientError;

/// What went wrong, in the terms the command line maps to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The tenant changed since the plan was made.
    StalePlan,
    /// Another run holds the tenant's lock.
    LockHeld,
    /// The lock file could not be created or locked.
    Lock,
    /// The credentials were refused.
    Auth,
    /// The run was interrupted (Ctrl-C, SIGTERM) before it could start or finish a read.
    Interrupted,
    /// The journal could not be written or read, or belongs to another plan.
    Journal,
    /// A call failed (a read, or a failure that stops the run).
    Client,
    /// A mutating request was refused before it was sent: the client is read-only, or the
    /// run is a dry run. Nothing was sent.
    ReadOnly,
    /// The plan cannot be applied (another plan version).
    Plan,
    /// The project the run must work in is not open (published, deleted, unknown).
    Project,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::StalePlan => "stale plan",
            ErrorKind::LockHeld => "lock held",
            ErrorKind::Lock => "lock",
            ErrorKind::Auth => "auth",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Journal => "journal",
            ErrorKind::Client => "client",
            ErrorKind::ReadOnly => "read-only",
            ErrorKind::Plan => "plan",
            ErrorKind::Project => "project",
        })
    }
}

/// The error of the executor's entry points. See [`ExecError::kind`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The live fingerprint differs from the one the plan was computed from.
    #[error(
        "refused to apply a stale plan: the tenant changed since planning (planned against {planned}, live is {live})"
    )]
    StalePlan {
        /// The fingerprint recorded in the plan.
        planned: String,
        /// The fingerprint of the tenant now.
        live: String,
    },
    /// Another run holds the tenant's lock.
    #[error("another run holds the lock {} ({holder})", .path.display())]
    LockHeld {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, as the holder wrote it: pid, host, start time.
        holder: String,
    },
    /// The lock file could not be opened or locked.
    #[error("failed to lock {}", .path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The tenant refused the credentials.
    #[error("failed to authenticate")]
    Auth(#[source] Box<ClientError>),
    /// The run was interrupted before a result could be produced.
    #[error("interrupted while {0}")]
    Interrupted(String),
    /// The journal could not be written or read.
    #[error("journal {}: {message}", .path.display())]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What was wrong.
        message: String,
        /// The I/O error, if any.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A call failed; the client error keeps the HTTP status and Visier's `rci`.
    #[error("failed to {context}")]
    Client {
        /// What the executor was doing ("list users").
        context: String,
        /// The client's error.
        #[source]
        source: Box<ClientError>,
    },
    /// The plan cannot be applied.
    #[error("cannot apply the plan: {0}")]
    Plan(String),
    /// The project the run must work in cannot take its changes.
    #[error("project {id}: {message}")]
    Project {
        /// The project.
        id: vsync_model::ProjectId,
        /// What is wrong with it, and what to do.
        message: String,
    },
}

impl ExecError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ExecError::StalePlan { .. } => ErrorKind::StalePlan,
            ExecError::LockHeld { .. } => ErrorKind::LockHeld,
            ExecError::Lock { .. } => ErrorKind::Lock,
            ExecError::Auth(_) => ErrorKind::Auth,
            ExecError::Interrupted(_) => ErrorKind::Interrupted,
            ExecError::Journal { .. } => ErrorKind::Journal,
            ExecError::Client { source, .. } if source.is_read_only() => ErrorKind::ReadOnly,
            ExecError::Client { .. } => ErrorKind::Client,
            ExecError::Plan(_) => ErrorKind::Plan,
            ExecError::Project { .. } => ErrorKind::Project,
        }
    }

    /// Wraps a client error met while doing `context`; credentials refused become
    /// [`ExecError::Auth`].
    pub(crate) fn client(context: impl Into<String>, source: ClientError) -> Self {
        if source.kind() == vsync_client::ErrorKind::Auth {
            ExecError::Auth(Box::new(source))
        } else {
            ExecError::Client {
                context: context.into(),
                source: Box::new(source),
            }
        }
    }

    pub(crate) fn journal(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        source: Option<std::io::Error>,
    ) -> Self {
        ExecError::Journal {
            path: path.into(),
            message: message.into(),
            source,
        }
    }

    /// The HTTP status of the failed call, if one answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            ExecError::Client { source, .. } | ExecError::Auth(source) => {
                source.status().map(|s| s.as_u16())
            }
            _ => None,
        }
    }

    /// The message followed by its causes, for outcome messages that must say it all on one
    /// line (`failed to list users: HTTP 503 ...`).
    pub(crate) fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }

    /// Visier's root-cause ID of the failed call, if it gave one.
    pub fn rci(&self) -> Option<String> {
        match self {
            ExecError::Client { source, .. } | ExecError::Auth(source) => source.rci(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_plan_message_names_both_fingerprints_and_no_flag() {
        let err = ExecError::StalePlan {
            planned: "aa".into(),
            live: "bb".into(),
        };
        assert_eq!(err.kind(), ErrorKind::StalePlan);
        let text = err.to_string();
        assert!(text.contains("aa") && text.contains("bb"), "{text}");
        assert!(
            !text.contains("--"),
            "a library error names no flag: {text}"
        );
    }

    /// Regression test: a message that repeated its source made every chain say it twice.
    #[test]
    fn messages_do_not_repeat_their_source() {
        let err = ExecError::Lock {
            path: "/tmp/x.lock".into(),
            source: std::io::Error::other("disk on fire"),
        };
        assert_eq!(err.to_string(), "failed to lock /tmp/x.lock");
        assert_eq!(
            err.with_causes(),
            "failed to lock /tmp/x.lock: disk on fire"
        );
    }

    #[test]
    fn lock_held_names_the_holder() {
        let err = ExecError::LockHeld {
            path: "/tmp/x.lock".into(),
            holder: "pid 42 on host1".into(),
        };
        assert_eq!(
            err.to_string(),
            "another run holds the lock /tmp/x.lock (pid 42 on host1)"
        );
    }
}
