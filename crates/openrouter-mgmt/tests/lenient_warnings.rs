//! The warnings lenient decoding logs: an unusable `total_count` once per page, naming the operation, and a bulk
//! chunk applied with an unreadable count; neither quotes a key. A binary of its own because it installs the
//! process-wide subscriber (see `logging.rs`).

mod capture;

use capture::Capture;
use openrouter_mgmt::{CallOptions, Client, KeyHash};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-or-v1-lenient-warnings-test-management-key";
const GUARDRAIL: &str = "00000000-0000-0000-0000-000000000001";

fn guardrail(n: u64) -> serde_json::Value {
    json!({
        "id": format!("00000000-0000-0000-0000-{n:012}"),
        "name": format!("guardrail {n}"),
        "created_at": "2025-08-24T10:30:00Z",
        "include_byok_in_budgets": false,
        "workspace_id": null,
        "limit_usd": 10.0,
        "reset_interval": "monthly"
    })
}

#[tokio::test]
async fn an_unusable_total_count_and_an_unreadable_bulk_count_are_warned_about() {
    let capture = Capture::install();
    let server = MockServer::start().await;
    // Four guardrails in pages of two, each page with a `total_count` that cannot be used.
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(|r: &Request| {
            let offset: u64 = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "offset")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let items: Vec<_> = (offset..4.min(offset + 2))
                .map(|i| guardrail(i + 1))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"data": items, "total_count": KEY}))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/guardrails/{GUARDRAIL}/assignments/keys")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assigned_count": "many"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();

    let items = client
        .guardrails()
        .list()
        .page_size(2)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    let text = capture.text();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("total count is not a usable integer"))
        .collect();
    assert_eq!(
        warnings.len(),
        4,
        "one per page (offsets 0, 1, 2, 3: pages of two re-read one item): {text}"
    );
    assert!(
        warnings
            .iter()
            .all(|l| l.contains("operation=\"list_guardrails\"")
                || l.contains("operation=list_guardrails")),
        "{text}"
    );

    let outcome = client
        .with_options(CallOptions::new().bulk_chunk_size(1))
        .guardrails()
        .assign_keys(
            GUARDRAIL.parse().unwrap(),
            [KeyHash::new("h1").unwrap(), KeyHash::new("h2").unwrap()],
        )
        .await
        .unwrap();
    assert_eq!((outcome.chunks, outcome.unconfirmed_chunks), (2, 2));
    let text = capture.text();
    let bulk: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("count could not be read"))
        .collect();
    assert_eq!(bulk.len(), 2, "{text}");
    assert!(
        bulk.iter()
            .all(|l| l.contains("bulk_assign_keys_to_guardrail")),
        "{text}"
    );
    assert!(!text.contains(KEY), "the key leaked into the log: {text}");
}
