//! What reaches the server when a key hash (a free-form string path parameter) contains URL syntax: the generated
//! operation layer percent-encodes every path segment (all but RFC 3986 unreserved characters), and refuses what URL
//! parsing would resolve away.

use axum::http::Method;
use serde_json::json;

use openrouter_mgmt::KeyHash;

use crate::fixtures::api_key;
use crate::loopback::{LoopbackServer, Route, client_for};

/// Starts a server that answers `GET`/`DELETE /keys/<encoded>` and asserts the client sent exactly that path.
async fn assert_hash_is_one_segment(hash: &str, encoded: &str) {
    let path = format!("/keys/{encoded}");
    let server = LoopbackServer::start(vec![
        Route::json(Method::GET, path.clone(), 200, &json!({"data": api_key()})),
        Route::json(Method::DELETE, path.clone(), 200, &json!({"deleted": true})),
    ])
    .await;
    let client = client_for(&server);
    let hash = KeyHash::new(hash).expect("a valid hash");
    client.keys().get(&hash).await.expect("get_key");
    client.keys().delete(&hash).await.expect("delete_keys");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(request.path, path, "hash {hash:?}");
        assert_eq!(
            request.path.matches('/').count(),
            2,
            "one segment after /keys for {hash:?}"
        );
        assert_eq!(request.query, None, "hash {hash:?} leaked into the query");
    }
}

#[tokio::test]
async fn slash_question_mark_and_hash_are_percent_encoded() {
    assert_hash_is_one_segment("a/b", "a%2Fb").await;
    assert_hash_is_one_segment("a?b=c", "a%3Fb%3Dc").await;
    assert_hash_is_one_segment("a#frag", "a%23frag").await;
    assert_hash_is_one_segment("a b", "a%20b").await;
}

#[tokio::test]
async fn traversal_inside_a_hash_stays_one_segment() {
    assert_hash_is_one_segment("../guardrails", "..%2Fguardrails").await;
    assert_hash_is_one_segment("abc/../../key", "abc%2F..%2F..%2Fkey").await;
    assert_hash_is_one_segment("..?x", "..%3Fx").await;
}

#[tokio::test]
async fn percent_and_non_ascii_are_encoded_not_reinterpreted() {
    // `%` itself is encoded, so a pre-encoded `%2e%2e` cannot turn into a `..` segment.
    assert_hash_is_one_segment("%2e%2e", "%252e%252e").await;
    assert_hash_is_one_segment("%2F", "%252F").await;
    assert_hash_is_one_segment("ключ", "%D0%BA%D0%BB%D1%8E%D1%87").await;
}

/// `.` and `..` would be resolved away by URL parsing (`/keys/..` is `/`), so a hash that is exactly one of them is
/// refused before anything is sent, even when it arrived in a response (decoding accepts any string); a backslash
/// is percent-encoded like any other character.
#[tokio::test]
async fn dot_segments_are_refused_and_backslashes_encoded() {
    let server = LoopbackServer::start(Vec::new()).await;
    let client = client_for(&server);
    for hash in ["..", "."] {
        let decoded: KeyHash = serde_json::from_value(json!(hash)).expect("decoding is lenient");
        let error = client.keys().delete(&decoded).await.expect_err("refused");
        assert!(
            matches!(
                error,
                openrouter_mgmt::Error::InvalidInput {
                    argument: "hash",
                    ..
                }
            ),
            "{error:?}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    assert_hash_is_one_segment("a\\b", "a%5Cb").await;
    assert_hash_is_one_segment("..\\guardrails", "..%5Cguardrails").await;
}
