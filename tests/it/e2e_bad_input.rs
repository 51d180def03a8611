//! Bad inputs are rejected by the facade with a typed `Error::InvalidInput` naming the argument, and nothing is
//! sent: the mock's request log stays empty.

use openrouter_mgmt::{
    CallOptions, Client, GuardrailId, GuardrailUpdate, KeyHash, KeyUpdate, NewGuardrail, NewKey,
    UserId,
};
use openrouter_mgmt_mock::MockServer;

use crate::e2e_support::{client, invalid_argument, mock};

async fn assert_nothing_sent(mock: &MockServer) {
    // Give a stray request (there should be none) time to arrive before looking.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(
        mock.requests().is_empty(),
        "requests were sent: {:?}",
        mock.requests()
    );
}

#[tokio::test]
async fn bad_key_bodies_are_rejected_before_sending() {
    let mock = mock().await;
    let client = client(&mock);
    let keys = client.keys();
    assert_eq!(invalid_argument(keys.create(NewKey::new("")).await), "name");
    assert_eq!(
        invalid_argument(keys.create(NewKey::new("k").limit(-1.0)).await),
        "limit"
    );
    assert_eq!(
        invalid_argument(keys.create(NewKey::new("k").limit(f64::NAN)).await),
        "limit"
    );
    assert_eq!(
        invalid_argument(keys.create(NewKey::new("k").limit(f64::INFINITY)).await),
        "limit"
    );
    let hash = KeyHash::new("abc").unwrap();
    assert_eq!(
        invalid_argument(keys.update(&hash, KeyUpdate::new().limit(-0.5)).await),
        "limit"
    );
    assert_nothing_sent(&mock).await;
}

