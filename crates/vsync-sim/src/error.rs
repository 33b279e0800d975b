//! The error type of the simulator's library API.

use std::path::PathBuf;

/// What went wrong, without the details; see [`SimError::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SimErrorKind {
    /// Binding or serving the HTTP listener failed.
    Io,
    /// Reading, parsing or writing the state file failed.
    State,
    /// The configuration is inconsistent (a bad pattern, a bad rate).
    Config,
}

/// An error starting, running or stopping a simulated tenant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listener could not be bound or served.
    #[error("failed to {action} on {addr}")]
    Io {
        /// What was being done: "bind", "serve".
        action: &'static str,
        /// The address involved.
        addr: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The state file could not be read or written.
    #[error("failed to {action} state file {}", path.display())]
    StateIo {
        /// What was being done: "read", "write", "rename".
        action: &'static str,
        /// The state file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The state file could not be written; its previous content is in place.
    #[error("failed to save the state")]
    StateWrite(#[source] vsync_fs::Error),
    /// The state file is not valid JSON of the expected shape.
    #[error("failed to parse state file {} at {at}", path.display())]
    StateParse {
        /// The state file.
        path: PathBuf,
        /// The JSON path of the field that broke.
        at: String,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A configuration value is invalid.
    #[error("invalid configuration: {message}")]
    Config {
        /// What is wrong, naming the setting.
        message: String,
    },
}

impl SimError {
    /// The kind of error, for matching without the details.
    pub fn kind(&self) -> SimErrorKind {
        match self {
            SimError::Io { .. } => SimErrorKind::Io,
            SimError::StateIo { .. } | SimError::StateWrite(_) | SimError::StateParse { .. } => {
                SimErrorKind::State
            }
            SimError::Config { .. } => SimErrorKind::Config,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        SimError::Config {
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_after_failed_to() {
        let err = SimError::config("fault rate 2 is not between 0 and 1");
        assert_eq!(err.kind(), SimErrorKind::Config);
        assert_eq!(
            err.to_string(),
            "invalid configuration: fault rate 2 is not between 0 and 1"
        );
    }
}
