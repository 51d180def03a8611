//! What a caller learns from a finished call, proven against the mock's injected faults: whether a failed write
//! may have taken effect (checked against the mock's state), the innermost cause behind a bulk or budget error,
//! how many attempts a success took (`send_with_meta` and the `CallOptions` observer), and that a
//! `client.with_options(..)` view applies its options to every group and leaves the client alone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use openrouter_mgmt::{
    CallOptions, Client, Error, GuardrailId, KeyHash, NewGuardrail, NewKey, RetryPolicy, ops,
};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer, OperationId};

use crate::e2e_support::{client, fast_policy};

async fn mock_with_key() -> (MockServer, Client, KeyHash) {
    let mock = MockServer::builder()
        .seed(21)
        .keys(1)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let hash = client
        .keys()
        .list_with(openrouter_mgmt::KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .remove(0)
        .hash;
    mock.clear_requests();
    (mock, client, hash)
}

/// Creates a key under `fault` (once, no retries beyond the replay table); returns the error and how many keys the
/// mock holds afterwards beyond the seeded one.
async fn create_under(fault: Fault) -> (Error, usize) {
    let (mock, client, _) = mock_with_key().await;
    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, fault.clone()).always());
    let error = client
        .keys()
        .create(NewKey::new("maybe"))
        .await
        .expect_err("the fault must surface");
    (error, mock.key_count() - 1)
}

#[tokio::test]
async fn a_failed_create_says_whether_it_may_have_been_applied_and_the_mock_agrees() {
    for (fault, applied) in [
        (Fault::ApplyThenStatus(500), true),
        (Fault::ApplyThenStatus(503), true),
        (Fault::ApplyThenClose, true),
        (Fault::SchemaViolation, true),
        (Fault::Status(400), false),
        (Fault::Status(409), false),
        (Fault::rate_limited(0), false),
    ] {
        let (error, created) = create_under(fault.clone()).await;
        assert_eq!(error.may_have_been_applied(), applied, "{fault}: {error:?}");
        if !applied {
            assert_eq!(created, 0, "{fault}: nothing was created");
        } else {
            assert_eq!(created, 1, "{fault}: the write happened once");
        }
    }
}

#[tokio::test]
async fn a_refused_connection_was_not_applied() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key("sk-or-v1-refused-connection-test-key")
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry_policy(fast_policy().with_max_retries(1))
        .build()
        .unwrap();
    let error = client
        .keys()
        .create(NewKey::new("never sent"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                maybe_reached_server: false,
                attempts: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.may_have_been_applied());
}

#[tokio::test]
async fn an_earlier_ambiguous_attempt_counts_even_when_the_last_was_refused() {
    let (mock, client, hash) = mock_with_key().await;
    // Applied, then a 503; the retry is refused with 429 and the policy allows no more.
    mock.faults()
        .once(OperationId::UpdateKeys, Fault::ApplyThenStatus(503))
        .add(FaultRule::new(OperationId::UpdateKeys, Fault::rate_limited(0)).always());
    let error = client
        .with_options(CallOptions::new().retry_policy(fast_policy().with_max_retries(1)))
        .keys()
        .update(&hash, openrouter_mgmt::KeyUpdate::new().name("renamed"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                status: 429,
                attempts: 2,
                earlier_attempt_may_have_applied: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.may_have_been_applied());
    let key = client.keys().get(&hash).await.unwrap();
    assert_eq!(key.name, "renamed", "the first attempt did apply");
}

#[tokio::test]
async fn a_bulk_error_answers_for_its_failing_chunk_and_reaches_the_root_cause() {
    let (mock, client, _) = mock_with_key().await;
    let keys: Vec<KeyHash> = {
        let mut hashes = Vec::new();
        for i in 0..3 {
            let created = client
                .keys()
                .create(NewKey::new(format!("bulk {i}")))
                .await
                .unwrap();
            hashes.push(created.data.hash);
        }
        hashes
    };
    let id = GuardrailId::new(
        client
            .guardrails()
            .create(NewGuardrail::new("bulk"))
            .await
            .unwrap()
            .id,
    );
    // The second chunk is applied, then answered 500; with no retries the call stops there.
    mock.faults().add(
        FaultRule::new(
            OperationId::BulkAssignKeysToGuardrail,
            Fault::ApplyThenStatus(500),
        )
        .skip(1),
    );
    let error = client
        .with_options(
            CallOptions::new()
                .bulk_chunk_size(1)
                .retry_policy(RetryPolicy::no_retries()),
        )
        .guardrails()
        .assign_keys(id, keys.clone())
        .await
        .unwrap_err();
    let Error::Bulk {
        applied,
        not_applied,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(applied.len(), 1);
    assert_eq!(not_applied.len(), 2);
    assert!(
        error.may_have_been_applied(),
        "the failing chunk was applied"
    );
    assert_eq!(
        mock.key_guardrail(keys[1].as_ref()),
        Some(id),
        "and the mock agrees"
    );
    assert!(matches!(error.root_cause(), Error::Api { status: 500, .. }));
    let source = std::error::Error::source(&error).expect("the chunk's error");
    assert!(source.to_string().contains("HTTP 500"), "{source}");

    // A chunk refused before doing anything: not applied.
    mock.faults().clear();
    mock.faults()
        .once(OperationId::BulkAssignKeysToGuardrail, Fault::Status(400));
    let error = client
        .with_options(CallOptions::new().retry_policy(RetryPolicy::no_retries()))
        .guardrails()
        .assign_keys(id, keys)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Bulk { .. }), "{error:?}");
    assert!(!error.may_have_been_applied());
}

