//! Neither the management key nor a created key's plaintext shows up in Debug, Display, errors or logs.

use openrouter_mgmt::{Error, NewKey};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn a_created_key_that_fails_to_decode_is_not_quoted_in_the_error() {
    let server = MockServer::start().await;
    // `data` is malformed, the plaintext key is right there in the body.
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"data": {"hash": 5}, "key": CREATED_PLAINTEXT})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/keys/h"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": CREATED_PLAINTEXT})))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.keys().create(NewKey::new("k")).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let err2 = c.keys().get(&"h".parse().unwrap()).await.unwrap_err();
    for e in [&err, &err2] {
        let text = format!("{e} {e:?}");
        assert!(!text.contains("created-plaintext"), "{text}");
        assert!(!text.contains(KEY));
    }
}

#[tokio::test]
async fn errors_and_clients_never_print_the_management_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(envelope(401, "bad key")))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.keys().current().await.unwrap_err();
    let transport = closed_port_client(openrouter_mgmt::RetryPolicy::no_retries())
        .keys()
        .current()
        .await
        .unwrap_err();
    let builder = format!("{:?}", builder(&server));
    for text in [
        format!("{err} {err:?}"),
        format!("{transport} {transport:?}"),
        format!("{c:?}"),
        builder,
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("0123456789"), "{text}");
    }
}
