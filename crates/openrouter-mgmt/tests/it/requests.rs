//! What goes over the wire: paths, query strings, headers and exact bodies; and how answers are decoded.

use openrouter_mgmt::{Client, Error, GuardrailUpdate, KeyHash, KeyUpdate, NewGuardrail, NewKey};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn last_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.unwrap();
    serde_json::from_slice(&requests.last().unwrap().body).unwrap()
}

#[tokio::test]
async fn every_request_carries_auth_user_agent_and_attribution() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(current_key()))
        .mount(&server)
        .await;
    let c = builder(&server)
        .http_referer("https://example.com/app")
        .app_title("My App")
        .app_categories("cli-agent,programming-app")
        .build()
        .unwrap();
    c.keys().current().await.unwrap();
    // A caller-supplied reqwest::Client gets the same headers.
    let own_http = openrouter_mgmt::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let own = builder(&server).http_client(own_http).build().unwrap();
    own.keys().current().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    for (i, r) in requests.iter().enumerate() {
        let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            h("authorization").as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(
            h("user-agent").as_deref(),
            Some(concat!("openrouter-mgmt/", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(h("accept").as_deref(), Some("application/json"));
        if i == 0 {
            assert_eq!(
                h("http-referer").as_deref(),
                Some("https://example.com/app")
            );
            assert_eq!(h("x-openrouter-title").as_deref(), Some("My App"));
            assert_eq!(
                h("x-openrouter-categories").as_deref(),
                Some("cli-agent,programming-app")
            );
        } else {
            assert_eq!(h("x-openrouter-title"), None);
        }
    }
    assert_eq!(requests.len(), 2);
}

#[tokio::test]
async fn key_hashes_cannot_change_the_request_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": api_key("x")})))
        .mount(&server)
        .await;
    let c = client(&server);
    for (hash, expected) in [
        ("../x", "/keys/..%2Fx"),
        ("a/b?c", "/keys/a%2Fb%3Fc"),
        ("a#b", "/keys/a%23b"),
        ("%2e%2e", "/keys/%252e%252e"),
    ] {
        c.keys().get(&KeyHash::new(hash).unwrap()).await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let url = &requests.last().unwrap().url;
        assert_eq!(url.path(), expected, "{hash}");
        assert_eq!(url.query(), None, "{hash}");
    }
    assert!(KeyHash::new("..").is_err());
    assert!(KeyHash::new("").is_err());
}

#[tokio::test]
async fn list_queries_carry_offset_limit_and_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [guardrail(1)], "total_count": 1})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [api_key("a")]})))
        .mount(&server)
        .await;
    let c = client(&server);
    let ws = uuid::Uuid::from_u128(9);
    c.guardrails()
        .list_in_workspace(ws)
        .page_size(25)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    c.keys()
        .list_with(
            openrouter_mgmt::KeyFilter::new()
                .include_disabled(true)
                .workspace_id(ws),
        )
        .collect_all()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some(format!("offset=0&limit=25&workspace_id={ws}").as_str())
    );
    assert_eq!(
        requests[1].url.query(),
        // Parameters go in the spec's order.
        Some(format!("include_disabled=true&offset=0&workspace_id={ws}").as_str())
    );
}

#[tokio::test]
async fn key_update_bodies_send_null_only_for_cleared_fields() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/keys/h1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": api_key("h1")})))
        .mount(&server)
        .await;
    let c = client(&server);
    let hash = KeyHash::new("h1").unwrap();
    c.keys()
        .update(&hash, KeyUpdate::new().clear_limit())
        .await
        .unwrap();
    assert_eq!(last_body(&server).await, json!({"limit": null}));
    c.keys()
        .update(&hash, KeyUpdate::new().name("renamed").disabled(true))
        .await
        .unwrap();
    assert_eq!(
        last_body(&server).await,
        json!({"name": "renamed", "disabled": true})
    );
    c.keys()
        .update(&hash, KeyUpdate::new().limit(12.5).clear_limit_reset())
        .await
        .unwrap();
    assert_eq!(
        last_body(&server).await,
        json!({"limit": 12.5, "limit_reset": null})
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(
        std::str::from_utf8(&requests[0].body).unwrap(),
        r#"{"limit":null}"#,
        "the exact bytes"
    );
}

