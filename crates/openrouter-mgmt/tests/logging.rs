//! Tracing output of a retried create: one event per attempt with operation, attempt, status and delay, one at the
//! end of the call with its attempts, and no secret anywhere. A binary of its own because it installs the
//! process-wide subscriber (a thread-local one is unreliable while other tests run in parallel: tracing caches
//! callsite interest globally).

mod capture;

use capture::Capture;
use openrouter_mgmt::{Client, NewKey};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-logging-test-management-key";
const CREATED_PLAINTEXT: &str = "sk-or-v1-logging-test-created-plaintext";

fn api_key_json() -> serde_json::Value {
    json!({
        "hash": "newhash", "name": "k", "label": "sk-or-v1-abc...xyz", "disabled": false,
        "limit": null, "limit_remaining": null, "limit_reset": null, "include_byok_in_limit": false,
        "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0, "usage_monthly": 0.0,
        "byok_usage": 0.0, "byok_usage_daily": 0.0, "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0,
        "created_at": "2025-08-24T10:30:00Z", "updated_at": null, "creator_user_id": null, "workspace_id": "ws"
    })
}

#[tokio::test(start_paused = true)]
async fn logs_show_each_attempt_without_secrets() {
    let capture = Capture::install();

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"data": api_key_json(), "key": CREATED_PLAINTEXT})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .request_timeout(None)
        .connect_timeout(None)
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let created = c.keys().create(NewKey::new("k")).await.unwrap();
    let debug = format!("{created:?} {c:?}");
    let logs = capture.text();
    let ours: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("openrouter_mgmt::call:"))
        .collect();
    assert_eq!(
        ours.len(),
        3,
        "two attempts and the end of the call: {logs}"
    );
    for (line, attempt) in ours.iter().zip(["attempt=1", "attempt=2", "attempts=2"]) {
        assert!(
            line.contains("operation=\"create_keys\"") || line.contains("operation=create_keys"),
            "{line}"
        );
        assert!(line.contains(attempt), "{line}");
    }
    assert!(
        ours[0].contains("status=429") && ours[0].contains("delay_ms=1000"),
        "{}",
        ours[0]
    );
    assert!(ours[1].contains("status=201"), "{}", ours[1]);
    assert!(
        ours[2].contains("call finished")
            && ours[2].contains("status=201")
            && ours[2].contains("elapsed_ms=")
            && ours[2].contains("outcome=\"ok\""),
        "the call's end says how many attempts a success took: {}",
        ours[2]
    );
    for text in [&logs, &debug] {
        assert!(!text.contains(KEY), "management key leaked: {text}");
        assert!(
            !text.contains(CREATED_PLAINTEXT),
            "created key leaked: {text}"
        );
    }
    assert_eq!(created.key.expose_secret(), CREATED_PLAINTEXT);
}
