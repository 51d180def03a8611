//! Deletes whose answer was lost: a retry that answers 404 after an attempt that may have been applied means the
//! delete is done (`Ok(true)`); a 404 on the first attempt, or after attempts that never reached the server, is
//! still an error.

use std::time::Duration;

use openrouter_mgmt::{Error, KeyHash};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

/// `first` for the first request to `p`, then 404 for every later one.
async fn first_then_404(server: &MockServer, p: &str, first: ResponseTemplate) {
    Mock::given(method("DELETE"))
        .and(path(p))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(404).set_body_json(envelope(404, "not found")))
        .with_priority(2)
        .mount(server)
        .await;
}

fn hash() -> KeyHash {
    "abc".parse().unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_retried_delete_that_finds_the_object_gone_after_a_5xx_succeeded() {
    for status in [500u16, 502, 503, 504, 408] {
        let server = MockServer::start().await;
        first_then_404(
            &server,
            "/keys/abc",
            ResponseTemplate::new(status).set_body_json(envelope(status, "applied, then failed")),
        )
        .await;
        let c = client(&server);
        assert!(c.keys().delete(&hash()).await.unwrap(), "status {status}");
        assert_eq!(count(&server).await, 2);

        let server = MockServer::start().await;
        let id = guardrail_id(9);
        first_then_404(
            &server,
            &format!("/guardrails/{id}"),
            ResponseTemplate::new(status).set_body_json(envelope(status, "applied, then failed")),
        )
        .await;
        let c = client(&server);
        assert!(
            c.guardrails().delete(id.parse().unwrap()).await.unwrap(),
            "status {status}"
        );
        assert_eq!(count(&server).await, 2);
    }
}

/// Real time: the first attempt times out after 300 ms (the server answers after 5 s), the retry gets 404.
#[tokio::test]
async fn a_retried_delete_that_finds_the_object_gone_after_a_timeout_succeeded() {
    let server = MockServer::start().await;
    let id = guardrail_id(9);
    first_then_404(
        &server,
        &format!("/guardrails/{id}"),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"deleted": true}))
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let c = builder(&server)
        .request_timeout(Some(Duration::from_millis(300)))
        .retry_policy(quick_policy())
        .build()
        .unwrap();
    assert!(c.guardrails().delete(id.parse().unwrap()).await.unwrap());
    assert_eq!(count(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_404_on_the_first_attempt_is_an_error() {
    let server = MockServer::start().await;
    first_then_404(
        &server,
        "/keys/abc",
        ResponseTemplate::new(404).set_body_json(envelope(404, "not found")),
    )
    .await;
    let err = client(&server).keys().delete(&hash()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 404,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_404_after_an_attempt_refused_with_429_is_an_error() {
    // A 429 says the server did nothing: the 404 that follows is about an object that was not there.
    let server = MockServer::start().await;
    let id = guardrail_id(9);
    first_then_404(
        &server,
        &format!("/guardrails/{id}"),
        ResponseTemplate::new(429).set_body_json(envelope(429, "slow down")),
    )
    .await;
    let err = client(&server)
        .guardrails()
        .delete(id.parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                status: 404,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
}
