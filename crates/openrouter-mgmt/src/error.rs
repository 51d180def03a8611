//! The one error type of the crate: every failure a caller can see, with enough context to act on it and
//! never a credential (neither the management key nor a created key's plaintext).

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

/// Everything that can go wrong in a call.
///
/// `Display` is meant for humans and logs; match on the variants (or use [`Error::status`],
/// [`Error::is_retryable`], [`Error::attempts`]) to decide what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// OpenRouter answered with a non-success status; the fields come from its
    /// `{"error": {"code", "message", "metadata"}, "user_id"}` envelope when the body had one.
    #[error(
        "{operation}: OpenRouter answered HTTP {status}: {message} (after {attempts} attempt(s))"
    )]
    Api {
        /// The operation, e.g. `create_key`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// `error.code` from the body (normally equal to `status`), if present.
        code: Option<i64>,
        /// `error.message` from the body, or a short description of the body when it had no envelope.
        message: String,
        /// `error.metadata` from the body, if present (boxed to keep `Error` small).
        metadata: Option<Box<Map<String, Value>>>,
        /// `user_id` from the body, if present.
        user_id: Option<String>,
        /// The server's `Retry-After` / `retry-after-ms` value, if it sent one (before any cap).
        retry_after: Option<Duration>,
        /// Attempts made, including the one that produced this answer.
        attempts: u32,
    },
    /// The request failed below HTTP: no connection, a timeout, or the connection broke.
    #[error(
        "{operation}: {kind} error after {attempts} attempt(s) ({}): {message}",
        if *maybe_reached_server { "the request may have reached the server" } else { "the request never reached the server" }
    )]
    Transport {
        /// The operation, e.g. `create_key`.
        operation: &'static str,
        /// What kind of failure.
        kind: TransportKind,
        /// `false` only when the request provably never reached the server (e.g. connection refused).
        maybe_reached_server: bool,
        /// The underlying error's description.
        message: String,
        /// Attempts made.
        attempts: u32,
    },
    /// A success status whose body did not match the expected shape.
    #[error(
        "{operation}: could not decode the HTTP {status} response at `{path}`: {message}; body starts with: {body_snippet}"
    )]
    Decode {
        /// The operation, e.g. `list_guardrails`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The JSON path that failed, e.g. `data[3].id` (`.` for the whole document).
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body (bounded, with anything that looks like an API key redacted).
        body_snippet: String,
        /// Attempts made.
        attempts: u32,
    },
    /// An argument or configuration value was rejected before anything was sent.
    #[error("invalid {argument}: {reason}")]
    InvalidInput {
        /// Which argument or setting.
        argument: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A list operation's pages did not add up (e.g. the server ignored `offset` and repeated a page).
    #[error("{operation}: pagination stopped at offset {offset}: {reason}")]
    Pagination {
        /// The list operation.
        operation: &'static str,
        /// The offset of the page that was rejected.
        offset: u64,
        /// What was wrong.
        reason: String,
    },
    /// A retry was due but the client-wide retry budget is empty, so the call failed fast with its last error.
    #[error(
        "{operation}: not retrying because the client-wide retry budget is empty; last error: {last}"
    )]
    RetryBudgetExhausted {
        /// The operation.
        operation: &'static str,
        /// The error of the last attempt.
        last: Box<Error>,
    },
    /// A chunk of a bulk assign/unassign failed. Ids in `applied` were confirmed by the server; ids in
    /// `not_applied` were not (the failing chunk may or may not have taken effect; retrying is safe because the
    /// operations are set operations).
    #[error(
        "{operation}: a chunk failed after {} id(s) were applied and {} were not: {source}",
        applied.len(), not_applied.len()
    )]
    Bulk {
        /// The bulk operation.
        operation: &'static str,
        /// Ids the server confirmed.
        applied: Vec<String>,
        /// Ids not confirmed (the failing chunk and every later one).
        not_applied: Vec<String>,
        /// The failing chunk's error.
        source: Box<Error>,
    },
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be established.
    Connect,
    /// The attempt timed out.
    Timeout,
    /// Anything else (e.g. the connection broke mid-response).
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Other => "transport",
        })
    }
}

impl From<openrouter_mgmt_gen::Invalid> for Error {
    fn from(invalid: openrouter_mgmt_gen::Invalid) -> Self {
        Self::InvalidInput {
            argument: invalid.argument,
            reason: invalid.reason,
        }
    }
}

impl Error {
    pub(crate) fn invalid_input(argument: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            argument,
            reason: reason.into(),
        }
    }

    /// The HTTP status behind this error, if a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::RetryBudgetExhausted { last, .. } => last.status(),
            Self::Bulk { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether the failure is transient in kind (timeouts, connection failures, 408/429/5xx). This is a
    /// property of the failure, not a promise that replaying is safe: the client already retried where it was,
    /// and deliberately did not replay creates whose first attempt may have reached the server.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => is_retryable_status(*status),
            Self::Transport { .. } => true,
            Self::RetryBudgetExhausted { last, .. } => last.is_retryable(),
            Self::Bulk { source, .. } => source.is_retryable(),
            Self::Decode { .. } | Self::InvalidInput { .. } | Self::Pagination { .. } => false,
        }
    }

    /// How many HTTP attempts the call made (0 when it failed before sending anything).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Api { attempts, .. }
            | Self::Transport { attempts, .. }
            | Self::Decode { attempts, .. } => *attempts,
            Self::RetryBudgetExhausted { last, .. } => last.attempts(),
            Self::Bulk { source, .. } => source.attempts(),
            Self::InvalidInput { .. } | Self::Pagination { .. } => 0,
        }
    }

    /// The `Retry-After` the server sent with this error, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            Self::RetryBudgetExhausted { last, .. } => last.retry_after(),
            _ => None,
        }
    }

    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            Self::Api { attempts, .. }
            | Self::Transport { attempts, .. }
            | Self::Decode { attempts, .. } => *attempts = n,
            Self::RetryBudgetExhausted { last, .. } => last.set_attempts(n),
            _ => {}
        }
    }
}

/// Whether an HTTP status is transient in kind: 408, 429, 500, 502, 503, 504. [`Error::is_retryable`] says this
/// of an [`Error::Api`]; the retry decision starts from it too.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_retryable_and_attempts() {
        let api = |status| Error::Api {
            operation: "get_key",
            status,
            code: Some(i64::from(status)),
            message: "m".into(),
            metadata: None,
            user_id: None,
            retry_after: None,
            attempts: 2,
        };
        assert_eq!(api(503).status(), Some(503));
        assert!(api(503).is_retryable());
        assert!(api(429).is_retryable());
        assert!(!api(404).is_retryable());
        assert_eq!(api(404).attempts(), 2);
        let budget = Error::RetryBudgetExhausted {
            operation: "get_key",
            last: Box::new(api(500)),
        };
        assert_eq!(budget.status(), Some(500));
        assert!(budget.to_string().contains("retry budget is empty"));
        assert_eq!(Error::invalid_input("page_size", "0").attempts(), 0);
    }
}
