//! Shared fixtures: a client wired to a loopback server, and JSON bodies of the API's shapes.

use std::time::Duration;

use openrouter_mgmt::{Client, ClientBuilder, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{MockServer, Request};

pub(crate) const KEY: &str = "sk-or-v1-test-management-key-0123456789";
pub(crate) const CREATED_PLAINTEXT: &str = "sk-or-v1-created-plaintext-9876543210";

/// A builder for tests under paused tokio time: no timers besides the retry waits (no per-attempt timeout,
/// no connect timeout, no pool idle timer), because paused time jumps to the next timer whenever the runtime
/// waits for socket IO, which would make such timers fire spuriously. Jitter is seeded.
pub(crate) fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .request_timeout(None)
        .connect_timeout(None)
        .pool_idle_timeout(None)
        .jitter_seed(42)
}

pub(crate) fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// A client for a port nothing listens on (bound, then released).
pub(crate) fn closed_port_client(policy: RetryPolicy) -> Client {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .request_timeout(None)
        .connect_timeout(None)
        .pool_idle_timeout(None)
        .jitter_seed(7)
        .retry_policy(policy)
        .build()
        .unwrap()
}

pub(crate) async fn count(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

pub(crate) fn guardrail_id(n: u128) -> String {
    uuid::Uuid::from_u128(n).to_string()
}

/// A loopback server of its own, not one from wiremock's pool, for walks with several requests in flight: a
/// request such a walk sent ahead and then abandoned may arrive after the test, and must not land in the next
/// test's pooled server (tests share a process under `cargo test`).
pub(crate) async fn own_server() -> MockServer {
    MockServer::builder().start().await
}

/// The value of the query parameter `name` of a recorded request, as a number.
pub(crate) fn query(r: &Request, name: &str) -> Option<u64> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
}

/// The `offset` of each recorded request, in the order they arrived.
pub(crate) fn offsets(requests: &[Request]) -> Vec<u64> {
    requests
        .iter()
        .map(|r| query(r, "offset").unwrap())
        .collect()
}

/// The numbers `n` of [`guardrail`]`(n)` items, in order.
pub(crate) fn guardrail_numbers(items: &[openrouter_mgmt::types::Guardrail]) -> Vec<u128> {
    items.iter().map(|g| g.id.as_uuid().as_u128()).collect()
}

pub(crate) fn guardrail(n: u128) -> Value {
    json!({
        "id": guardrail_id(n),
        "name": format!("guardrail {n}"),
        "created_at": "2025-08-24T10:30:00Z",
        "include_byok_in_budgets": false,
        "workspace_id": null,
        "limit_usd": 10.0,
        "reset_interval": "monthly"
    })
}

pub(crate) fn key_assignment(n: u128) -> Value {
    json!({
        "id": uuid::Uuid::from_u128(n).to_string(),
        "key_hash": format!("hash{n}"),
        "guardrail_id": guardrail_id(1),
        "key_name": "k",
        "key_label": "sk-or-v1-abc...",
        "assigned_by": null,
        "created_at": "2025-08-24T10:30:00Z"
    })
}

pub(crate) fn api_key(hash: &str) -> Value {
    json!({
        "hash": hash,
        "name": "key",
        "label": "sk-or-v1-abc...xyz",
        "disabled": false,
        "limit": 10.0,
        "limit_remaining": 5.0,
        "limit_reset": null,
        "include_byok_in_limit": false,
        "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
        "created_at": "2025-08-24T10:30:00Z",
        "updated_at": null,
        "creator_user_id": null,
        "workspace_id": "ws"
    })
}

pub(crate) fn current_key() -> Value {
    json!({"data": {
        "label": "sk-or-v1-abc...xyz",
        "limit": null, "limit_remaining": null, "limit_reset": null,
        "include_byok_in_limit": false,
        "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
        "is_free_tier": false, "is_management_key": true, "is_provisioning_key": true,
        "creator_user_id": null,
        "free_model_daily_requests": {"limit": 1000, "remaining": 1000, "used": 0},
        "rate_limit": {"interval": "10s", "requests": 100, "note": "n"}
    }})
}

pub(crate) fn created_key() -> Value {
    json!({"data": api_key("newhash"), "key": CREATED_PLAINTEXT})
}

pub(crate) fn envelope(status: u16, message: &str) -> Value {
    json!({"error": {"code": status, "message": message, "metadata": {"error_type": "x"}}, "user_id": "user_1"})
}

/// A policy whose waits are short, for the few tests that run in real time.
pub(crate) fn quick_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}
