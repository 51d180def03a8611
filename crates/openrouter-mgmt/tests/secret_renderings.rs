//! Secrets that a server puts in an error answer never reach a rendering of the error or a log line: a management
//! key quoted in `metadata`, a created key in a 500 after a create, a key JSON-escaped in a body without the
//! error envelope, the client's own key whatever its shape, a key passed where its hash belongs, and a BYOK provider
//! key (which has no recognizable shape) echoed back after a create or a rotation, and an observability
//! destination's credentials (its free-form `config` and custom headers) echoed back after a create or an update,
//! or returned unmasked by a get or a list. Checked in
//! `{}`, `{:?}`, `{:#?}` and tracing at TRACE. A binary of its own because it installs the process-wide subscriber.

mod capture;

use capture::Capture;
use openrouter_mgmt::open_enums::ByokProviderSlug;
use openrouter_mgmt::{
    ByokKeyUpdate, Client, Destination, DestinationUpdate, Error, KeyHash, NewByokKey,
    NewDestination, NewKey, RetryPolicy, SecretMap,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-renderings-management-MGMTSECRET";
const CREATED: &str = "sk-or-v1-renderings-created-CREATEDSECRET";
const CUSTOM_KEY: &str = "mgmt-custom-CUSTOMSECRET-0042";
/// A BYOK provider key: not OpenRouter-shaped, so only knowing it was in the request keeps it out.
const PROVIDER_KEY: &str = "anthropic-api03-PROVIDERSECRET-9f8e7d";
const ROTATED_KEY: &str = "anthropic-api03-ROTATEDSECRET-1a2b3c";
/// A destination's credentials: a config secret and a header token sent on create, one sent on update, and what
/// a server might return unmasked.
const DESTINATION_KEY: &str = "sk-lf-DESTINATIONSECRET-77aa";
const HEADER_TOKEN: &str = "Bearer xaat-HEADERSECRET-55bb";
const DESTINATION_ROTATED: &str = "sk-lf-DESTROTATEDSECRET-99cc";
const RETURNED_KEY: &str = "sk-lf-RETURNEDSECRET-11dd";
const MARKERS: [&str; 10] = [
    "MGMTSECRET",
    "CREATEDSECRET",
    "ESCAPEDSECRET",
    "CUSTOMSECRET",
    "PROVIDERSECRET",
    "ROTATEDSECRET",
    "DESTINATIONSECRET",
    "HEADERSECRET",
    "DESTROTATEDSECRET",
    "RETURNEDSECRET",
];
const DESTINATION_ID: &str = "00000000-0000-4000-8000-0000000000d1";

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

    // Destination credentials echoed back after a create (JSON) and an update (raw), and returned unmasked.
    Mock::given(method("POST"))
        .and(path("/observability/destinations"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": 400, "message": format!("invalid config: secretKey={DESTINATION_KEY}"),
            "metadata": {"config": {"secretKey": DESTINATION_KEY, "headers": {"Authorization": HEADER_TOKEN}}}
        }})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!(
            "/observability/destinations/{DESTINATION_ID}"
        )))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            format!("upstream refused {DESTINATION_ROTATED}").into_bytes(),
            "text/plain",
        ))
        .mount(&server)
        .await;
    let returned = json!({
        "api_key_hashes": null, "broadcast_generation_cost": false,
        "broadcast_generation_cost_allocation": false, "broadcast_generation_identity": false,
        "broadcast_generation_request_context": false,
        "config": {"publicKey": "pk-lf-public", "secretKey": RETURNED_KEY,
                   "headers": {"Authorization": HEADER_TOKEN}},
        "created_at": "2025-08-24T10:30:00Z", "enabled": true, "filter_rules": null,
        "id": DESTINATION_ID, "name": "unmasked", "privacy_mode": false, "regions": ["global"],
        "sampling_rate": 1, "type": "langfuse", "updated_at": "2025-08-24T10:30:00Z",
        "workspace_id": "550e8400-e29b-41d4-a716-446655440000"
    });
    Mock::given(method("GET"))
        .and(path(format!(
            "/observability/destinations/{DESTINATION_ID}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": returned})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/observability/destinations"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [returned], "total_count": 1})),
        )
        .mount(&server)
        .await;

    let c = client(&server, KEY);
    let destination_id: uuid::Uuid = DESTINATION_ID.parse().unwrap();
    let headers = SecretMap::new().with("Authorization", HEADER_TOKEN);
    let new_destination = NewDestination::new(
        SecretMap::new()
            .with("publicKey", "pk-lf-public")
            .with("secretKey", DESTINATION_KEY)
            .with("headers", serde_json::to_value(&headers).unwrap()),
        "langfuse",
        "langfuse",
    );
    let destination_update =
        DestinationUpdate::new().config(SecretMap::new().with("secretKey", DESTINATION_ROTATED));
    let bodies = format!(
        "{new_destination:?}{new_destination:#?}{destination_update:?}{destination_update:#?}{headers}{headers:?}"
    );
    assert!(!bodies.contains("SECRET"), "{bodies}");
    assert!(bodies.contains("secretKey"), "the keys are shown: {bodies}");
    let destination_errors = [
        c.observability().create(new_destination).await.unwrap_err(),
        c.observability()
            .update(destination_id, destination_update)
            .await
            .unwrap_err(),
    ];
    assert!(matches!(
        destination_errors[0],
        Error::Api { status: 400, .. }
    ));
    assert!(
        matches!(destination_errors[1], Error::Api { status: 502, .. }),
        "{}",
        destination_errors[1]
    );
    let got = c.observability().get(destination_id).await.unwrap();
    let listed = c.observability().list().collect_all().await.unwrap();
    assert_eq!(listed, vec![got.clone()]);
    let Destination::LangfuseDestination(langfuse) = &got else {
        panic!("a Langfuse destination: {got:?}")
    };
    assert_eq!(langfuse.config.secret_key.expose_secret(), RETURNED_KEY);
    let answers = format!("{got:?}{got:#?}{listed:?}{listed:#?}");
    for marker in MARKERS {
        assert!(
            !answers.contains(marker),
            "an answer shows {marker}:\n{answers}"
        );
    }

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
    for (i, error) in errors
        .iter()
        .chain(&byok_errors)
        .chain(&destination_errors)
        .enumerate()
    {
        let text = renderings(error);
        for marker in MARKERS {
            assert!(!text.contains(marker), "error {i} shows {marker}:\n{text}");
        }
    }
    for marker in MARKERS {
        assert!(!logs.contains(marker), "the logs show {marker}:\n{logs}");
    }
}
