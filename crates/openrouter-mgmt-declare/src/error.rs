//! The engine's typed errors, each with the exit code the command line gives it: an invalid file (65), a refusal
//! by a safety rule (3, nothing sent), a failed read or apply (1; 4 when some actions were applied).

use std::path::PathBuf;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum DeclareError {
    /// The file cannot be read or parsed, or says something impossible.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong, naming the address and field.
        message: String,
    },
    /// The live state cannot be matched with the file (two objects answer to one address).
    #[error("{0}")]
    Ambiguous(String),
    /// A safety rule refused the plan; nothing was sent.
    #[error("refused: {0}")]
    Refused(String),
    /// A saved plan no longer matches the live objects.
    #[error("stale plan: {0}")]
    Stale(String),
    /// Reading the live state failed.
    #[error("reading the live state failed: {0}")]
    Read(String),
    /// A secret could not be read or delivered.
    #[error("{0}")]
    Secret(String),
}

impl DeclareError {
    /// The command line's exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Invalid { .. } | Self::Ambiguous(_) => 65,
            Self::Refused(_) | Self::Stale(_) => 3,
            Self::Read(_) | Self::Secret(_) => 1,
        }
    }

    pub(crate) fn invalid(file: &std::path::Path, message: impl Into<String>) -> Self {
        Self::Invalid {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}
