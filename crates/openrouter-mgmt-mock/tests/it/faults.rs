//! Every fault kind observed from the client side over a real socket, including whether the write was applied,
//! plus rule ordering (skip/times), clearing, the seeded failure rate, latency and paused-time delays.

use std::time::{Duration, Instant};

use openrouter_mgmt_gen::types;
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer, OperationId, Route};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Api, assert_error, client, decode};

fn route(s: &str) -> Route {
    s.parse().expect("route")
}

/// Sends `POST /keys` and returns the raw outcome.
async fn create(api: &Api, http: &reqwest::Client) -> reqwest::Result<reqwest::Response> {
    http.post(api.url("/keys"))
        .bearer_auth(api.mock.management_key())
        .json(&json!({"name": "k"}))
        .send()
        .await
}

#[tokio::test]
async fn rate_limited_carries_retry_after_and_applies_nothing() {
    let api = Api::start().await;
    api.mock.faults().once(
        OperationId::CreateKeys,
        Fault::RateLimited {
            retry_after_secs: Some(2),
            retry_after_ms: Some(1500),
        },
    );
    let response = create(&api, &api.http).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(response.headers()["retry-after-ms"], "1500");
    let body: Value = response.json().await.unwrap();
    assert_error(StatusCode::TOO_MANY_REQUESTS, &body, 429);
    assert_eq!(
        body["error"]["metadata"]["error_type"],
        json!("rate_limit_exceeded")
    );
    assert_eq!(api.mock.key_count(), 0);
    assert_eq!(
        create(&api, &api.http).await.unwrap().status(),
        StatusCode::CREATED
    );
    let log = api.mock.requests();
    assert_eq!(
        log[0].fault,
        Some(Fault::RateLimited {
            retry_after_secs: Some(2),
            retry_after_ms: Some(1500)
        })
    );
    assert_eq!(log[1].fault, None);
}

#[tokio::test]
async fn server_errors_hit_exactly_the_requests_scripted() {
    let api = Api::start().await;
    // The 2nd and 3rd creates fail with 500, then one 502, 503 and 504 each.
    api.mock
        .faults()
        .add(
            FaultRule::new(OperationId::CreateKeys, Fault::Status(500))
                .skip(1)
                .times(2),
        )
        .add(FaultRule::new(route("POST /keys"), Fault::Status(502)))
        .add(FaultRule::new(route("* /keys"), Fault::Status(503)))
        .add(FaultRule::new(route("createKeys"), Fault::Status(504)));
    assert_eq!(api.mock.faults().pending(), 4);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = create(&api, &api.http).await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        if status.is_server_error() {
            assert_error(status, &body, status.as_u16());
        }
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [201, 500, 500, 502, 503, 504, 201]);
    assert_eq!(api.mock.key_count(), 2);
    assert_eq!(api.mock.faults().pending(), 0);
}

#[tokio::test]
async fn rules_from_strings_and_clear() {
    let rule: FaultRule = "POST /keys=503x*".parse().unwrap();
    let api = Api::with(MockServer::builder().fault(rule)).await;
    for _ in 0..3 {
        assert_eq!(
            create(&api, &api.http).await.unwrap().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert_eq!(
        api.get("/keys").await.0,
        StatusCode::OK,
        "other routes unaffected"
    );
    api.mock.faults().clear();
    assert_eq!(
        create(&api, &api.http).await.unwrap().status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn close_before_response_applies_nothing() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::CreateKeys, Fault::CloseBeforeResponse);
    let error = create(&api, &client())
        .await
        .expect_err("connection closed");
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(api.mock.key_count(), 0);
    assert_eq!(
        create(&api, &api.http).await.unwrap().status(),
        StatusCode::CREATED,
        "server still serves"
    );
}

#[tokio::test]
async fn apply_then_close_applies_the_write() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::CreateKeys, Fault::ApplyThenClose);
    let error = create(&api, &client())
        .await
        .expect_err("connection closed");
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(
        api.mock.key_count(),
        1,
        "the create happened: replaying it would make a second key"
    );
}

#[tokio::test]
async fn apply_then_status_applies_the_write_and_answers_the_error() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::CreateKeys, Fault::ApplyThenStatus(500));
    let response = create(&api, &api.http).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = response.json().await.unwrap();
    assert_error(StatusCode::INTERNAL_SERVER_ERROR, &body, 500);
    assert_eq!(api.mock.key_count(), 1);
}

