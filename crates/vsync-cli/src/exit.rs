//! Exit codes: what a scheduler sees.
//!
//! | code | meaning |
//! | ---: | --- |
//! | 0 | in sync, or every planned change applied |
//! | 1 | an unexpected error (network, configuration, a bug) |
//! | 2 | changes pending (`plan --detailed-exitcode` only) |
//! | 3 | invalid input: the file or mapping has problems, or the file does not fit the tenant (unknown names, identity collisions); nothing applied |
//! | 4 | a guard tripped: its class withheld (a source check: no change at all) |
//! | 5 | partial failure: some changes failed or their outcome is unknown |
//! | 6 | stale plan: the tenant changed since the plan was made |
//! | 7 | lock held: another run is working on the same tenant |
//! | 8 | authentication failed |
//! | 64 | usage error (unknown flag, missing argument) |
//! | 130 | interrupted (Ctrl-C or SIGTERM); the journal allows `apply --resume` |

use std::process::ExitCode;

/// The outcome of a command, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// In sync, or everything applied.
    Ok,
    /// An unexpected error.
    Error,
    /// Changes pending (`plan --detailed-exitcode`).
    ChangesPending,
    /// The input has problems.
    InvalidInput,
    /// A guard tripped.
    GuardTripped,
    /// Some changes failed.
    PartialFailure,
    /// The tenant changed since the plan was made.
    StalePlan,
    /// Another run holds the tenant's lock.
    LockHeld,
    /// Authentication failed.
    AuthFailed,
    /// A usage error.
    Usage,
    /// Interrupted by a signal.
    Interrupted,
}

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Error => 1,
            Self::ChangesPending => 2,
            Self::InvalidInput => 3,
            Self::GuardTripped => 4,
            Self::PartialFailure => 5,
            Self::StalePlan => 6,
            Self::LockHeld => 7,
            Self::AuthFailed => 8,
            Self::Usage => 64,
            Self::Interrupted => 130,
        }
    }

    /// A short label for logs and reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::ChangesPending => "changes-pending",
            Self::InvalidInput => "invalid-input",
            Self::GuardTripped => "guard-tripped",
            Self::PartialFailure => "partial-failure",
            Self::StalePlan => "stale-plan",
            Self::LockHeld => "lock-held",
            Self::AuthFailed => "auth-failed",
            Self::Usage => "usage",
            Self::Interrupted => "interrupted",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// An error that already knows its exit code; everything else maps to [`Exit::Error`].
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What to tell the user.
    pub error: anyhow::Error,
}

impl Failure {
    /// An error with the given exit code.
    pub fn new(exit: Exit, error: impl Into<anyhow::Error>) -> Self {
        Self {
            exit,
            error: error.into(),
        }
    }
}

/// Shows the error's own message; its causes are its [`source`](std::error::Error::source)
/// chain, so each is said once when the chain is printed.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.chain().nth(1)
    }
}

/// The exit code of a client error that ends a run.
pub fn of_client(kind: vsync_client::ErrorKind) -> Exit {
    use vsync_client::ErrorKind as K;
    match kind {
        // The credentials were refused (401/403 on the login, or after a refresh).
        K::Auth => Exit::AuthFailed,
        // Everything else, a refused write of a dry run (`ReadOnly`: a bug, not the user's
        // settings) and a bad setting (`Config`) included, is an error.
        _ => Exit::Error,
    }
}

/// The exit code of an executor error.
pub fn of_exec(error: &vsync_executor::ExecError) -> Exit {
    use vsync_executor::ErrorKind as K;
    match error.kind() {
        K::StalePlan => Exit::StalePlan,
        K::LockHeld => Exit::LockHeld,
        K::Auth => Exit::AuthFailed,
        K::Interrupted => Exit::Interrupted,
        _ => Exit::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_its_causes_once() {
        let cause = anyhow::anyhow!("connection refused").context("failed to call GET /x");
        let failure = Failure::new(Exit::Error, cause);
        let shown = format!("{:#}", anyhow::Error::new(failure));
        assert_eq!(shown, "failed to call GET /x: connection refused");
    }

    #[test]
    fn a_refused_write_is_not_a_sign_in_failure() {
        assert_eq!(of_client(vsync_client::ErrorKind::Auth), Exit::AuthFailed);
        assert_eq!(of_client(vsync_client::ErrorKind::ReadOnly), Exit::Error);
        assert_eq!(of_client(vsync_client::ErrorKind::Transport), Exit::Error);
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            Exit::Ok,
            Exit::Error,
            Exit::ChangesPending,
            Exit::InvalidInput,
            Exit::GuardTripped,
            Exit::PartialFailure,
            Exit::StalePlan,
            Exit::LockHeld,
            Exit::AuthFailed,
            Exit::Usage,
            Exit::Interrupted,
        ];
        let mut codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
