//! Secrets that a server puts in an error answer never reach a rendering of the error or a log line: a management
//! key quoted in `metadata`, a created key in a 500 after a create, a key JSON-escaped in a body without the
//! error envelope, the client's own key whatever its shape, and a key passed where its hash belongs. Checked in
//! `{}`, `{:?}`, `{:#?}` and tracing at TRACE. A binary of its own because it installs the process-wide subscriber.

mod capture;

use capture::Capture;
use openrouter_mgmt::{Client, Error, KeyHash, NewKey, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-renderings-management-MGMTSECRET";
const CREATED: &str = "sk-or-v1-renderings-created-CREATEDSECRET";
const CUSTOM_KEY: &str = "mgmt-custom-CUSTOMSECRET-0042";
const MARKERS: [&str; 4] = [
    "MGMTSECRET",
    "CREATEDSECRET",
    "ESCAPEDSECRET",
    "CUSTOMSECRET",
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

    let c = client(&server, KEY);
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
    for (i, error) in errors.iter().enumerate() {
        let text = renderings(error);
        for marker in MARKERS {
            assert!(!text.contains(marker), "error {i} shows {marker}:\n{text}");
        }
    }
    for marker in MARKERS {
        assert!(!logs.contains(marker), "the logs show {marker}:\n{logs}");
    }
}