#[tokio::test]
async fn close_mid_body_sends_the_head_then_breaks() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::CreateKeys, Fault::CloseMidBody);
    let response = create(&api, &client()).await.expect("the head arrives");
    assert_eq!(response.status(), StatusCode::CREATED);
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(length > 100);
    assert!(response.bytes().await.is_err(), "the body must break off");
    assert_eq!(api.mock.key_count(), 1);
}

#[tokio::test]
async fn malformed_json_keeps_the_status_but_not_the_syntax() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::CreateKeys, Fault::MalformedJson);
    let response = create(&api, &api.http).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(api.mock.key_count(), 1);
}

#[tokio::test]
async fn legacy_numbers_write_every_whole_number_as_a_float() {
    let api = Api::with(MockServer::builder().guardrails(2)).await;
    api.mock
        .faults()
        .once(OperationId::ListGuardrails, Fault::LegacyNumbers);
    let (status, faulted) = api.get("/guardrails").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(faulted["total_count"], json!(2.0));
    assert!(faulted["total_count"].is_f64(), "{faulted}");
    let (_, plain) = api.get("/guardrails").await;
    assert!(plain["total_count"].is_u64(), "{plain}");
    // The same answer otherwise, and the generated types read both alike.
    let faulted: types::ListGuardrailsResponse = decode(&faulted);
    let plain: types::ListGuardrailsResponse = decode(&plain);
    assert_eq!(faulted, plain);
}

#[tokio::test]
async fn schema_violation_is_json_that_the_generated_types_reject() {
    let api = Api::with(MockServer::builder().guardrails(2).keys(2)).await;
    let faults = api.mock.faults();
    faults
        .once(OperationId::CreateKeys, Fault::SchemaViolation)
        .once(OperationId::ListGuardrails, Fault::SchemaViolation)
        .once(OperationId::List, Fault::SchemaViolation)
        .once(OperationId::CreateGuardrail, Fault::SchemaViolation);
    let (status, body) = api.post("/keys", json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(serde_json::from_value::<types::CreateKeysResponse>(body).is_err());
    let (status, body) = api.get("/guardrails").await;
    assert_eq!(status, StatusCode::OK);
    assert!(serde_json::from_value::<types::ListGuardrailsResponse>(body).is_err());
    let (_, body) = api.get("/keys").await;
    assert!(serde_json::from_value::<types::ListResponse>(body).is_err());
    let (_, body) = api.post("/guardrails", json!({"name": "x"})).await;
    assert!(serde_json::from_value::<types::CreateGuardrailResponse>(body).is_err());
    // Without the fault the same calls decode.
    let (_, body) = api.get("/guardrails").await;
    let _: types::ListGuardrailsResponse = decode(&body);
    assert_eq!(api.mock.key_count(), 3);
}

#[tokio::test]
async fn a_short_delay_then_a_normal_answer() {
    let api = Api::start().await;
    api.mock
        .faults()
        .once(OperationId::List, Fault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    let (status, _) = api.get("/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn a_delay_longer_than_the_client_timeout_times_out_in_paused_time() {
    let api = Api::start().await;
    api.mock.faults().once(
        OperationId::CreateKeys,
        Fault::Delay(Duration::from_secs(600)),
    );
    let impatient = {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    };
    let started = Instant::now();
    let error = create(&api, &impatient).await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(api.mock.key_count(), 0, "not applied before the delay ends");
    for _ in 0..100 {
        if api.mock.key_count() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    assert_eq!(
        api.mock.key_count(),
        1,
        "applied after the delay although the client left"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "paused time skipped the waits"
    );
}

#[tokio::test]
async fn fail_rate_and_latency() {
    let api = Api::start().await;
    api.mock.faults().set_fail_rate(1.0, Fault::Status(503));
    for _ in 0..3 {
        let (status, body) = api.get("/keys").await;
        assert_error(status, &body, 503);
    }
    api.mock.faults().set_fail_rate(0.0, Fault::Status(503));
    api.mock
        .faults()
        .set_latency(Some(Duration::from_millis(150)));
    let started = Instant::now();
    assert_eq!(api.get("/keys").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));
    api.mock.faults().clear();
    let started = Instant::now();
    assert_eq!(api.get("/keys").await.0, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(150));
}