#[tokio::test]
async fn send_with_meta_says_how_many_attempts_a_success_took() {
    let (mock, client, hash) = mock_with_key().await;
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).times(2));
    let response = client
        .send_with_meta(&ops::GetKey::new(hash.clone()), &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(response.attempts, 3, "two 503s, then the answer");
    assert_eq!(response.value.data.hash, hash);
    assert!(response.elapsed > Duration::ZERO);
    let first_try = client
        .with_options(CallOptions::new())
        .send_with_meta(&ops::GetKey::new(hash))
        .await
        .unwrap();
    assert_eq!(first_try.attempts, 1);
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 4);
}

/// What the observer saw of one call: operation, attempts, status, whether it failed.
type Seen = (String, u32, Option<u16>, bool);

#[tokio::test]
async fn the_observer_reports_every_call_with_its_attempts() {
    let (mock, client, hash) = mock_with_key().await;
    let reports: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&reports);
    let observed = client.with_options(CallOptions::new().on_call_finished(move |report| {
        sink.lock().unwrap().push((
            report.operation.to_owned(),
            report.attempts,
            report.status,
            report.error.is_some(),
        ));
    }));
    mock.faults().once(OperationId::GetKey, Fault::Status(502));
    observed.keys().get(&hash).await.unwrap();
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(404)).always());
    observed.keys().get(&hash).await.unwrap_err();
    observed
        .guardrails()
        .create(NewGuardrail::new(""))
        .await
        .unwrap_err();
    let reports = reports.lock().unwrap().clone();
    assert_eq!(
        reports,
        [
            ("get_key".to_owned(), 2, Some(200), false),
            ("get_key".to_owned(), 1, Some(404), true),
            ("create_guardrail".to_owned(), 0, None, true),
        ],
        "a retried success, a failure, and input rejected before sending"
    );
}

#[tokio::test]
async fn a_with_options_view_applies_to_every_group_and_leaves_the_client_alone() {
    let (mock, client, hash) = mock_with_key().await;
    let once = client.with_options(CallOptions::new().retry_policy(RetryPolicy::no_retries()));
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).times(1));
    let error = once.keys().get(&hash).await.unwrap_err();
    assert_eq!(error.attempts(), 1);
    mock.faults()
        .add(FaultRule::new(OperationId::ListGuardrails, Fault::Status(503)).times(1));
    let error = once.guardrails().list().collect_all().await.unwrap_err();
    assert_eq!(error.attempts(), 1, "the same options for another group");
    // The keys group from the view outlives the view itself: it holds the client, not the view.
    let keys = client
        .with_options(CallOptions::new().retry_policy(RetryPolicy::no_retries()))
        .keys();
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).times(1));
    assert_eq!(keys.get(&hash).await.unwrap_err().attempts(), 1);
    mock.faults()
        .add(FaultRule::new(OperationId::GetKey, Fault::Status(503)).times(1));
    client.keys().get(&hash).await.unwrap();
    assert_eq!(
        mock.requests_to(OperationId::GetKey).len(),
        4,
        "the client itself still retries"
    );
}
