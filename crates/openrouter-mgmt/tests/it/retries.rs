//! Every row of the retry table, counted on the server's side, with paused time for the waits.

use std::time::Duration;

use openrouter_mgmt::{
    CallOptions, Error, NewGuardrail, NewKey, RetryBudget, RetryPolicy, TransportKind,
};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn fail_once_then(
    server: &MockServer,
    verb: &str,
    p: &str,
    failure: ResponseTemplate,
    ok: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(failure)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(ok)
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_on_408_429_500_502_503_504() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        fail_once_then(
            &server,
            "GET",
            "/key",
            ResponseTemplate::new(status).set_body_json(envelope(status, "transient")),
            ResponseTemplate::new(200).set_body_json(current_key()),
        )
        .await;
        let me = client(&server)
            .keys()
            .current()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert!(me.is_management_key);
        assert_eq!(count(&server).await, 2, "status {status}");
    }
}

#[tokio::test(start_paused = true)]
async fn other_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 422] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/key"))
            .respond_with(ResponseTemplate::new(status).set_body_json(envelope(status, "no")))
            .mount(&server)
            .await;
        let err = client(&server).keys().current().await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.attempts(), 1);
        assert_eq!(count(&server).await, 1, "status {status}");
    }
}

#[tokio::test(start_paused = true)]
async fn updates_deletes_and_bulk_operations_are_retried_on_5xx() {
    let server = MockServer::start().await;
    let id = guardrail_id(1);
    fail_once_then(
        &server,
        "PATCH",
        &format!("/guardrails/{id}"),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": guardrail(1)})),
    )
    .await;
    fail_once_then(
        &server,
        "DELETE",
        "/keys/abc",
        ResponseTemplate::new(500),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"deleted": true})),
    )
    .await;
    fail_once_then(
        &server,
        "POST",
        &format!("/guardrails/{id}/assignments/keys"),
        ResponseTemplate::new(502),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"assigned_count": 1})),
    )
    .await;
    let c = client(&server);
    let gid = id.parse().unwrap();
    c.guardrails()
        .update(gid, openrouter_mgmt::GuardrailUpdate::new().limit_usd(1.0))
        .await
        .unwrap();
    assert!(c.keys().delete(&"abc".parse().unwrap()).await.unwrap());
    let out = c
        .guardrails()
        .assign_keys(gid, ["h".parse().unwrap()])
        .await
        .unwrap();
    assert_eq!(out.count, 1);
    assert_eq!(count(&server).await, 6);
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server).keys().current().await.unwrap_err();
    assert_eq!(err.attempts(), 4, "1 attempt + 3 retries");
    assert_eq!(count(&server).await, 4);
    assert!(matches!(err, Error::Api { status: 503, .. }));
}

