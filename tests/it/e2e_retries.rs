//! Every row of the facade README's retry table proven against real sockets: the mock injects the failure and
//! counts the requests, and the state afterwards shows whether a write was applied once, twice or not at all.

use std::time::{Duration, Instant};

use openrouter_mgmt::{
    CallOptions, Client, Error, GuardrailId, KeyHash, KeyUpdate, NewGuardrail, NewKey, RetryBudget,
    RetryPolicy, TransportKind,
};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer, OperationId};

use crate::e2e_support::{api_status, client, fast_policy, mock};

fn client_with(mock: &MockServer, policy: RetryPolicy, timeout: Duration) -> Client {
    Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .request_timeout(Some(timeout))
        .retry_policy(policy)
        .jitter_seed(1)
        .build()
        .unwrap()
}

async fn mock_with_key() -> (MockServer, KeyHash) {
    let mock = MockServer::builder().seed(8).keys(1).start().await.unwrap();
    let key = client(&mock)
        .keys()
        .list_with(openrouter_mgmt::KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .remove(0);
    mock.clear_requests();
    (mock, key.hash.clone())
}

#[tokio::test]
async fn reads_are_retried_on_408_429_500_502_503_504() {
    let (mock, hash) = mock_with_key().await;
    let client = client(&mock);
    for status in [408, 429, 500, 502, 503, 504] {
        mock.clear_requests();
        mock.faults()
            .once(OperationId::GetKey, Fault::Status(status));
        client
            .keys()
            .get(&hash)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(mock.requests_to(OperationId::GetKey).len(), 2, "{status}");
    }
}

#[tokio::test]
async fn reads_are_retried_through_a_burst_of_503s() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).times(3));
    client(&mock).keys().get(&hash).await.unwrap();
    assert_eq!(
        mock.requests_to(OperationId::GetKey).len(),
        4,
        "three 503s, then the answer"
    );
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).always());
    let error = client(&mock).keys().get(&hash).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 4);
}

#[tokio::test]
async fn updates_deletes_and_bulk_operations_are_retried_on_5xx() {
    let (mock, hash) = mock_with_key().await;
    let client = client(&mock);
    let id = GuardrailId::new(
        client
            .guardrails()
            .create(NewGuardrail::new("g"))
            .await
            .unwrap()
            .id,
    );
    mock.faults()
        .once(OperationId::UpdateKeys, Fault::Status(502))
        .once(OperationId::BulkAssignKeysToGuardrail, Fault::Status(503))
        .once(OperationId::DeleteGuardrail, Fault::Status(500))
        .once(OperationId::DeleteKeys, Fault::Status(504));
    assert_eq!(
        client
            .keys()
            .update(&hash, KeyUpdate::new().name("n"))
            .await
            .unwrap()
            .name,
        "n"
    );
    assert_eq!(
        client
            .guardrails()
            .assign_keys(id, [hash.clone()])
            .await
            .unwrap()
            .count,
        1
    );
    assert!(client.guardrails().delete(id).await.unwrap());
    assert!(client.keys().delete(&hash).await.unwrap());
    for op in [
        OperationId::UpdateKeys,
        OperationId::BulkAssignKeysToGuardrail,
        OperationId::DeleteGuardrail,
        OperationId::DeleteKeys,
    ] {
        assert_eq!(mock.requests_to(op).len(), 2, "{op}");
    }
    assert_eq!((mock.key_count(), mock.guardrail_count()), (0, 0));
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let (mock, hash) = mock_with_key().await;
    let client = client(&mock);
    for status in [400, 401, 403, 404, 409, 422, 501] {
        mock.clear_requests();
        mock.faults()
            .once(OperationId::GetKey, Fault::Status(status));
        assert_eq!(api_status(client.keys().get(&hash).await), status);
        assert_eq!(mock.requests().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn create_key_is_not_replayed_after_apply_then_500() {
    let mock = mock().await;
    mock.faults()
        .once(OperationId::CreateKeys, Fault::ApplyThenStatus(500));
    let error = client(&mock)
        .keys()
        .create(NewKey::new("once"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                status: 500,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.is_retryable(),
        "transient in kind, but the client did not replay it"
    );
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 1);
    assert_eq!(
        mock.key_count(),
        1,
        "exactly one key exists: the one the failed answer hid"
    );
}

#[tokio::test]
async fn creates_are_not_replayed_after_408_or_any_5xx() {
    let mock = mock().await;
    let client = client(&mock);
    for status in [408, 500, 502, 503, 504] {
        mock.faults()
            .once(OperationId::CreateKeys, Fault::Status(status));
        assert_eq!(
            api_status(client.keys().create(NewKey::new("k")).await),
            status
        );
        mock.faults()
            .once(OperationId::CreateGuardrail, Fault::ApplyThenStatus(status));
        assert_eq!(
            api_status(client.guardrails().create(NewGuardrail::new("g")).await),
            status
        );
    }
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 5);
    assert_eq!(mock.requests_to(OperationId::CreateGuardrail).len(), 5);
    assert_eq!(
        mock.key_count(),
        0,
        "plain 5xx: nothing applied, nothing replayed"
    );
    assert_eq!(
        mock.guardrail_count(),
        5,
        "apply-then-5xx: each applied once, none replayed"
    );
}

#[tokio::test]
async fn creates_are_retried_on_429() {
    let mock = mock().await;
    let client = client(&mock);
    let fast_429 = Fault::RateLimited {
        retry_after_secs: None,
        retry_after_ms: Some(5),
    };
    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, fast_429.clone()).times(2));
    mock.faults().once(OperationId::CreateGuardrail, fast_429);
    client.keys().create(NewKey::new("k")).await.unwrap();
    client
        .guardrails()
        .create(NewGuardrail::new("g"))
        .await
        .unwrap();
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 3);
    assert_eq!(mock.requests_to(OperationId::CreateGuardrail).len(), 2);
    assert_eq!(
        (mock.key_count(), mock.guardrail_count()),
        (1, 1),
        "exactly one of each"
    );
}