#[tokio::test]
async fn guardrail_update_bodies_send_null_only_for_cleared_fields() {
    let server = MockServer::start().await;
    let id = guardrail_id(3);
    Mock::given(method("PATCH"))
        .and(path(format!("/guardrails/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": guardrail(3)})))
        .mount(&server)
        .await;
    let c = client(&server);
    let gid = id.parse().unwrap();
    let updated = c
        .guardrails()
        .update(gid, GuardrailUpdate::new().clear_limit_usd())
        .await
        .unwrap();
    assert_eq!(updated.name, "guardrail 3");
    assert_eq!(last_body(&server).await, json!({"limit_usd": null}));
    c.guardrails()
        .update(
            gid,
            GuardrailUpdate::new()
                .description("d")
                .allowed_models(["m1"])
                .clear_ignored_providers(),
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&server).await,
        json!({"description": "d", "allowed_models": ["m1"], "ignored_providers": null})
    );
}

#[tokio::test]
async fn create_bodies_are_the_generated_types() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created_key()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/guardrails"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": guardrail(1)})))
        .mount(&server)
        .await;
    let c = client(&server);
    c.keys().create(NewKey::new("ci").limit(5.0)).await.unwrap();
    assert_eq!(
        last_body(&server).await,
        json!({"name": "ci", "limit": 5.0})
    );
    let g = c
        .guardrails()
        .create(
            NewGuardrail::new("EU")
                .limit_usd(3.0)
                .allowed_providers(["a"]),
        )
        .await
        .unwrap();
    assert_eq!(g.id, uuid::Uuid::from_u128(1));
    assert_eq!(
        last_body(&server).await,
        json!({"name": "EU", "limit_usd": 3.0, "allowed_providers": ["a"]})
    );
}

#[tokio::test]
async fn invalid_input_is_rejected_before_anything_is_sent() {
    let server = MockServer::start().await;
    let c = client(&server);
    let long = "x".repeat(201);
    let errors = [
        c.keys().create(NewKey::new("")).await.unwrap_err(),
        // (A 201-character key name is sent: the spec sets no maximum for it.)
        c.guardrails()
            .create(NewGuardrail::new(long))
            .await
            .unwrap_err(),
        c.guardrails()
            .assign_keys(guardrail_id(1).parse().unwrap(), Vec::<KeyHash>::new())
            .await
            .unwrap_err(),
        c.guardrails().list().page_size(0).unwrap_err(),
        c.guardrails().list().page_size(101).unwrap_err(),
        c.keys().list().page_size(50).unwrap_err(),
        "not-a-uuid"
            .parse::<openrouter_mgmt::GuardrailId>()
            .unwrap_err()
            .into(),
    ];
    for e in &errors {
        assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
        assert_eq!(e.attempts(), 0);
    }
    assert_eq!(count(&server).await, 0);
    let e = Client::builder()
        .api_key("k")
        .base_url("http://example.com/api/v1")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidInput {
                argument: "base_url",
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn undeclared_statuses_decode_the_error_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(
            ResponseTemplate::new(402)
                .set_body_json(json!({"error": {"code": 402, "message": "Insufficient credits", "metadata": {"need": 3}}, "user_id": "u_1"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).keys().current().await.unwrap_err();
    match err {
        Error::Api {
            status: 402,
            code: Some(402),
            message,
            metadata: Some(m),
            user_id: Some(u),
            ..
        } => {
            assert_eq!(message, "Insufficient credits");
            assert_eq!(m["need"], 3);
            assert_eq!(u, "u_1");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_without_an_envelope_still_gives_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>not found</html>"))
        .mount(&server)
        .await;
    let err = client(&server).keys().current().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Api {
                status: 404,
                code: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("<html>not found"), "{err}");
}

#[tokio::test]
async fn decode_errors_name_the_json_path_and_keep_a_snippet() {
    let server = MockServer::start().await;
    let mut bad = guardrail(1);
    bad["id"] = json!("not-a-uuid");
    Mock::given(method("GET"))
        .and(path(format!("/guardrails/{}", guardrail_id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": bad})))
        .mount(&server)
        .await;
    let err = client(&server)
        .guardrails()
        .get(guardrail_id(1).parse().unwrap())
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            status: 200,
            path,
            body_snippet,
            ..
        } => {
            assert_eq!(path, "data.id");
            assert!(body_snippet.starts_with("{\"data\""), "{body_snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn unknown_enum_values_and_fields_are_kept_or_ignored() {
    let server = MockServer::start().await;
    let mut g = guardrail(1);
    g["reset_interval"] = json!("hourly");
    g["a_field_from_the_future"] = json!({"x": 1});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": g})))
        .mount(&server)
        .await;
    let got = client(&server)
        .guardrails()
        .get(guardrail_id(1).parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        got.reset_interval,
        Some(openrouter_mgmt::open_enums::GuardrailInterval::Unknown(
            "hourly".into()
        ))
    );
}
