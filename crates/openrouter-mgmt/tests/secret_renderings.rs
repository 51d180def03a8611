//! Secrets that a server puts in an error answer never reach a rendering of the error or a log line: a management
//! key quoted in `metadata`, a created key in a 500 after a create, a key JSON-escaped in a body without the
//! error envelope, the client's own key whatever its shape, a key passed where its hash belongs, and a BYOK provider
//! key (which has no recognizable shape) echoed back after a create or a rotation. Checked in
//! `{}`, `{:?}`, `{:#?}` and tracing at TRACE. A binary of its own because it installs the process-wide subscriber.

mod capture;

use capture::Capture;
use openrouter_mgmt::open_enums::ByokProviderSlug;
use openrouter_mgmt::{ByokKeyUpdate, Client, Error, KeyHash, NewByokKey, NewKey, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-renderings-management-MGMTSECRET";
const CREATED: &str = "sk-or-v1-renderings-created-CREATEDSECRET";
const CUSTOM_KEY: &str = "mgmt-custom-CUSTOMSECRET-0042";
/// A BYOK provider key: not OpenRouter-shaped, so only knowing it was in the request keeps it out.
const PROVIDER_KEY: &str = "anthropic-api03-PROVIDERSECRET-9f8e7d";
const ROTATED_KEY: &str = "anthropic-api03-ROTATEDSECRET-1a2b3c";
const MARKERS: [&str; 6] = [
    "MGMTSECRET",
    "CREATEDSECRET",
    "ESCAPEDSECRET",
    "CUSTOMSECRET",
    "PROVIDERSECRET",
    "ROTATEDSECRET",
];

fn client(server: &MockServer, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .unwrap()
}

fn renderings(error: &Error) -> String {
    format!("{error}\n{error:?}\n{error:#?}")
}

#[tokio::test]
async fn no_rendering_and_no_log_line_carries_a_secret() {
    let capture = Capture::install();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "code": 401, "message": "Invalid credentials", "metadata": {"provided_key": KEY}
        }, "user_id": KEY})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {
            "code": 500, "message": format!("failed after creating {CREATED}"),
            "metadata": {"created": {"key": CREATED}}
        }})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"oops": "sk\u002dor\u002dv1\u002drenderings-ESCAPEDSECRET"}"#.as_bytes(),
            "text/plain",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": 403, "message": format!("{CUSTOM_KEY} is not a management key")
        }})))
        .mount(&server)
        .await;

    // A provider key echoed back, plainly and JSON-escaped, in the message, the metadata and a raw body.
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": 400, "message": format!("the provider rejected {PROVIDER_KEY}"),
            "metadata": {"key": PROVIDER_KEY, "escaped": PROVIDER_KEY.replace('-', "\\u002d")}
        }})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/byok/00000000-0000-4000-8000-000000000001"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            format!("upstream said: bad key {ROTATED_KEY}").into_bytes(),
            "text/plain",
        ))
        .mount(&server)
        .await;

    let c = client(&server, KEY);
    let new_byok = NewByokKey::new(PROVIDER_KEY, ByokProviderSlug::Anthropic);
    let rotate = ByokKeyUpdate::new().key(ROTATED_KEY);
    let bodies = format!("{new_byok:?}{new_byok:#?}{rotate:?}");
    assert!(!bodies.contains("SECRET"), "{bodies}");
    let byok_errors = [
        c.byok().create(new_byok).await.unwrap_err(),
        c.byok()
            .update(
                uuid::Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0001),
                rotate,
            )
            .await
            .unwrap_err(),
    ];
    assert!(matches!(byok_errors[0], Error::Api { status: 400, .. }));
    assert!(matches!(byok_errors[1], Error::Api { status: 502, .. }));
    let mut errors = vec![
        c.keys().current().await.unwrap_err(),
        c.keys().create(NewKey::new("k")).await.unwrap_err(),
        c.guardrails().list().collect_all().await.unwrap_err(),
        client(&server, CUSTOM_KEY)
            .keys()
            .list()
            .collect_all()
            .await
            .unwrap_err(),
    ];
    errors.push(KeyHash::new(KEY).unwrap_err().into());
    assert!(
        matches!(&errors[4], Error::InvalidInput { argument: "key_hash", reason } if reason.contains("not a key's hash"))
    );
    // The errors still say what happened.
    assert!(matches!(errors[0], Error::Api { status: 401, .. }));
    assert!(matches!(errors[1], Error::Api { status: 500, .. }));
    assert!(renderings(&errors[2]).contains("<redacted>"));

    let logs = capture.text();
    assert!(
        logs.contains("attempt failed"),
        "the attempts were logged: {logs}"
    );
    for (i, error) in errors.iter().chain(&byok_errors).enumerate() {
        let text = renderings(error);
        for marker in MARKERS {
            assert!(!text.contains(marker), "error {i} shows {marker}:\n{text}");
        }
    }
    for marker in MARKERS {
        assert!(!logs.contains(marker), "the logs show {marker}:\n{logs}");
    }
}