#[tokio::test]
async fn create_is_replayed_after_a_500_only_when_the_call_opts_in() {
    let mock = mock().await;
    mock.faults()
        .once(OperationId::CreateKeys, Fault::ApplyThenStatus(500));
    client(&mock)
        .with_options(CallOptions::new().allow_unsafe_replay(true))
        .keys()
        .create(NewKey::new("dup"))
        .await
        .unwrap();
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 2);
    assert_eq!(
        mock.key_count(),
        2,
        "the documented cost of opting in: a second key"
    );
}

#[tokio::test]
async fn reads_are_retried_after_a_timeout_and_creates_are_not() {
    let (mock, hash) = mock_with_key().await;
    let client = client_with(&mock, fast_policy(), Duration::from_millis(150));
    mock.faults().once(
        OperationId::GetKey,
        Fault::Delay(Duration::from_millis(600)),
    );
    client.keys().get(&hash).await.unwrap();
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 2);

    mock.faults().once(
        OperationId::CreateKeys,
        Fault::Delay(Duration::from_millis(400)),
    );
    let error = client.keys().create(NewKey::new("slow")).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Timeout,
                maybe_reached_server: true,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 1);
    // The mock applies the delayed write after the client gave up: exactly one new key, never two.
    for _ in 0..100 {
        if mock.key_count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        mock.key_count(),
        2,
        "the seeded key and the one slow create"
    );
}

