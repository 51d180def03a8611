//! Each fault kind of the mock, on a replay-safe operation and on a create, ends in the documented outcome: the
//! typed error (or success after a retry), the number of requests sent, and the state (nothing duplicated).

use std::time::Duration;

use openrouter_mgmt::{Client, Error, GuardrailId, KeyHash, NewKey, TransportKind};
use openrouter_mgmt_mock::{Fault, MockServer, OperationId};

use crate::e2e_support::fast_policy;

async fn setup() -> (MockServer, Client, KeyHash) {
    let mock = MockServer::builder()
        .seed(12)
        .keys(1)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .request_timeout(Some(Duration::from_millis(300)))
        .retry_policy(fast_policy())
        .jitter_seed(5)
        .build()
        .unwrap();
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

/// A read under `fault` succeeds after one retry (two requests).
async fn read_recovers(fault: Fault) {
    let (mock, client, hash) = setup().await;
    mock.faults().once(OperationId::GetKey, fault.clone());
    let key = client
        .keys()
        .get(&hash)
        .await
        .unwrap_or_else(|e| panic!("{fault}: {e:?}"));
    assert_eq!(key.hash, hash.as_str());
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 2, "{fault}");
}

/// A create under `fault`: the error it ends with, after exactly one request, and how many keys exist.
async fn create_fails_once(fault: Fault) -> (Error, usize) {
    let (mock, client, _) = setup().await;
    mock.faults().once(OperationId::CreateKeys, fault.clone());
    let error = client
        .keys()
        .create(NewKey::new("faulted"))
        .await
        .expect_err("the fault must surface");
    assert_eq!(
        mock.requests_to(OperationId::CreateKeys).len(),
        1,
        "{fault}: a create is not replayed"
    );
    assert_eq!(error.attempts(), 1, "{fault}");
    // Delayed writes land after the client gave up; wait (bounded) for the mock to apply them.
    for _ in 0..100 {
        if !fault.applies_write() || mock.key_count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (error, mock.key_count() - 1)
}

#[tokio::test]
async fn rate_limited_requests_are_retried_for_reads_and_creates() {
    read_recovers(Fault::RateLimited {
        retry_after_secs: None,
        retry_after_ms: Some(1),
    })
    .await;
    let (mock, client, _) = setup().await;
    mock.faults().once(
        OperationId::CreateKeys,
        Fault::RateLimited {
            retry_after_secs: None,
            retry_after_ms: Some(1),
        },
    );
    client.keys().create(NewKey::new("k")).await.unwrap();
    assert_eq!(mock.requests_to(OperationId::CreateKeys).len(), 2);
    assert_eq!(mock.key_count(), 2, "one seeded, one created");
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_and_surface_for_creates_with_nothing_applied() {
    for status in [500, 502, 503, 504] {
        read_recovers(Fault::Status(status)).await;
        let (error, created) = create_fails_once(Fault::Status(status)).await;
        assert!(
            matches!(error, Error::Api { status: s, .. } if s == status),
            "{error:?}"
        );
        assert_eq!(created, 0);
    }
}

#[tokio::test]
async fn a_delay_beyond_the_timeout_is_retried_for_reads_and_is_a_timeout_for_creates() {
    read_recovers(Fault::Delay(Duration::from_millis(800))).await;
    let (error, created) = create_fails_once(Fault::Delay(Duration::from_millis(500))).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Timeout,
                maybe_reached_server: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        created, 1,
        "the server finished the write: one key, not two"
    );
}

#[tokio::test]
async fn a_connection_closed_before_the_response_is_retried_for_reads_and_surfaces_for_creates() {
    read_recovers(Fault::CloseBeforeResponse).await;
    let (error, created) = create_fails_once(Fault::CloseBeforeResponse).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                maybe_reached_server: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(created, 0);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_retried_for_reads_and_surfaces_for_creates() {
    read_recovers(Fault::CloseMidBody).await;
    let (error, created) = create_fails_once(Fault::CloseMidBody).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                maybe_reached_server: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(created, 1, "applied once, never replayed");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_and_not_retried() {
    let (mock, client, hash) = setup().await;
    mock.faults()
        .once(OperationId::GetKey, Fault::MalformedJson);
    let error = client.keys().get(&hash).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Decode {
                status: 200,
                operation: "get_key",
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 1);

    let (error, created) = create_fails_once(Fault::MalformedJson).await;
    let Error::Decode {
        status: 201,
        body_snippet,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(
        !body_snippet.contains("sk-or-") && !message.contains("sk-or-"),
        "the new key's plaintext leaked: {error}"
    );
    assert_eq!(created, 1);
}

#[tokio::test]
async fn a_schema_breaking_success_is_a_decode_error_naming_the_path() {
    let (mock, client, hash) = setup().await;
    mock.faults()
        .once(OperationId::GetKey, Fault::SchemaViolation);
    let error = client.keys().get(&hash).await.unwrap_err();
    let Error::Decode {
        path, status: 200, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(
        path.starts_with("data"),
        "the path names where the body broke the schema: {path}"
    );
    assert_eq!(mock.requests_to(OperationId::GetKey).len(), 1);

    let (error, created) = create_fails_once(Fault::SchemaViolation).await;
    assert!(
        matches!(error, Error::Decode { status: 201, .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("sk-or-"), "{error}");
    assert_eq!(created, 1);
}

#[tokio::test]
async fn apply_then_fail_is_retried_for_safe_writes_and_never_replayed_for_creates() {
    let (error, created) = create_fails_once(Fault::ApplyThenStatus(502)).await;
    assert!(matches!(error, Error::Api { status: 502, .. }), "{error:?}");
    assert_eq!(created, 1);
    let (error, created) = create_fails_once(Fault::ApplyThenClose).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                maybe_reached_server: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(created, 1);

    // A bulk assign that was applied and then failed is simply sent again: the set operation changes nothing more.
    let (mock, client, hash) = setup().await;
    let id = GuardrailId::new(
        client
            .guardrails()
            .create(openrouter_mgmt::NewGuardrail::new("g"))
            .await
            .unwrap()
            .id,
    );
    mock.faults().once(
        OperationId::BulkAssignKeysToGuardrail,
        Fault::ApplyThenStatus(500),
    );
    let outcome = client
        .guardrails()
        .assign_keys(id, [hash.clone()])
        .await
        .unwrap();
    assert_eq!(outcome.count, 0, "the retry found the key already assigned");
    assert_eq!(
        mock.requests_to(OperationId::BulkAssignKeysToGuardrail)
            .len(),
        2
    );
    assert_eq!(mock.key_guardrail(hash.as_str()), Some(id));
    mock.faults()
        .once(OperationId::DeleteGuardrail, Fault::ApplyThenClose);
    let deleted = client.guardrails().delete(id).await;
    // The retried delete finds the guardrail gone: a 404 after an attempt that may have been applied means the
    // first attempt did it, and the delete succeeds.
    assert_eq!(mock.guardrail_count(), 0);
    assert_eq!(mock.requests_to(OperationId::DeleteGuardrail).len(), 2);
    assert!(matches!(deleted, Ok(true)), "{deleted:?}");
}
