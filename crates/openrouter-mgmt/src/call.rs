//! One call from the caller's point of view: attempts, the retry decision, the wait (backoff or `Retry-After`,
//! within the deadline), the retry budget, and a `tracing` event per attempt.

use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::client::{CallOptions, Client};
use crate::error::{Error, TransportKind};
use crate::retry::{Outcome, should_retry};
use crate::transport::{RawResponse, Request, api_error, decode};

impl Client {
    /// Sends `request` under the retry policy and decodes the success body.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<T, Error> {
        let (raw, attempts) = self.send_with_retries(request, options).await?;
        decode(request, &raw, attempts)
    }

    /// Sends a `DELETE` under the retry policy and returns the `deleted` flag of its answer.
    ///
    /// A 404 on a retry, after an earlier attempt that may have been applied (a timeout or broken connection
    /// after the request was sent, or a 408/500/502/503/504), means that attempt most likely did the deletion and
    /// only its answer was lost: the call returns `Ok(true)`. A 404 on the first attempt, or after attempts that
    /// provably never reached the server (connection refused, 429), stays an error.
    pub(crate) async fn delete_call<T: DeserializeOwned>(
        &self,
        request: &Request,
        options: &CallOptions,
        deleted: impl FnOnce(T) -> bool,
    ) -> Result<bool, Error> {
        match self.send_tracking(request, options).await {
            Ok((raw, attempts)) => decode(request, &raw, attempts).map(deleted),
            Err(Failure {
                error:
                    Error::Api {
                        status: 404,
                        attempts,
                        ..
                    },
                earlier_may_have_applied: true,
            }) => {
                tracing::debug!(
                    operation = request.operation,
                    attempts,
                    "404 on a retry after an attempt that may have been applied: the delete is done"
                );
                Ok(true)
            }
            Err(failure) => Err(failure.error),
        }
    }

    /// Sends `request` until it succeeds (any 2xx) or the policy says stop; returns the response and the number
    /// of attempts made.
    pub(crate) async fn send_with_retries(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<(RawResponse, u32), Error> {
        self.send_tracking(request, options)
            .await
            .map_err(|failure| failure.error)
    }

    /// [`send_with_retries`](Self::send_with_retries), also telling whether an attempt before the last one may
    /// have been applied by the server.
    async fn send_tracking(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<(RawResponse, u32), Failure> {
        let policy = options.policy(self);
        let budget = &self.inner.budget;
        let started = Instant::now();
        let deadline = policy.deadline.map(|d| started + d);
        let mut spent = 0u32;
        let mut attempt = 0u32;
        let mut earlier_may_have_applied = false;
        let fail = |error: Error, earlier_may_have_applied: bool| Failure {
            error,
            earlier_may_have_applied,
        };
        loop {
            attempt += 1;
            let timeout = match (self.inner.request_timeout, deadline) {
                (Some(t), Some(d)) => Some(t.min(d.saturating_duration_since(Instant::now()))),
                (t, _) => t,
            };
            let span = tracing::debug_span!(
                "openrouter_mgmt.attempt",
                operation = request.operation,
                attempt,
                method = %request.method,
                path = %request.path,
            );
            let result =
                tracing::Instrument::instrument(self.attempt(request, timeout), span.clone()).await;
            let mut error = match result {
                Ok(raw) if raw.status.is_success() => {
                    tracing::debug!(parent: &span, operation = request.operation, attempt, status = raw.status.as_u16(), "attempt succeeded");
                    budget.refund(spent);
                    return Ok((raw, attempt));
                }
                Ok(raw) => api_error(request, &raw),
                Err(e) => e,
            };
            error.set_attempts(attempt);
            let outcome = Outcome::of(&error);
            let retry = attempt <= policy.max_retries
                && should_retry(request.replay, outcome, options.allow_unsafe_replay);
            if !retry {
                tracing::debug!(parent: &span, operation = request.operation, attempt, status = error.status(), error = %error, "attempt failed; not retrying");
                return Err(fail(error, earlier_may_have_applied));
            }
            let delay = match error.retry_after() {
                Some(requested) => requested.min(policy.max_retry_after),
                None => policy.backoff(attempt - 1, self.inner.jitter.next_unit()),
            };
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                tracing::debug!(
                    parent: &span, operation = request.operation, attempt, status = error.status(),
                    delay_ms = delay.as_millis() as u64,
                    "the wait would overrun the call's deadline; failing now"
                );
                return Err(fail(error, earlier_may_have_applied));
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
                    tracing::debug!(parent: &span, operation = request.operation, attempt, status = error.status(), "retry budget empty; failing fast");
                    let error = Error::RetryBudgetExhausted {
                        operation: request.operation,
                        last: Box::new(error),
                    };
                    return Err(fail(error, earlier_may_have_applied));
                }
            }
            tracing::debug!(
                parent: &span, operation = request.operation, attempt, status = error.status(), delay_ms = delay.as_millis() as u64, error = %error,
                "attempt failed; retrying"
            );
            earlier_may_have_applied |= may_have_applied(outcome);
            tokio::time::sleep(delay).await;
        }
    }
}

/// A call that failed, with what the retry loop knows about its earlier attempts.
struct Failure {
    error: Error,
    /// An attempt before the last one may have been applied by the server.
    earlier_may_have_applied: bool,
}

/// Whether a failed attempt may have been applied: the request may have reached the server and the answer does
/// not say it was refused before doing anything (a 429 is; a 408 or 5xx may come from a proxy after the work).
fn may_have_applied(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status(status) => matches!(status, 408 | 500 | 502 | 503 | 504),
        Outcome::Transport {
            maybe_reached_server,
            ..
        } => maybe_reached_server,
        Outcome::Final => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_attempts_that_may_have_been_applied_turn_a_later_404_into_success() {
        let transport = |kind, maybe_reached_server| Outcome::Transport {
            kind,
            maybe_reached_server,
        };
        for applied in [
            Outcome::Status(408),
            Outcome::Status(500),
            Outcome::Status(502),
            Outcome::Status(503),
            Outcome::Status(504),
            transport(TransportKind::Timeout, true),
            transport(TransportKind::Other, true),
        ] {
            assert!(may_have_applied(applied), "{applied:?}");
        }
        for not_applied in [
            Outcome::Status(429),
            Outcome::Status(404),
            Outcome::Status(400),
            transport(TransportKind::Connect, false),
            Outcome::Final,
        ] {
            assert!(!may_have_applied(not_applied), "{not_applied:?}");
        }
    }
}
