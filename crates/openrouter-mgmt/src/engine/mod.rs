//! The request engine: the one road every operation takes to the server and back, so that all of them are sent,
//! retried, timed out and read the same way. Its loop is one call from the caller's point of view: attempts, the
//! retry decision, the wait (backoff or `Retry-After`, within the deadline), the retry budget, and a `tracing` event
//! per attempt; its parts are the [`Request`], one HTTP attempt, the error envelope and the success body's decoding.
//!
//! Every request comes from the generated operation layer (`openrouter_mgmt_gen::ops`): the operation says its
//! method, path (segments percent-encoded), query, body, replay class and secrets; the engine adds what the spec
//! cannot: the key and attribution headers per request (a caller-supplied `reqwest::Client` has no default
//! headers), retries under the replay class, decode errors that name the JSON path and keep a redacted snippet,
//! and one [`Error::Api`] for every non-2xx status from the `{"error": {...}}` envelope. progenitor generates the
//! types only (see the xtask's `generate.rs` for why its client is not used).

mod attempt;
mod decode;
mod page;
mod request;
mod response;

use std::time::Duration;

use tokio::time::Instant;

pub(crate) use attempt::Endpoint;
pub use attempt::USER_AGENT;
pub(crate) use decode::decode;
pub(crate) use page::decode_page;
pub(crate) use request::Request;

use crate::error::{Error, TransportKind};
use crate::redact::Redactor;
use crate::retry::{Jitter, Outcome, RetryPolicy, should_retry};
use crate::retry_budget::RetryBudget;
use attempt::RawResponse;
use response::api_error;

/// The `tracing` target of the per-attempt span and events: the one they had before the engine was a module of
/// its own, so that callers' log filters keep matching.
const TRACING_TARGET: &str = "openrouter_mgmt::call";

/// How a call reads its success body: [`decode`] for the generated response type, [`decode_page`] for a page of a
/// list (which keeps a page's good items when some are malformed).
pub(crate) type Decoder<T> = fn(&Request, &RawResponse, u32, &Redactor<'_>) -> Result<T, Error>;

/// What every call of a client shares: where requests go, the per-attempt timeout, the retry budget and the
/// backoff jitter. The retry policy and the replay opt-in come with each call.
pub(crate) struct Engine {
    pub(crate) endpoint: Endpoint,
    /// The timeout of one attempt, shortened to what remains of the call's deadline.
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) budget: RetryBudget,
    pub(crate) jitter: Jitter,
}

impl Engine {
    /// Redacts key-shaped text and this client's own key from whatever an error quotes.
    fn redactor<'a>(&'a self, request: &'a Request) -> Redactor<'a> {
        Redactor::with_own_key(self.endpoint.key.expose_secret())
            .and_request_secrets(&request.secrets)
    }

    /// Sends `request` under the retry policy and reads the success body with `decode`; returns the result with
    /// how many attempts the call made, how long it took and the last status (the caller reports them with
    /// [`call_finished`]).
    ///
    /// For operations with the delete rule ([`Request::done_on_404_after_ambiguous_attempt`]): a 404 on a
    /// retry, after an earlier attempt that may have been applied (a timeout or broken connection after the
    /// request was sent, or a 408/500/502/503/504), means that attempt most likely did the work and only its answer
    /// was lost: the call returns `assumed_done()`. A 404 on the first attempt, or after attempts that provably
    /// never reached the server (connection refused, 429), stays an error.
    pub(crate) async fn execute<T>(
        &self,
        request: &Request,
        policy: &RetryPolicy,
        allow_unsafe_replay: bool,
        decode: Decoder<T>,
        assumed_done: fn() -> Option<T>,
    ) -> (Result<T, Error>, CallStats) {
        let started = Instant::now();
        let (result, attempts, status) = match self
            .send_tracking(request, policy, allow_unsafe_replay, started)
            .await
        {
            Ok((raw, attempts)) => (
                decode(request, &raw, attempts, &self.redactor(request)),
                attempts,
                Some(raw.status.as_u16()),
            ),
            Err(
                error @ Error::Api {
                    status: 404,
                    attempts,
                    earlier_attempt_may_have_applied: true,
                    ..
                },
            ) if request.done_on_404_after_ambiguous_attempt => match assumed_done() {
                Some(done) => {
                    tracing::debug!(
                        target: TRACING_TARGET,
                        operation = request.operation,
                        attempts,
                        "404 on a retry after an attempt that may have been applied: the work is done"
                    );
                    (Ok(done), attempts, Some(404))
                }
                None => (Err(error), attempts, Some(404)),
            },
            Err(error) => {
                let (attempts, status) = (error.attempts(), error.status());
                (Err(error), attempts, status)
            }
        };
        let stats = CallStats {
            attempts,
            elapsed: started.elapsed(),
            status,
        };
        (result, stats)
    }