/// A port that refuses connections until a mock starts on it.
fn released_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the call, waits (bounded) until its first attempt was refused and a retry is pending (the retry budget
/// was charged), then starts the mock on that port; the retry lands.
async fn refused_then_served<F, T>(call: impl FnOnce(Client) -> F) -> (MockServer, T, u32)
where
    F: std::future::Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let port = released_port();
    let client = Client::builder()
        .api_key("sk-or-v1-fixed-management-key-for-refused-test")
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry_policy(
            fast_policy()
                .with_base_delay(Duration::from_millis(100))
                .with_max_delay(Duration::from_millis(200))
                .with_max_retries(20),
        )
        .request_timeout(Some(Duration::from_secs(2)))
        .jitter_seed(3)
        .build()
        .unwrap();
    let full = client.retry_budget().available();
    let task = tokio::spawn(call(client.clone()));
    for _ in 0..500 {
        if client.retry_budget().available() < full {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(
        client.retry_budget().available() < full,
        "the first attempt was refused and a retry is pending"
    );
    let mock = MockServer::builder()
        .port(port)
        .management_key("sk-or-v1-fixed-management-key-for-refused-test")
        .start()
        .await
        .expect("the released port is free again");
    let value = task.await.unwrap().expect("the retry reached the mock");
    let retries = (full - client.retry_budget().available()) / 5;
    (mock, value, retries)
}

#[tokio::test]
async fn reads_are_retried_after_connection_refused() {
    let (mock, current, _) = refused_then_served(|c| async move { c.keys().current().await }).await;
    assert!(current.is_management_key);
    assert_eq!(
        mock.requests().len(),
        1,
        "refused attempts never reached a server"
    );
}

#[tokio::test]
async fn create_key_is_retried_on_connection_refused() {
    let (mock, created, _) =
        refused_then_served(|c| async move { c.keys().create(NewKey::new("refused first")).await })
            .await;
    assert_eq!(created.data.name, "refused first");
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 1);
    assert_eq!(mock.key_count(), 1);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let (mock, hash) = mock_with_key().await;
    mock.faults().once(
        OperationId::GetKey,
        Fault::RateLimited {
            retry_after_secs: None,
            retry_after_ms: Some(250),
        },
    );
    let started = Instant::now();
    client(&mock).keys().get(&hash).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 2);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .once(OperationId::GetKey, Fault::rate_limited(1));
    let started = Instant::now();
    client(&mock).keys().get(&hash).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1),
        "{elapsed:?}: the 10 ms backoff cap must not win over Retry-After"
    );
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 2);
}

#[tokio::test]
async fn retry_after_is_capped_by_the_policy() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .once(OperationId::GetKey, Fault::rate_limited(30));
    let client = client_with(
        &mock,
        fast_policy().with_max_retry_after(Duration::from_millis(50)),
        Duration::from_secs(2),
    );
    let started = Instant::now();
    client.keys().get(&hash).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(50) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_fails_at_once() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .once(OperationId::GetKey, Fault::rate_limited(30));
    let policy = fast_policy().with_deadline(Some(Duration::from_secs(2)));
    let started = Instant::now();
    let error = client_with(&mock, policy, Duration::from_secs(1))
        .keys()
        .get(&hash)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            error,
            Error::Api {
                status: 429,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 1);
}

#[tokio::test]
async fn the_policy_can_be_overridden_per_call() {
    let (mock, hash) = mock_with_key().await;
    mock.faults().once(OperationId::GetKey, Fault::Status(503));
    let client = client(&mock);
    let keys = client
        .with_options(CallOptions::new().retry_policy(RetryPolicy::no_retries()))
        .keys();
    assert_eq!(api_status(keys.get(&hash).await), 503);
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 1);
}

#[tokio::test]
async fn an_empty_retry_budget_fails_fast_and_says_so() {
    let (mock, hash) = mock_with_key().await;
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).always());
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .retry_policy(fast_policy())
        .retry_budget(
            RetryBudget::builder()
                .capacity(5)
                .retry_cost(5)
                .refill_per_second(0.0)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let error = client.keys().get(&hash).await.unwrap_err();
    assert!(
        matches!(&error, Error::RetryBudgetExhausted { last, .. } if last.status() == Some(503)),
        "{error:?}"
    );
    assert_eq!(
        mock.requests_to(OperationId::GetKey).len(),
        2,
        "one retry paid for, the second refused"
    );
}

#[tokio::test]
async fn each_page_request_is_retried() {
    let mock = MockServer::builder()
        .seed(6)
        .guardrails(250)
        .start()
        .await
        .unwrap();
    // The second and third page requests each fail once.
    mock.faults()
        .add(FaultRule::new(OperationId::ListGuardrails, Fault::Status(503)).skip(1));
    mock.faults()
        .add(FaultRule::new(OperationId::ListGuardrails, Fault::Status(502)).skip(1));
    let all = client(&mock)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(
        mock.requests_to(OperationId::ListGuardrails).len(),
        5,
        "3 pages + 2 retries"
    );
}
