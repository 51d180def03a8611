//! `CliError`: every way a command can fail, each with its exit code and a message that never holds a secret
//! (it is printed through the scrubbing choke point all the same).

use openrouter_mgmt::{Error, OperationId};
use serde_json::{Value, json};

use crate::exit;

/// A failed command.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line does not parse or misses something (exit 64).
    Usage(String),
    /// An argument or body is refused before anything is sent (exit 65).
    Invalid(String),
    /// A safety rule refused the command (exit 3).
    Refused(String),
    /// No management key (exit 5).
    NoKey(String),
    /// The engine's error (exit 5 for 401/403, 65 for invalid input, 1 otherwise).
    Api(Error),
    /// Changes are present: a plan with `--detailed-exitcode`, drift, a file `fmt --check` would rewrite (exit 2).
    Changes(String),
    /// Part of the work was done (exit 4).
    Partial(String),
    /// Anything else (exit 1).
    Failed(String),
    /// stdout was closed by its reader: the command ends quietly (exit 0).
    BrokenPipe,
}

impl CliError {
    /// An operation without a dispatch arm (the generated dispatch's wildcard; a test proves it unreachable).
    pub(crate) fn unsupported(id: OperationId) -> Self {
        Self::Failed(format!("operation `{id}` has no command"))
    }

    /// The exit code.
    pub(crate) fn code(&self) -> u8 {
        match self {
            Self::Usage(_) => exit::USAGE,
            Self::Invalid(_) => exit::INVALID,
            Self::Refused(_) => exit::REFUSED,
            Self::NoKey(_) => exit::AUTH,
            Self::Partial(_) => exit::PARTIAL,
            Self::Changes(_) => exit::CHANGES,
            Self::Failed(_) => exit::ERROR,
            Self::BrokenPipe => exit::OK,
            Self::Api(e) => match e.root_cause() {
                Error::InvalidInput { .. } => exit::INVALID,
                _ if matches!(e.status(), Some(401 | 403)) => exit::AUTH,
                Error::Bulk { applied, .. } if !applied.is_empty() => exit::PARTIAL,
                _ => exit::ERROR,
            },
        }
    }

    /// The message for humans (one line, no `error:` prefix).
    pub(crate) fn message(&self) -> String {
        match self {
            Self::Usage(m)
            | Self::Invalid(m)
            | Self::Refused(m)
            | Self::NoKey(m)
            | Self::Partial(m)
            | Self::Changes(m)
            | Self::Failed(m) => m.clone(),
            Self::Api(e) => {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                text
            }
            Self::BrokenPipe => String::new(),
        }
    }

    /// The error as one JSON object (what `-o json` prints on stderr).
    pub(crate) fn to_json(&self) -> Value {
        let kind = match self {
            Self::Usage(_) => "usage",
            Self::Invalid(_) => "invalid_input",
            Self::Refused(_) => "refused",
            Self::NoKey(_) => "auth",
            Self::Partial(_) => "partial",
            Self::Changes(_) => "changes",
            Self::Failed(_) | Self::BrokenPipe => "error",
            Self::Api(e) if matches!(e.root_cause(), Error::InvalidInput { .. }) => "invalid_input",
            Self::Api(_) => "api",
        };
        let mut error = json!({"kind": kind, "exit_code": self.code(), "message": self.message()});
        if let Self::Api(e) = self {
            error["status"] = json!(e.status());
            error["may_have_been_applied"] = json!(e.may_have_been_applied());
        }
        json!({ "error": error })
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        Self::Api(e)
    }
}