    /// Sends `request` until it succeeds (any 2xx) or the policy says stop; returns the response and the number
    /// of attempts made, or the failure, which records whether an attempt before the last one may have been
    /// applied.
    async fn send_tracking(
        &self,
        request: &Request,
        policy: &RetryPolicy,
        allow_unsafe_replay: bool,
        started: Instant,
    ) -> Result<(RawResponse, u32), Error> {
        let budget = &self.budget;
        let deadline = policy.deadline.map(|d| started + d);
        let mut spent = 0u32;
        let mut attempt = 0u32;
        let mut earlier_may_have_applied = false;
        loop {
            attempt += 1;
            let timeout = match (self.request_timeout, deadline) {
                (Some(t), Some(d)) => Some(t.min(d.saturating_duration_since(Instant::now()))),
                (t, _) => t,
            };
            let span = tracing::debug_span!(
                target: TRACING_TARGET,
                "openrouter_mgmt.attempt",
                operation = request.operation,
                attempt,
                method = %request.method,
                path = %request.path,
            );
            let result = tracing::Instrument::instrument(
                self.endpoint.attempt(request, timeout),
                span.clone(),
            )
            .await;
            let mut error = match result {
                Ok(raw) if raw.status.is_success() => {
                    tracing::debug!(target: TRACING_TARGET, parent: &span, operation = request.operation, attempt, status = raw.status.as_u16(), "attempt succeeded");
                    budget.refund(spent);
                    return Ok((raw, attempt));
                }
                Ok(raw) => api_error(request, &raw, &self.redactor(request)),
                Err(e) => e,
            };
            error.set_attempts(attempt);
            error.set_earlier_attempt_may_have_applied(earlier_may_have_applied);
            let outcome = Outcome::of(&error);
            let retry = attempt <= policy.max_retries
                && should_retry(request.replay, outcome, allow_unsafe_replay);
            if !retry {
                tracing::debug!(target: TRACING_TARGET, parent: &span, operation = request.operation, attempt, status = error.status(), error = %error, "attempt failed; not retrying");
                return Err(error);
            }
            let delay = match error.retry_after() {
                Some(requested) => requested.min(policy.max_retry_after),
                None => policy.backoff(attempt - 1, self.jitter.next_unit()),
            };
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                tracing::debug!(
                    target: TRACING_TARGET, parent: &span, operation = request.operation, attempt, status = error.status(),
                    delay_ms = delay.as_millis() as u64,
                    "the wait would overrun the call's deadline; failing now"
                );
                return Err(error);
            }
            let after_timeout = matches!(
                outcome,
                Outcome::Transport {
                    kind: TransportKind::Timeout,
                    ..
                }
            );
            match budget.try_acquire(after_timeout) {
                Some(cost) => spent += cost,
                None => {
                    tracing::debug!(target: TRACING_TARGET, parent: &span, operation = request.operation, attempt, status = error.status(), "retry budget empty; failing fast");
                    return Err(Error::RetryBudgetExhausted {
                        operation: request.operation,
                        last: Box::new(error),
                    });
                }
            }
            tracing::debug!(
                target: TRACING_TARGET, parent: &span, operation = request.operation, attempt, status = error.status(), delay_ms = delay.as_millis() as u64, error = %error,
                "attempt failed; retrying"
            );
            earlier_may_have_applied |= error.this_attempt_may_have_been_applied();
            tokio::time::sleep(delay).await;
        }
    }
}

/// What a finished call cost: attempts and time, and the HTTP status of its last answer if one came.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallStats {
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
    pub(crate) status: Option<u16>,
}

/// The one `call finished` event that ends every call, successful or not (0 attempts when the input was rejected
/// before sending): `operation`, `attempts`, `elapsed_ms`, `status`, `outcome` (`ok` or `error`).
pub(crate) fn call_finished<T>(
    operation: &'static str,
    result: &Result<T, Error>,
    stats: &CallStats,
) {
    tracing::debug!(
        target: TRACING_TARGET,
        operation,
        attempts = stats.attempts,
        elapsed_ms = stats.elapsed.as_millis() as u64,
        status = stats.status,
        outcome = if result.is_ok() { "ok" } else { "error" },
        "call finished"
    );
}
