//! The one error type of the xtask: every failure names the file, the operation and the JSON pointer it concerns.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure while importing, normalizing, merging or generating, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file the problem is in (or the first of two conflicting files).
    pub file: Option<PathBuf>,
    /// The second file of a conflict between two files.
    pub other_file: Option<PathBuf>,
    /// The operation concerned, as `METHOD /path (operationId)` or just the operationId.
    pub operation: Option<String>,
    /// RFC 6901 JSON pointer into the document where the problem is.
    pub pointer: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl SpecError {
    /// A new error with only a message; add location with the `with_*` methods.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            other_file: None,
            operation: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// Sets the file, unless one is already set (inner context wins).
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Names a second file (for conflicts between two files).
    pub fn and_file(mut self, file: impl AsRef<Path>) -> Self {
        self.other_file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Sets the operation, unless one is already set.
    pub fn in_operation(mut self, operation: impl Into<String>) -> Self {
        if self.operation.is_none() {
            self.operation = Some(operation.into());
        }
        self
    }

    /// Sets the JSON pointer, unless one is already set.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        if self.pointer.is_none() {
            self.pointer = Some(pointer.into());
        }
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.other_file) {
            (Some(a), Some(b)) => write!(f, "{} and {}: ", a.display(), b.display())?,
            (Some(a), None) => write!(f, "{}: ", a.display())?,
            _ => {}
        }
        if let Some(op) = &self.operation {
            write!(f, "operation {op}: ")?;
        }
        if let Some(ptr) = &self.pointer {
            write!(f, "at {}: ", if ptr.is_empty() { "/" } else { ptr })?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}

/// Result alias for the xtask.
pub type Result<T, E = SpecError> = std::result::Result<T, E>;
