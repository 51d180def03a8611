//! The request log (everything recorded, the key redacted), determinism for a seed, the seeded data's shape,
//! and that dropping the handle stops the server.

use std::time::Duration;

use openrouter_mgmt_gen::ids::UserId;
use openrouter_mgmt_mock::{MockServer, OperationId};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Api, client};

#[tokio::test]
async fn every_request_is_recorded_without_the_key() {
    let api = Api::start().await;
    api.post("/keys", json!({"name": "logged"})).await;
    let response = api
        .http
        .get(api.url("/guardrails?offset=0&limit=5"))
        .bearer_auth(api.mock.management_key())
        .header("X-OpenRouter-Title", "tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let log = api.mock.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("POST", "/api/v1/keys")
    );
    assert_eq!(log[0].operation, Some(OperationId::CreateKeys));
    assert_eq!(log[0].body_json(), Some(json!({"name": "logged"})));
    assert_eq!(log[0].header("authorization"), Some("[redacted]"));
    assert_eq!(log[1].query.as_deref(), Some("offset=0&limit=5"));
    assert_eq!(log[1].header("x-openrouter-title"), Some("tests"));
    assert_eq!(log[1].operation, Some(OperationId::ListGuardrails));
    assert!(log.iter().all(|r| r.fault.is_none()));
    let everything = format!("{log:?}");
    assert!(!everything.contains(api.mock.management_key()));
    assert_eq!(api.mock.requests_to(OperationId::CreateKeys).len(), 1);
    assert_eq!(
        api.mock
            .requests_to(
                "GET /guardrails"
                    .parse::<openrouter_mgmt_mock::Route>()
                    .unwrap()
            )
            .len(),
        1
    );
    api.mock.clear_requests();
    assert!(api.mock.requests().is_empty());
}

/// Everything a client can observe of a fresh seeded mock, after the same few writes.
async fn observe(seed: u64) -> Vec<String> {
    let api = Api::with(
        MockServer::builder()
            .seed(seed)
            .keys(120)
            .guardrails(7)
            .members(5)
            .assigned_keys(20)
            .assigned_members(3),
    )
    .await;
    let mut seen = vec![
        api.mock.management_key().to_owned(),
        api.mock.non_management_key().to_owned(),
    ];
    seen.push(
        api.post("/keys", json!({"name": "new"}))
            .await
            .1
            .to_string(),
    );
    seen.push(
        api.post("/guardrails", json!({"name": "new"}))
            .await
            .1
            .to_string(),
    );
    for path in [
        "/keys?include_disabled=true",
        "/keys?offset=100&include_disabled=true",
        "/guardrails",
        "/guardrails/assignments/keys",
        "/guardrails/assignments/members",
        "/key",
    ] {
        seen.push(api.get(path).await.1.to_string());
    }
    seen
}

#[tokio::test]
async fn the_same_seed_gives_identical_answers() {
    let (a, b, c) = (observe(7).await, observe(7).await, observe(8).await);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn seeded_data_has_the_real_shapes() {
    let api = Api::with(
        MockServer::builder()
            .seed(1)
            .keys(40)
            .guardrails(4)
            .members(6)
            .assigned_keys(10)
            .assigned_members(6),
    )
    .await;
    assert_eq!(api.mock.key_count(), 40);
    assert_eq!(api.mock.guardrail_count(), 4);
    assert_eq!(
        api.mock.members(),
        (1..=6)
            .map(|n| UserId::new(format!("user_{n}")).unwrap())
            .collect::<Vec<_>>()
    );
    let key = api.mock.management_key();
    assert!(key.starts_with("sk-or-v1-") && key.len() == "sk-or-v1-".len() + 64);
    let (_, body) = api.get("/keys?include_disabled=true").await;
    for k in body["data"].as_array().unwrap() {
        let hash = k["hash"].as_str().unwrap();
        assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    let (_, body) = api.get("/guardrails/assignments/keys").await;
    assert_eq!(body["total_count"], json!(10));
    let (_, body) = api.get("/guardrails/assignments/members").await;
    assert_eq!(body["total_count"], json!(6));
    for g in api.get("/guardrails").await.1["data"].as_array().unwrap() {
        uuid::Uuid::parse_str(g["id"].as_str().unwrap()).unwrap();
    }
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let mock = MockServer::start().await.unwrap();
    let address = mock.address();
    let url = format!("{}/key", mock.base_url());
    let http = client();
    assert_eq!(
        http.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    drop(mock);
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting connections after drop");
}

#[tokio::test]
async fn shutdown_waits_for_the_server_to_stop() {
    let mock = MockServer::start().await.unwrap();
    let address = mock.address();
    tokio::time::timeout(Duration::from_secs(5), mock.shutdown())
        .await
        .expect("stops promptly");
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}
