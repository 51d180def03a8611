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

    /// Sends `request` until it succeeds (any 2xx) or the policy says stop; returns the response and the number
    /// of attempts made.
    pub(crate) async fn send_with_retries(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<(RawResponse, u32), Error> {
        let policy = options.policy(self);
        let budget = &self.inner.budget;
        let started = Instant::now();
        let deadline = policy.deadline.map(|d| started + d);
        let mut spent = 0u32;
        let mut attempt = 0u32;
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
                return Err(error);
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
                    tracing::debug!(parent: &span, operation = request.operation, attempt, status = error.status(), "retry budget empty; failing fast");
                    return Err(Error::RetryBudgetExhausted {
                        operation: request.operation,
                        last: Box::new(error),
                    });
                }
            }
            tracing::debug!(
                parent: &span, operation = request.operation, attempt, status = error.status(), delay_ms = delay.as_millis() as u64, error = %error,
                "attempt failed; retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}