#[tokio::test(start_paused = true)]
async fn the_policy_can_be_overridden_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .with_options(CallOptions::new().retry_policy(RetryPolicy::no_retries()))
        .keys()
        .current()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(count(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_after_connection_refused() {
    let started = Instant::now();
    let err = closed_port_client(RetryPolicy::default())
        .keys()
        .current()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            kind: TransportKind::Connect,
            maybe_reached_server: false,
            attempts: 4,
            ..
        } => {}
        other => panic!("unexpected {other:?}"),
    }
    // Full jitter: each wait is in 0..=ceiling, ceilings 0.5 s, 1 s, 2 s.
    assert!(
        started.elapsed() <= Duration::from_millis(3500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn create_key_is_retried_on_connection_refused() {
    let err = closed_port_client(RetryPolicy::default())
        .keys()
        .create(NewKey::new("k"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                maybe_reached_server: false,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    let err = closed_port_client(RetryPolicy::default().with_max_retries(1))
        .guardrails()
        .create(NewGuardrail::new("g"))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn create_key_is_not_replayed_after_a_500() {
    let server = MockServer::start().await;
    fail_once_then(
        &server,
        "POST",
        "/keys",
        ResponseTemplate::new(500).set_body_json(envelope(500, "boom")),
        ResponseTemplate::new(201).set_body_json(created_key()),
    )
    .await;
    let err = client(&server)
        .keys()
        .create(NewKey::new("k"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 500,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn creates_are_not_replayed_after_408_or_any_5xx() {
    for status in [408u16, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let c = client(&server);
        let e1 = c.keys().create(NewKey::new("k")).await.unwrap_err();
        let e2 = c
            .guardrails()
            .create(NewGuardrail::new("g"))
            .await
            .unwrap_err();
        assert_eq!((e1.attempts(), e2.attempts()), (1, 1), "status {status}");
        assert_eq!(count(&server).await, 2, "status {status}");
    }
}

#[tokio::test(start_paused = true)]
async fn create_key_is_retried_on_429() {
    let server = MockServer::start().await;
    fail_once_then(
        &server,
        "POST",
        "/keys",
        ResponseTemplate::new(429).set_body_json(envelope(429, "Rate limit exceeded")),
        ResponseTemplate::new(201).set_body_json(created_key()),
    )
    .await;
    let created = client(&server)
        .keys()
        .create(NewKey::new("k"))
        .await
        .unwrap();
    assert_eq!(created.key.expose_secret(), CREATED_PLAINTEXT);
    assert_eq!(count(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn create_guardrail_is_retried_on_429_but_not_after_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"data": guardrail(1)})),
        )
        .with_priority(3)
        .mount(&server)
        .await;
    let err = client(&server)
        .guardrails()
        .create(NewGuardrail::new("g"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 503,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn create_is_replayed_after_a_500_when_the_call_opts_in() {
    let server = MockServer::start().await;
    fail_once_then(
        &server,
        "POST",
        "/keys",
        ResponseTemplate::new(500),
        ResponseTemplate::new(201).set_body_json(created_key()),
    )
    .await;
    let created = client(&server)
        .with_options(CallOptions::new().allow_unsafe_replay(true))
        .keys()
        .create(NewKey::new("k"))
        .await
        .unwrap();
    assert_eq!(created.data.hash, "newhash");
    assert_eq!(count(&server).await, 2);
}

/// Timeouts run in real time: under paused time the runtime jumps to the timeout whenever it waits for the
/// socket, which could fire before the request is even written, and the server count would be meaningless.
#[tokio::test]
async fn create_key_is_not_replayed_after_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(created_key())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let c = builder(&server)
        .request_timeout(Some(Duration::from_millis(300)))
        .retry_policy(quick_policy())
        .build()
        .unwrap();
    let err = c.keys().create(NewKey::new("k")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                maybe_reached_server: true,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn reads_are_retried_after_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(current_key())
                .set_delay(Duration::from_secs(5)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(current_key()))
        .with_priority(2)
        .mount(&server)
        .await;
    let c = builder(&server)
        .request_timeout(Some(Duration::from_millis(300)))
        .retry_policy(quick_policy())
        .build()
        .unwrap();
    c.keys().current().await.unwrap();
    assert_eq!(count(&server).await, 2);
}

async fn elapsed_for_429_with(
    header: (&str, String),
    policy: RetryPolicy,
) -> (Result<(), Error>, Duration, usize) {
    let server = MockServer::start().await;
    fail_once_then(
        &server,
        "GET",
        "/key",
        ResponseTemplate::new(429)
            .insert_header(header.0, header.1.as_str())
            .set_body_json(envelope(429, "slow down")),
        ResponseTemplate::new(200).set_body_json(current_key()),
    )
    .await;
    let c = builder(&server).retry_policy(policy).build().unwrap();
    let started = Instant::now();
    let result = c.keys().current().await.map(|_| ());
    (result, started.elapsed(), count(&server).await)
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let (r, elapsed, n) =
        elapsed_for_429_with(("retry-after", "7".into()), RetryPolicy::default()).await;
    r.unwrap();
    assert_eq!(n, 2);
    assert!(
        elapsed >= Duration::from_secs(7) && elapsed < Duration::from_millis(7100),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_is_honoured() {
    let (r, elapsed, n) =
        elapsed_for_429_with(("retry-after-ms", "2500".into()), RetryPolicy::default()).await;
    r.unwrap();
    assert_eq!(n, 2);
    assert!(
        elapsed >= Duration::from_millis(2500) && elapsed < Duration::from_millis(2600),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_honoured() {
    let at = std::time::SystemTime::now() + Duration::from_secs(20);
    let (r, elapsed, n) = elapsed_for_429_with(
        ("retry-after", httpdate::fmt_http_date(at)),
        RetryPolicy::default(),
    )
    .await;
    r.unwrap();
    assert_eq!(n, 2);
    // The date has one-second resolution and the wall clock moves a little while the test runs.
    assert!(
        elapsed >= Duration::from_secs(18) && elapsed <= Duration::from_secs(20),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_capped() {
    let policy = RetryPolicy::default().with_deadline(None);
    let (r, elapsed, _) = elapsed_for_429_with(("retry-after", "3600".into()), policy).await;
    r.unwrap();
    assert!(
        elapsed >= Duration::from_secs(60) && elapsed < Duration::from_millis(60_100),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_the_deadline_fails_fast() {
    let policy = RetryPolicy::default().with_deadline(Some(Duration::from_secs(30)));
    let (r, elapsed, n) = elapsed_for_429_with(("retry-after", "45".into()), policy).await;
    let err = r.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 429,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(45)));
    assert_eq!(n, 1);
    assert_eq!(elapsed, Duration::ZERO, "no sleeping before failing");
}

#[tokio::test(start_paused = true)]
async fn backoff_beyond_the_deadline_fails_fast() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // Backoff ceilings 10 s, 20 s, 40 s with a 1 ms deadline: no wait fits.
    let policy = RetryPolicy::default()
        .with_base_delay(Duration::from_secs(10))
        .with_max_delay(Duration::from_secs(40))
        .with_deadline(Some(Duration::from_millis(1)));
    let c = builder(&server)
        .retry_policy(policy)
        .jitter_seed(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.keys().current().await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn backoff_is_exponential_with_full_jitter_and_reproducible_under_a_seed() {
    let mut totals = Vec::new();
    for seed in [5u64, 5, 6] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/key"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        let c = builder(&server).jitter_seed(seed).build().unwrap();
        let started = Instant::now();
        c.keys().current().await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(elapsed <= Duration::from_millis(3500), "{elapsed:?}");
        assert!(elapsed > Duration::ZERO);
        totals.push(elapsed);
    }
    assert_eq!(totals[0], totals[1], "same seed, same waits");
    assert_ne!(totals[0], totals[2], "another seed, other waits");
}

#[tokio::test(start_paused = true)]
async fn an_empty_retry_budget_fails_fast_and_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // One retry's worth of tokens, shared by the client's clones; no time refill, so only successes refill it.
    let budget = RetryBudget::builder()
        .capacity(5)
        .retry_cost(5)
        .timeout_retry_cost(10)
        .refill_per_second(0.0)
        .build()
        .unwrap();
    let c = builder(&server)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let err = c.keys().current().await.unwrap_err();
    match &err {
        Error::RetryBudgetExhausted { last, .. } => assert_eq!(last.status(), Some(503)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("retry budget is empty"), "{err}");
    assert_eq!(err.attempts(), 2);
    assert_eq!(count(&server).await, 2);
    assert_eq!(budget.available(), 0);
    let err = c.clone().keys().current().await.unwrap_err();
    assert!(matches!(err, Error::RetryBudgetExhausted { .. }));
    assert_eq!(
        count(&server).await,
        3,
        "the clone had no budget left: no retry at all"
    );
}

#[tokio::test(start_paused = true)]
async fn after_a_storm_time_refills_the_budget_so_a_quiet_client_retries_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let budget = RetryBudget::builder()
        .capacity(5)
        .refill_per_second(1.0)
        .build()
        .unwrap();
    let c = builder(&server)
        .retry_budget(budget.clone())
        .retry_policy(RetryPolicy::default().with_max_retries(1))
        .build()
        .unwrap();
    // The storm: the one retry the bucket holds is spent, the next failure finds it empty.
    let started = tokio::time::Instant::now();
    c.keys().current().await.unwrap_err();
    let err = c.keys().current().await.unwrap_err();
    assert!(matches!(err, Error::RetryBudgetExhausted { .. }), "{err:?}");
    let storm = count(&server).await;
    // Quiet: 5 s at 1 token per second pays for one retry again (paused clock: exact).
    tokio::time::sleep_until(started + std::time::Duration::from_secs(6)).await;
    assert!(budget.available() >= 5, "{}", budget.available());
    let err = c.keys().current().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 503,
                attempts: 2,
                ..
            }
        ),
        "the isolated 503 was retried once more: {err:?}"
    );
    assert_eq!(count(&server).await, storm + 2);
}

#[tokio::test(start_paused = true)]
async fn successes_refund_the_retry_budget() {
    let server = MockServer::start().await;
    fail_once_then(
        &server,
        "GET",
        "/key",
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(current_key()),
    )
    .await;
    let budget = RetryBudget::builder()
        .capacity(20)
        .refill_per_second(0.0)
        .build()
        .unwrap();
    let c = builder(&server)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    c.keys().current().await.unwrap();
    assert_eq!(
        budget.available(),
        20,
        "the retry's cost came back on success"
    );
}