/// The spec sets no maximum for key names (and no minimum when renaming), so the facade sends them: only the
/// server can say no. (The guardrail name's 1..=200 characters are in the spec and checked before sending.)
#[tokio::test]
async fn key_names_the_spec_does_not_limit_are_sent() {
    let mock = mock().await;
    let client = client(&mock);
    let long = "x".repeat(201);
    client
        .keys()
        .create(NewKey::new(long.as_str()))
        .await
        .expect("a 201-character key name is sent and accepted");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn bad_guardrail_bodies_are_rejected_before_sending() {
    let mock = mock().await;
    let client = client(&mock);
    let g = client.guardrails();
    assert_eq!(
        invalid_argument(g.create(NewGuardrail::new("")).await),
        "name"
    );
    assert_eq!(
        invalid_argument(g.create(NewGuardrail::new("é".repeat(201))).await),
        "name"
    );
    assert_eq!(
        invalid_argument(g.create(NewGuardrail::new("g").limit_usd(-5.0)).await),
        "limit_usd"
    );
    assert_eq!(
        invalid_argument(
            g.create(NewGuardrail::new("g").description("d".repeat(1001)))
                .await
        ),
        "description"
    );
    let id = GuardrailId::new(uuid::Uuid::from_u128(1));
    assert_eq!(
        invalid_argument(g.update(id, GuardrailUpdate::new().name("")).await),
        "name"
    );
    assert_eq!(
        invalid_argument(
            g.update(id, GuardrailUpdate::new().limit_usd(f64::NAN))
                .await
        ),
        "limit_usd"
    );
    assert_nothing_sent(&mock).await;
}

#[tokio::test]
async fn bad_ids_cannot_be_made() {
    let mock = mock().await;
    for bad in ["", ".", "..", "a\nb", "tab\there"] {
        assert_eq!(invalid_argument(KeyHash::new(bad)), "key_hash", "{bad:?}");
        assert_eq!(invalid_argument(UserId::new(bad)), "user_id", "{bad:?}");
    }
    for bad in [
        "",
        "../keys",
        "not-a-uuid",
        "550e8400-e29b-41d4-a716-44665544000",
    ] {
        assert_eq!(
            invalid_argument(bad.parse::<GuardrailId>()),
            "guardrail_id",
            "{bad:?}"
        );
    }
    assert_nothing_sent(&mock).await;
}

#[tokio::test]
async fn empty_bulk_lists_and_zero_chunks_are_rejected_before_sending() {
    let mock = mock().await;
    let client = client(&mock);
    let g = client.guardrails();
    let id = GuardrailId::new(uuid::Uuid::from_u128(1));
    assert_eq!(
        invalid_argument(g.assign_keys(id, Vec::<KeyHash>::new()).await),
        "key_hashes"
    );
    assert_eq!(
        invalid_argument(g.unassign_keys(id, Vec::<KeyHash>::new()).await),
        "key_hashes"
    );
    assert_eq!(
        invalid_argument(g.assign_members(id, Vec::<UserId>::new()).await),
        "member_user_ids"
    );
    assert_eq!(
        invalid_argument(g.unassign_members(id, Vec::<UserId>::new()).await),
        "member_user_ids"
    );
    let zero = client
        .with_options(CallOptions::new().bulk_chunk_size(0))
        .guardrails();
    assert_eq!(
        invalid_argument(zero.assign_keys(id, [KeyHash::new("k").unwrap()]).await),
        "bulk_chunk_size"
    );
    assert_nothing_sent(&mock).await;
}

#[tokio::test]
async fn bad_paginator_settings_are_rejected_by_the_setter_before_any_stream_exists() {
    let mock = mock().await;
    let client = client(&mock);
    for size in [0, 101, 1000] {
        assert_eq!(
            invalid_argument(client.guardrails().list().page_size(size)),
            "page_size"
        );
        assert_eq!(
            invalid_argument(client.guardrails().key_assignments().page_size(size)),
            "page_size"
        );
    }
    // `GET /keys` has no `limit`: anything but its fixed 100 is refused rather than silently ignored.
    assert_eq!(
        invalid_argument(client.keys().list().page_size(50)),
        "page_size"
    );
    assert!(client.keys().list().page_size(100).is_ok());
    for requests in [0, 17] {
        assert_eq!(
            invalid_argument(client.guardrails().list().concurrency(requests)),
            "concurrency"
        );
    }
    assert_eq!(
        invalid_argument(client.guardrails().list().max_pages(0)),
        "max_pages"
    );
    let message = client
        .guardrails()
        .list()
        .page_size(0)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("0 is not in 1..=100") && message.contains("list_guardrails"),
        "{message}"
    );
    assert_nothing_sent(&mock).await;
}

#[tokio::test]
async fn bad_client_settings_are_rejected_at_build() {
    let mock = mock().await;
    let base = mock.base_url();
    let build = |b: openrouter_mgmt::ClientBuilder| b.build().map(|_| ());
    assert_eq!(
        invalid_argument(build(Client::builder().base_url(base.as_str()))),
        "api_key"
    );
    assert_eq!(
        invalid_argument(build(
            Client::builder()
                .api_key("sk-or\nv1")
                .base_url(base.as_str())
        )),
        "api_key"
    );
    assert_eq!(
        invalid_argument(build(
            Client::builder()
                .api_key("k")
                .base_url("http://example.com/api/v1")
        )),
        "base_url"
    );
    assert_eq!(
        invalid_argument(build(
            Client::builder()
                .api_key("k")
                .base_url(format!("{base}?x=1"))
        )),
        "base_url"
    );
    assert_eq!(
        invalid_argument(build(
            Client::builder()
                .api_key("k")
                .base_url(base.as_str())
                .app_title("a\r\nb")
        )),
        "app_title"
    );
    assert_eq!(
        invalid_argument(build(
            Client::builder()
                .api_key("k")
                .base_url(base.as_str())
                .request_timeout(Some(std::time::Duration::ZERO))
        )),
        "request_timeout"
    );
    assert_nothing_sent(&mock).await;
}
