//! Shared helpers of the `e2e_*` modules: facade clients wired to an in-process `openrouter-mgmt-mock` with small
//! timeouts and millisecond backoff, and short ways to name the error a call ended with.

use std::time::Duration;

use openrouter_mgmt::{Client, Error, RetryPolicy};
use openrouter_mgmt_mock::MockServer;

/// Retries as in production (3 retries, full jitter), but with a 2 ms base and a 10 ms cap so tests stay fast.
pub(crate) fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(2))
        .with_max_delay(Duration::from_millis(10))
        .with_deadline(Some(Duration::from_secs(20)))
}

/// A client for `mock` with the management key, [`fast_policy`], a 2 s per-attempt timeout and seeded jitter.
pub(crate) fn client(mock: &MockServer) -> Client {
    client_with_key(mock, mock.management_key())
}

pub(crate) fn client_with_key(mock: &MockServer, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(mock.base_url())
        .request_timeout(Some(Duration::from_secs(2)))
        .connect_timeout(Some(Duration::from_secs(2)))
        .retry_policy(fast_policy())
        .jitter_seed(42)
        .build()
        .expect("client")
}

/// A mock with no data and the default ten members.
pub(crate) async fn mock() -> MockServer {
    MockServer::start().await.expect("start the mock")
}

/// The HTTP status of an `Error::Api` (also inside `Error::Bulk`); panics on any other outcome.
pub(crate) fn api_status<T: std::fmt::Debug>(result: Result<T, Error>) -> u16 {
    match result {
        Ok(v) => panic!("expected an API error, got Ok({v:?})"),
        Err(Error::Api { status, .. }) => status,
        Err(Error::Bulk { source, .. }) => match *source {
            Error::Api { status, .. } => status,
            other => panic!("expected an API error inside Bulk, got {other:?}"),
        },
        Err(other) => panic!("expected an API error, got {other:?}"),
    }
}

/// The argument named by an `Error::InvalidInput`; panics on any other outcome.
pub(crate) fn invalid_argument<T: std::fmt::Debug, E: Into<Error>>(
    result: Result<T, E>,
) -> &'static str {
    match result.map_err(Into::into) {
        Err(Error::InvalidInput { argument, .. }) => argument,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}
