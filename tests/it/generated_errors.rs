//! How the generated client reports non-success answers and bodies it cannot decode, pinned against the loopback
//! server so the facade's error mapping can rely on it.

use axum::http::Method;
use openrouter_mgmt_gen::open_enums::GuardrailInterval;
use openrouter_mgmt_gen::{Error, types};
use serde_json::json;

use crate::fixtures::{GUARDRAIL_ID, KEY_HASH, created_key_response, error_envelope, guardrail};
use crate::loopback::{LoopbackServer, Route, client_for};

#[tokio::test]
async fn unauthorized_surfaces_as_error_response_with_decoded_envelope() {
    let envelope = json!({
        "error": {"code": 401, "message": "No auth credentials found", "metadata": null},
        "user_id": null
    });
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        format!("/keys/{KEY_HASH}"),
        401,
        &envelope,
    )])
    .await;
    match client_for(&server).get_key(KEY_HASH).await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 401);
            let body: types::ErrorResponse = response.into_inner();
            assert_eq!(body.error.code, 401);
            assert_eq!(body.error.message, "No auth credentials found");
            assert_eq!(
                (body.error.metadata, body.user_id, body.openrouter_metadata),
                (None, None, None)
            );
        }
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn declared_rate_limit_keeps_metadata_and_retry_after() {
    let envelope = json!({
        "error": {"code": 429, "message": "Rate limit exceeded", "metadata": {"error_type": "rate_limit_exceeded"}},
        "user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "openrouter_metadata": {"region": "iad"}
    });
    let server = LoopbackServer::start(vec![
        Route::json(Method::GET, "/keys", 429, &envelope).with_header("retry-after", "7"),
    ])
    .await;
    match client_for(&server).list(None, None, None).await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(
                response.headers().get("retry-after").map(|v| v.as_bytes()),
                Some(&b"7"[..])
            );
            let body = response.into_inner();
            assert_eq!(
                body.error.metadata.expect("metadata")["error_type"],
                "rate_limit_exceeded"
            );
            assert_eq!(
                body.user_id.as_deref(),
                Some("user_2dHFtVWx2n56w6HkM0000000000")
            );
            assert_eq!(
                body.openrouter_metadata.expect("openrouter_metadata")["region"],
                "iad"
            );
        }
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

/// `GET /guardrails` declares 400/401/500 only, yet every endpoint can answer 429: the generated client then
/// returns `UnexpectedResponse` with the body unread, so the facade must decode the envelope itself.
#[tokio::test]
async fn undeclared_error_status_is_unexpected_response_with_body_intact() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/guardrails",
        429,
        &error_envelope(429, "Rate limit exceeded"),
    )])
    .await;
    match client_for(&server).list_guardrails(None, None, None).await {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            let body: types::ErrorResponse = response.json().await.expect("envelope");
            assert_eq!(body.error.code, 429);
        }
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

/// The API says to treat any 2xx as success, but the generated client accepts only the declared one: a 200 from
/// `POST /keys` (declared 201) is an `UnexpectedResponse`, although the key was created.
#[tokio::test]
async fn undeclared_success_status_is_unexpected_response() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        "/keys",
        200,
        &created_key_response(),
    )])
    .await;
    let body = types::CreateKeysBody {
        creator_user_id: None,
        expires_at: None,
        include_byok_in_limit: None,
        limit: None,
        limit_reset: None,
        name: "k".try_into().expect("name"),
        workspace_id: None,
    };
    match client_for(&server).create_keys(&body).await {
        Err(Error::UnexpectedResponse(response)) => {
            assert!(response.status().is_success());
            let created: types::CreateKeysResponse = response.json().await.expect("body");
            assert!(created.key.starts_with("sk-or-v1-"));
        }
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

/// A declared error status whose body is not the JSON envelope (say an HTML page from a proxy) becomes
/// `InvalidResponsePayload`, which carries the body but not the status.
#[tokio::test]
async fn error_status_with_non_json_body_is_invalid_payload_without_status() {
    let server = LoopbackServer::start(vec![Route::raw(
        Method::GET,
        "/key",
        500,
        "text/html",
        "<html>Bad gateway</html>",
    )])
    .await;
    match client_for(&server).get_current_key().await {
        Err(error @ Error::InvalidResponsePayload(..)) => {
            assert_eq!(error.status(), None);
            let Error::InvalidResponsePayload(body, _) = error else {
                unreachable!()
            };
            assert_eq!(&body[..], b"<html>Bad gateway</html>");
        }
        other => panic!("expected Error::InvalidResponsePayload, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_invalid_payload() {
    let mut bad = guardrail();
    bad["reset_interval"] = json!(3);
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        format!("/guardrails/{GUARDRAIL_ID}"),
        200,
        &json!({ "data": bad }),
    )])
    .await;
    match client_for(&server).get_guardrail(&GUARDRAIL_ID).await {
        Err(Error::InvalidResponsePayload(_, e)) => {
            assert!(e.to_string().contains("GuardrailInterval"), "{e}");
        }
        other => panic!("expected Error::InvalidResponsePayload, got {other:?}"),
    }
}

#[tokio::test]
async fn newer_server_response_decodes_through_the_client() {
    let mut newer = guardrail();
    newer["reset_interval"] = json!("hourly");
    newer["content_filter_builtins"] =
        json!([{"action": "quarantine", "slug": "toxicity", "severity": "high"}]);
    newer["added_in_2027"] = json!({"anything": [1, 2, 3]});
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        format!("/guardrails/{GUARDRAIL_ID}"),
        200,
        &json!({ "data": newer, "meta": {"request_id": "req_1"} }),
    )])
    .await;
    let got = client_for(&server)
        .get_guardrail(&GUARDRAIL_ID)
        .await
        .expect("get_guardrail")
        .into_inner();
    assert_eq!(
        got.data.reset_interval,
        Some(GuardrailInterval::Unknown("hourly".to_owned()))
    );
    let builtin = &got.data.content_filter_builtins.expect("builtins")[0];
    assert_eq!(
        (builtin.slug.as_str(), builtin.action.as_str()),
        ("toxicity", "quarantine")
    );
}
