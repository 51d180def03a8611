//! Bulk assign/unassign: deduplication, chunking, summed counts, and partial-failure reporting.

use openrouter_mgmt::{CallOptions, Error, KeyHash, RetryPolicy, UserId};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::*;

fn hashes(range: std::ops::Range<usize>) -> Vec<KeyHash> {
    range
        .map(|i| KeyHash::new(format!("h{i}")).unwrap())
        .collect()
}

fn sent(r: &Request, field: &str) -> Vec<String> {
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    body[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn ids_are_deduplicated_chunked_and_counts_summed() {
    let server = MockServer::start().await;
    let id = guardrail_id(1);
    Mock::given(method("POST"))
        .and(path(format!("/guardrails/{id}/assignments/keys")))
        .respond_with(|r: &Request| {
            let n = sent(r, "key_hashes").len();
            ResponseTemplate::new(200).set_body_json(json!({ "assigned_count": n }))
        })
        .mount(&server)
        .await;
    let mut input = hashes(0..250);
    input.extend(hashes(0..50)); // duplicates
    let out = client(&server)
        .with_options(CallOptions::new().bulk_chunk_size(100))
        .guardrails()
        .assign_keys(id.parse().unwrap(), input)
        .await
        .unwrap();
    assert_eq!((out.count, out.ids, out.chunks), (250, 250, 3));
    let requests = server.received_requests().await.unwrap();
    let chunks: Vec<Vec<String>> = requests.iter().map(|r| sent(r, "key_hashes")).collect();
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        [100, 100, 50]
    );
    assert_eq!(
        chunks.concat(),
        (0..250).map(|i| format!("h{i}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_failing_chunk_reports_applied_and_not_applied_ids() {
    let server = MockServer::start().await;
    let id = guardrail_id(2);
    Mock::given(method("POST"))
        .and(path(format!("/guardrails/{id}/assignments/members/remove")))
        .respond_with(|r: &Request| {
            let ids = sent(r, "member_user_ids");
            if ids.contains(&"u3".to_owned()) {
                ResponseTemplate::new(400).set_body_json(envelope(400, "unknown member u3"))
            } else {
                ResponseTemplate::new(200).set_body_json(json!({ "unassigned_count": ids.len() }))
            }
        })
        .mount(&server)
        .await;
    let users: Vec<UserId> = (0..5)
        .map(|i| UserId::new(format!("u{i}")).unwrap())
        .collect();
    let err = client(&server)
        .with_options(
            CallOptions::new()
                .bulk_chunk_size(2)
                .retry_policy(RetryPolicy::no_retries()),
        )
        .guardrails()
        .unassign_members(id.parse().unwrap(), users)
        .await
        .unwrap_err();
    match &err {
        Error::Bulk {
            applied,
            not_applied,
            source,
            ..
        } => {
            assert_eq!(applied, &["u0", "u1"]);
            assert_eq!(not_applied, &["u2", "u3", "u4"]);
            assert_eq!(source.status(), Some(400));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("2 id(s) were applied and 3 were not"),
        "{err}"
    );
    assert_eq!(count(&server).await, 2, "no chunk after the failing one");
}

#[tokio::test]
async fn unassign_keys_and_assign_members_use_their_paths_and_fields() {
    let server = MockServer::start().await;
    let id = guardrail_id(3);
    Mock::given(method("POST"))
        .and(path(format!("/guardrails/{id}/assignments/keys/remove")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"unassigned_count": 2})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/guardrails/{id}/assignments/members")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"assigned_count": 1})))
        .mount(&server)
        .await;
    let c = client(&server);
    let gid = id.parse().unwrap();
    assert_eq!(
        c.guardrails()
            .unassign_keys(gid, hashes(0..2))
            .await
            .unwrap()
            .count,
        2
    );
    assert_eq!(
        c.guardrails()
            .assign_members(gid, [UserId::new("u").unwrap()])
            .await
            .unwrap()
            .count,
        1
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(sent(&requests[0], "key_hashes"), ["h0", "h1"]);
    assert_eq!(sent(&requests[1], "member_user_ids"), ["u"]);
    let e = c
        .with_options(CallOptions::new().bulk_chunk_size(0))
        .guardrails()
        .assign_members(gid, [UserId::new("u").unwrap()])
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidInput {
            argument: "bulk_chunk_size",
            ..
        }
    ));
}
