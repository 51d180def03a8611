//! Shared helpers: a started mock plus a reqwest client, JSON send helpers, and decoding into generated types.

use std::time::Duration;

use openrouter_mgmt_gen::types;
use openrouter_mgmt_mock::{MockServer, MockServerBuilder};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A client for tests: 10 s timeout so a hung test fails instead of hanging.
pub(crate) fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// A running mock and a client holding its management key.
pub(crate) struct Api {
    pub(crate) mock: MockServer,
    pub(crate) http: reqwest::Client,
}

impl Api {
    pub(crate) async fn start() -> Self {
        Self::with(MockServer::builder()).await
    }

    pub(crate) async fn with(builder: MockServerBuilder) -> Self {
        Self {
            mock: builder.start().await.expect("mock starts"),
            http: client(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.mock.base_url())
    }

    /// Sends with an optional bearer key and JSON body; returns the response.
    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request sent")
    }

    /// Sends as the management key; returns status and JSON body.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let key = self.mock.management_key().to_owned();
        let response = self.raw(method, path, Some(&key), body).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (status, json)
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(&body)).await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(&body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a key named `name`; returns (hash, plaintext).
    pub(crate) async fn create_key(&self, name: &str) -> (String, String) {
        let (status, body) = self
            .post("/keys", serde_json::json!({ "name": name }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let created: types::CreateKeysResponse = decode(&body);
        (
            created.data.hash.to_string(),
            created.key.expose_secret().to_owned(),
        )
    }

    /// Creates a guardrail named `name`; returns its id.
    pub(crate) async fn create_guardrail(&self, name: &str) -> String {
        let (status, body) = self
            .post("/guardrails", serde_json::json!({ "name": name }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        decode::<types::CreateGuardrailResponse>(&body)
            .data
            .id
            .to_string()
    }
}

/// Decodes a body into a generated type, failing the test with the body if it does not fit.
pub(crate) fn decode<T: DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("does not decode: {e}\n{body:#}"))
}

/// Asserts an error answer: the status, and an envelope (decoding as `ErrorResponse`) whose code is the status.
pub(crate) fn assert_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    let envelope: types::ErrorResponse = decode(body);
    assert_eq!(envelope.error.code, i64::from(expected));
    assert!(!envelope.error.message.is_empty());
}
