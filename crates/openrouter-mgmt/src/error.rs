//! The one error type of the crate: every failure a caller can see, with enough context to act on it and
//! never a credential (neither the management key nor a created key's plaintext).

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

/// Everything that can go wrong in a call.
///
/// `Display` is meant for humans and logs; match on the variants (or use [`Error::status`],
/// [`Error::is_retryable`], [`Error::may_have_been_applied`], [`Error::attempts`]) to decide what to do.
///
/// The two wrapping variants, [`Error::RetryBudgetExhausted`] and [`Error::Bulk`], say only what they add in
/// `Display`; the error they wrap is their [`source`](std::error::Error::source) (print the chain, e.g. with
/// `anyhow`'s `{:#}`, or go straight to [`Error::root_cause`]). The accessors look through them.
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
        /// An attempt before this one may have been applied (see [`Error::may_have_been_applied`]).
        earlier_attempt_may_have_applied: bool,
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
        /// An attempt before this one may have been applied (see [`Error::may_have_been_applied`]).
        earlier_attempt_may_have_applied: bool,
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
    /// One item of a list page did not decode, while the page's other items did: a stream of items or pages
    /// yields the page's good items first, then one such error per bad item, and goes on with the next page if
    /// polled again (only [`collect_all`](crate::Paginator::collect_all) stops at it). The item still counts
    /// toward the page's length, so a full page with a bad item does not end the list.
    #[error(
        "{operation}: item {index} of the page at offset {offset} could not be decoded at `{path}`: {message}; the item starts with: {item_snippet}"
    )]
    ItemDecode {
        /// The list operation, e.g. `list_guardrails`.
        operation: &'static str,
        /// The HTTP status of the page's answer.
        status: u16,
        /// The offset the page was requested at.
        offset: u64,
        /// The item's index in the page as the server sent it (its position in the list is `offset + index`).
        index: usize,
        /// The JSON path that failed, from the top of the body, e.g. `data[1].id`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the item (bounded, with anything that looks like an API key redacted).
        item_snippet: String,
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
    /// A retry was due but the client-wide retry budget is empty, so the call failed fast with its last error
    /// (also its [`source`](std::error::Error::source)).
    #[error(
        "{operation}: not retrying after {} attempt(s) because the client-wide retry budget is empty",
        last.attempts()
    )]
    RetryBudgetExhausted {
        /// The operation.
        operation: &'static str,
        /// The error of the last attempt.
        #[source]
        last: Box<Error>,
    },
    /// A chunk of a bulk assign/unassign failed. Ids in `applied` were confirmed by the server; ids in
    /// `not_applied` were not (the failing chunk may or may not have taken effect, as
    /// [`Error::may_have_been_applied`] tells; retrying is safe because the operations are set operations).
    #[error(
        "{operation}: a chunk failed after {} id(s) were applied and {} were not",
        applied.len(), not_applied.len()
    )]
    Bulk {
        /// The bulk operation.
        operation: &'static str,
        /// Ids the server confirmed.
        applied: Vec<String>,
        /// Ids not confirmed (the failing chunk and every later one).
        not_applied: Vec<String>,
        /// The failing chunk's error (also the [`source`](std::error::Error::source)).
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
            Self::Api { status, .. }
            | Self::Decode { status, .. }
            | Self::ItemDecode { status, .. } => Some(*status),
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
            Self::Decode { .. }
            | Self::ItemDecode { .. }
            | Self::InvalidInput { .. }
            | Self::Pagination { .. } => false,
        }
    }

    /// Whether the failed call may have taken effect on the server, so that a write must be checked (or
    /// reconciled) before it is sent again. The rule, the same one the engine's retry loop applies to each attempt:
    ///
    /// - `true` when any attempt of the call ended in a way that does not prove the server did nothing: a timeout or
    ///   a broken connection after the request was sent ([`Error::Transport`] with `maybe_reached_server`), a
    ///   408, 500, 502, 503 or 504 (a proxy may answer so after the server did the work), or an earlier attempt
    ///   that did one of these (`earlier_attempt_may_have_applied`); and for [`Error::Decode`], whose 2xx status
    ///   says the server did it (only its answer could not be read);
    /// - `false` when every attempt provably did nothing: the connection was refused or never established, a 429
    ///   (refused before doing anything), any other status (400, 401, 403, 404, 409, 422, 501, ...: the server
    ///   refused), and for [`Error::InvalidInput`] (nothing was sent), [`Error::Pagination`] and
    ///   [`Error::ItemDecode`] (reads only);
    /// - [`Error::RetryBudgetExhausted`] answers for its last error (which carries the earlier attempts), and
    ///   [`Error::Bulk`] for the failing chunk: the chunks before it are in `applied`, those after it were not sent.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Self::Api {
                earlier_attempt_may_have_applied,
                ..
            }
            | Self::Transport {
                earlier_attempt_may_have_applied,
                ..
            } => *earlier_attempt_may_have_applied || self.this_attempt_may_have_been_applied(),
            Self::Decode { .. } => true,
            Self::RetryBudgetExhausted { last, .. } => last.may_have_been_applied(),
            Self::Bulk { source, .. } => source.may_have_been_applied(),
            Self::InvalidInput { .. } | Self::Pagination { .. } | Self::ItemDecode { .. } => false,
        }
    }

    /// Whether the one attempt this error describes may have been applied, earlier attempts aside: the request may
    /// have reached the server and the answer does not say it was refused before doing anything (a 429 is; a 408
    /// or 5xx may come from a proxy after the work). The engine's retry loop uses this for each attempt (the
    /// delete rule), and [`Error::may_have_been_applied`] for the call.
    pub(crate) fn this_attempt_may_have_been_applied(&self) -> bool {
        match self {
            Self::Api { status, .. } => matches!(status, 408 | 500 | 502 | 503 | 504),
            Self::Transport {
                maybe_reached_server,
                ..
            } => *maybe_reached_server,
            Self::Decode { .. } => true,
            Self::RetryBudgetExhausted { last, .. } => last.this_attempt_may_have_been_applied(),
            Self::Bulk { source, .. } => source.this_attempt_may_have_been_applied(),
            Self::InvalidInput { .. } | Self::Pagination { .. } | Self::ItemDecode { .. } => false,
        }
    }

    /// The innermost error: through [`Error::RetryBudgetExhausted`] to the last attempt's error, and through
    /// [`Error::Bulk`] to the failing chunk's; any other error is its own root cause.
    pub fn root_cause(&self) -> &Error {
        match self {
            Self::RetryBudgetExhausted { last, .. } => last.root_cause(),
            Self::Bulk { source, .. } => source.root_cause(),
            _ => self,
        }
    }

    /// How many HTTP attempts the call made (0 when it failed before sending anything, and for the errors that
    /// are about a list rather than one call: [`Error::Pagination`], [`Error::ItemDecode`]).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Api { attempts, .. }
            | Self::Transport { attempts, .. }
            | Self::Decode { attempts, .. } => *attempts,
            Self::RetryBudgetExhausted { last, .. } => last.attempts(),
            Self::Bulk { source, .. } => source.attempts(),
            Self::InvalidInput { .. } | Self::Pagination { .. } | Self::ItemDecode { .. } => 0,
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

    /// Records that an attempt before the one this error describes may have been applied.
    pub(crate) fn set_earlier_attempt_may_have_applied(&mut self, value: bool) {
        match self {
            Self::Api {
                earlier_attempt_may_have_applied,
                ..
            }
            | Self::Transport {
                earlier_attempt_may_have_applied,
                ..
            } => *earlier_attempt_may_have_applied = value,
            Self::RetryBudgetExhausted { last, .. } => {
                last.set_earlier_attempt_may_have_applied(value);
            }
            _ => {}
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
    use std::error::Error as _;

    use super::*;

    fn api(status: u16) -> Error {
        Error::Api {
            operation: "get_key",
            status,
            code: Some(i64::from(status)),
            message: "m".into(),
            metadata: None,
            user_id: None,
            retry_after: None,
            attempts: 2,
            earlier_attempt_may_have_applied: false,
        }
    }

    fn transport(kind: TransportKind, maybe_reached_server: bool) -> Error {
        Error::Transport {
            operation: "create_keys",
            kind,
            maybe_reached_server,
            message: "m".into(),
            attempts: 1,
            earlier_attempt_may_have_applied: false,
        }
    }

    fn earlier_applied(mut error: Error) -> Error {
        error.set_earlier_attempt_may_have_applied(true);
        error
    }

    fn bulk(source: Error) -> Error {
        Error::Bulk {
            operation: "bulk_assign_keys_to_guardrail",
            applied: vec!["a".into()],
            not_applied: vec!["b".into()],
            source: Box::new(source),
        }
    }

    fn budget(last: Error) -> Error {
        Error::RetryBudgetExhausted {
            operation: "get_key",
            last: Box::new(last),
        }
    }

    #[test]
    fn status_retryable_and_attempts() {
        assert_eq!(api(503).status(), Some(503));
        assert!(api(503).is_retryable());
        assert!(api(429).is_retryable());
        assert!(!api(404).is_retryable());
        assert_eq!(api(404).attempts(), 2);
        let budget = budget(api(500));
        assert_eq!(budget.status(), Some(500));
        assert!(budget.to_string().contains("retry budget is empty"));
        assert_eq!(Error::invalid_input("page_size", "0").attempts(), 0);
    }

    #[test]
    fn one_attempt_may_have_been_applied_only_when_nothing_proves_otherwise() {
        for applied in [
            api(408),
            api(500),
            api(502),
            api(503),
            api(504),
            transport(TransportKind::Timeout, true),
            transport(TransportKind::Other, true),
        ] {
            assert!(applied.this_attempt_may_have_been_applied(), "{applied:?}");
            assert!(applied.may_have_been_applied(), "{applied:?}");
        }
        for refused in [
            api(429),
            api(404),
            api(400),
            api(401),
            api(409),
            api(422),
            api(501),
            transport(TransportKind::Connect, false),
        ] {
            assert!(!refused.this_attempt_may_have_been_applied(), "{refused:?}");
            assert!(!refused.may_have_been_applied(), "{refused:?}");
        }
    }

    #[test]
    fn an_earlier_attempt_that_may_have_been_applied_counts_for_the_call() {
        for last in [api(429), api(404), transport(TransportKind::Connect, false)] {
            let error = earlier_applied(last);
            assert!(!error.this_attempt_may_have_been_applied(), "{error:?}");
            assert!(error.may_have_been_applied(), "{error:?}");
        }
    }

    #[test]
    fn every_other_variant_answers_may_have_been_applied() {
        let decode = Error::Decode {
            operation: "create_keys",
            status: 201,
            path: "data".into(),
            message: "m".into(),
            body_snippet: String::new(),
            attempts: 1,
        };
        assert!(decode.may_have_been_applied(), "a 2xx was applied");
        assert!(!Error::invalid_input("name", "empty").may_have_been_applied());
        let pagination = Error::Pagination {
            operation: "list_guardrails",
            offset: 0,
            reason: "r".into(),
        };
        assert!(!pagination.may_have_been_applied());
        assert!(budget(api(503)).may_have_been_applied());
        assert!(!budget(api(429)).may_have_been_applied());
        assert!(budget(earlier_applied(api(429))).may_have_been_applied());
        assert!(bulk(api(500)).may_have_been_applied(), "the failing chunk");
        assert!(!bulk(api(400)).may_have_been_applied());
        assert!(!bulk(transport(TransportKind::Connect, false)).may_have_been_applied());
        assert!(bulk(budget(transport(TransportKind::Timeout, true))).may_have_been_applied());
    }

    #[test]
    fn root_cause_and_source_reach_the_innermost_error() {
        let nested = bulk(budget(api(503)));
        assert!(matches!(
            nested.root_cause(),
            Error::Api { status: 503, .. }
        ));
        let level1 = nested.source().expect("bulk has a source");
        assert!(
            level1.to_string().contains("retry budget is empty"),
            "{level1}"
        );
        let level2 = level1.source().expect("the budget error has a source");
        assert!(level2.to_string().contains("HTTP 503"), "{level2}");
        assert!(level2.source().is_none());
        assert!(
            !nested.to_string().contains("HTTP 503"),
            "a wrapper's Display does not repeat its source: {nested}"
        );
        let plain = api(404);
        assert!(std::ptr::eq(plain.root_cause(), &plain));
        assert!(plain.source().is_none());
        assert!(matches!(
            budget(api(500)).root_cause(),
            Error::Api { status: 500, .. }
        ));
    }
}
