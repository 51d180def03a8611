//! Observability destinations through the facade against the mock: create, read, update (set, clear, config merge),
//! list over several pages and by workspace, delete, destinations of several types decoding to their own variants,
//! an unknown type kept raw, credentials answered masked, and the declared errors (401, 403, 404, 400, 409).

use openrouter_mgmt::types::ObservabilityDestination as D;
use openrouter_mgmt::{
    Destination, DestinationFilter, DestinationUpdate, NewDestination, NewWorkspace, SecretMap,
};
use openrouter_mgmt_tests::scenarios::{destination_id, langfuse_destination};
use serde_json::json;

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

const SECRET_KEY: &str = "sk-lf-e2e-secret-0123456789";

fn langfuse(
    destination: &Destination,
) -> &openrouter_mgmt::types::ObservabilityLangfuseDestination {
    match destination {
        D::LangfuseDestination(d) => d,
        other => panic!("expected a Langfuse destination, got {other:?}"),
    }
}

#[tokio::test]
async fn a_destination_is_created_read_updated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let observability = client.observability();
    let created = observability
        .create(
            langfuse_destination("Production Langfuse", SECRET_KEY)
                .api_key_hashes(["f01d52606dc8f0a8"])
                .sampling_rate(0.5),
        )
        .await
        .unwrap();
    let c = langfuse(&created);
    assert_eq!(c.name.as_deref(), Some("Production Langfuse"));
    assert_eq!(c.workspace_id, mock.default_workspace_id());
    assert!(c.enabled);
    assert_eq!(c.sampling_rate, 0.5);
    assert_eq!(
        c.api_key_hashes.as_deref(),
        Some(&["f01d52606dc8f0a8".to_owned()][..])
    );
    // The credential is answered masked; the public key is not a credential.
    assert_eq!(c.config.secret_key.expose_secret(), "sk-l...6789");
    assert_eq!(c.config.public_key, "pk-lf-public-0001");
    let id = c.id;

    let got = observability.get(id).await.unwrap();
    assert_eq!(got, created);

    // Clearing sends null; a masked value sent back is ignored; untouched fields stay.
    let updated = observability
        .update(
            id,
            DestinationUpdate::new()
                .name("Staging Langfuse")
                .enabled(false)
                .clear_api_key_hashes()
                .config(
                    SecretMap::new()
                        .with("secretKey", "sk-l...6789")
                        .with("baseUrl", "https://cloud.langfuse.com"),
                ),
        )
        .await
        .unwrap();
    let u = langfuse(&updated);
    assert_eq!(u.name.as_deref(), Some("Staging Langfuse"));
    assert!(!u.enabled);
    assert_eq!(u.api_key_hashes, None);
    assert_eq!(u.sampling_rate, 0.5);
    assert_eq!(u.config.secret_key.expose_secret(), "sk-l...6789");
    assert_eq!(u.config.base_url, "https://cloud.langfuse.com");
    // Filter rules are set, then cleared with null (the spec writes this field as an `allOf` around a nullable
    // component; it is a `Patch` all the same).
    let rules: openrouter_mgmt::types::ObservabilityFilterRulesConfigNullable =
        serde_json::from_value(json!({"groups": [{"rules": [
            {"field": "model", "operator": "equals", "value": "openai/gpt-4o"},
        ]}]}))
        .unwrap();
    let filtered = observability
        .update(id, DestinationUpdate::new().filter_rules(rules))
        .await
        .unwrap();
    let groups = langfuse(&filtered)
        .filter_rules
        .0
        .as_ref()
        .map(|r| r.groups.len());
    assert_eq!(groups, Some(1));
    let unfiltered = observability
        .update(id, DestinationUpdate::new().clear_filter_rules())
        .await
        .unwrap();
    assert_eq!(langfuse(&unfiltered).filter_rules.0, None);
    // A new credential replaces the old one.
    let rotated = observability
        .update(
            id,
            DestinationUpdate::new()
                .config(SecretMap::new().with("secretKey", "sk-lf-rotated-9876543210")),
        )
        .await
        .unwrap();
    assert_eq!(
        langfuse(&rotated).config.secret_key.expose_secret(),
        "sk-l...3210"
    );

    let listed = observability.list().collect_all().await.unwrap();
    assert_eq!(listed, vec![rotated]);

    assert!(observability.delete(id).await.unwrap());
    assert_eq!(api_status(observability.get(id).await), 404);
    assert_eq!(api_status(observability.delete(id).await), 404);
    assert_eq!(
        api_status(
            observability
                .update(id, DestinationUpdate::new().enabled(true))
                .await
        ),
        404
    );
    assert!(observability.list().collect_all().await.unwrap().is_empty());
}

#[tokio::test]
async fn destinations_of_each_type_decode_to_their_own_variant() {
    let mock = mock().await;
    let client = client(&mock);
    let observability = client.observability();
    let headers = json!({"Authorization": "Bearer whk-token-0123456789"});
    let made = [
        NewDestination::new(
            SecretMap::new()
                .with("url", "https://hooks.example.com/or")
                .with("headers", headers),
            "hook",
            "webhook",
        ),
        NewDestination::new(
            SecretMap::new()
                .with("apiKey", "dd-api-key-0123456789")
                .with("mlApp", "openrouter"),
            "dd",
            "datadog",
        ),
        NewDestination::new(
            SecretMap::new()
                .with("bucketName", "traces")
                .with("secretAccessKey", "aws-secret-0123456789"),
            "s3",
            "s3",
        ),
        NewDestination::new(
            SecretMap::new()
                .with("otlpEndpoint", "https://o1.ingest.sentry.io/api/1/otlp")
                .with("dsn", "https://public0123@o1.ingest.sentry.io/1"),
            "sentry",
            "sentry",
        ),
    ];
    let mut created = Vec::new();
    for new in made {
        created.push(observability.create(new).await.unwrap());
    }
    match &created[0] {
        D::WebhookDestination(d) => {
            assert_eq!(d.config.url, "https://hooks.example.com/or");
            let headers = d.config.headers.as_ref().expect("headers");
            assert_eq!(
                headers.expose_secret()["Authorization"],
                json!("Bear...6789")
            );
        }
        other => panic!("expected a webhook destination, got {other:?}"),
    }
    match &created[1] {
        D::DatadogDestination(d) => {
            assert_eq!(d.config.ml_app, "openrouter");
            assert_eq!(d.config.api_key.expose_secret(), "dd-a...6789");
        }
        other => panic!("expected a Datadog destination, got {other:?}"),
    }
    match &created[2] {
        D::S3Destination(d) => assert_eq!(d.config.bucket_name, "traces"),
        other => panic!("expected an S3 destination, got {other:?}"),
    }
    assert!(
        matches!(&created[3], D::SentryDestination(_)),
        "{:?}",
        created[3]
    );
    let listed = observability.list().collect_all().await.unwrap();
    assert_eq!(listed, created);
    // Debug never shows a credential, masked or not.
    let shown = format!("{created:?}");
    assert!(
        !shown.contains("6789") && !shown.contains("public0123"),
        "{shown}"
    );
}

#[test]
fn an_unknown_type_is_kept_raw() {
    let raw = json!({
        "id": "99999999-aaaa-bbbb-cccc-dddddddddddd",
        "type": "honeycomb",
        "config": {"apiKey": "hc-secret-value"},
    });
    let decoded: Destination = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(decoded, D::Unknown(raw.clone()));
    let shown = format!("{decoded:?}");
    assert!(
        shown.contains("honeycomb") && !shown.contains("hc-secret"),
        "{shown}"
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), raw);
}

#[tokio::test]
async fn destinations_are_listed_over_several_pages_and_by_workspace() {
    let mock = mock().await;
    let client = client(&mock);
    let observability = client.observability();
    let team = client
        .workspaces()
        .create(NewWorkspace::new("Team", "team"))
        .await
        .unwrap();
    // Two types, five each (the most one workspace may have of a type), and one in another workspace.
    let kinds = ["webhook", "otel-collector"];
    let mut ids = Vec::new();
    for kind in kinds {
        for i in 0..5 {
            let config = match kind {
                "webhook" => SecretMap::new().with("url", format!("https://hooks.example.com/{i}")),
                _ => SecretMap::new().with("endpoint", format!("https://otel.example.com/{i}")),
            };
            let created = observability
                .create(NewDestination::new(config, format!("{kind} {i}"), kind))
                .await
                .unwrap();
            ids.push(destination_id_any(&created));
        }
    }
    observability
        .create(langfuse_destination("team only", SECRET_KEY).workspace_id(team.id))
        .await
        .unwrap();
    let all = observability
        .list()
        .page_size(3)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let listed: Vec<uuid::Uuid> = all.iter().map(destination_id_any).collect();
    assert_eq!(listed, ids);
    let requests = mock
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/observability/destinations"))
        .count();
    // Pages of 3, each after the first starting at the boundary item: 3 + 2 + 2 + 2 + 2 > 10.
    assert_eq!(requests, 5, "10 destinations in pages of 3");
    let team_only = observability
        .list_with(DestinationFilter::new().workspace_id(team.id))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(team_only.len(), 1);
    assert_eq!(langfuse(&team_only[0]).workspace_id, team.id);
}

/// The id of a webhook, OpenTelemetry collector or any type the scenarios create.
fn destination_id_any(destination: &Destination) -> uuid::Uuid {
    match destination {
        D::OtelCollectorDestination(d) => d.id,
        other => destination_id(other),
    }
}

#[tokio::test]
async fn bad_destinations_are_refused() {
    let mock = mock().await;
    let client = client(&mock);
    let observability = client.observability();
    // A config that does not fit its type, and an unknown type: 400s.
    let missing_secret = NewDestination::new(
        SecretMap::new().with("publicKey", "pk-lf-1"),
        "no secret",
        "langfuse",
    );
    assert_eq!(api_status(observability.create(missing_secret).await), 400);
    let unknown = NewDestination::new(SecretMap::new(), "new kind", "honeycomb");
    assert_eq!(api_status(observability.create(unknown).await), 400);
    // Checked before sending: an empty allowlist of key hashes (the spec wants at least one).
    let before = mock.requests().len();
    let no_hashes = langfuse_destination("x", SECRET_KEY).api_key_hashes(Vec::<String>::new());
    assert_eq!(
        invalid_argument(observability.create(no_hashes).await),
        "api_key_hashes"
    );
    assert_eq!(mock.requests().len(), before, "nothing sent");
    // What the spec says only in words: a sampling rate outside 0.0001..=1 is a 400.
    let oversampled = langfuse_destination("x", SECRET_KEY).sampling_rate(2.0);
    assert_eq!(api_status(observability.create(oversampled).await), 400);
    // At most 5 destinations of one type per workspace: the sixth is a 409.
    for i in 0..5 {
        observability
            .create(langfuse_destination(&format!("lf {i}"), SECRET_KEY))
            .await
            .unwrap();
    }
    assert_eq!(
        api_status(
            observability
                .create(langfuse_destination("sixth", SECRET_KEY))
                .await
        ),
        409
    );
    // An update that breaks the config is refused and changes nothing.
    let first = destination_id(&observability.list().collect_all().await.unwrap()[0]);
    let broken = DestinationUpdate::new().config(SecretMap::new().with("secretKey", 42));
    assert_eq!(api_status(observability.update(first, broken).await), 400);
    let still = observability.get(first).await.unwrap();
    assert_eq!(
        langfuse(&still).config.secret_key.expose_secret(),
        "sk-l...6789"
    );
}

#[tokio::test]
async fn destinations_need_a_management_key() {
    let mock = mock().await;
    let nobody = client_with_key(&mock, &format!("sk-or-v1-{}", "0".repeat(64)));
    assert_eq!(
        api_status(nobody.observability().list().collect_all().await),
        401
    );
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(
        api_status(
            ordinary
                .observability()
                .create(langfuse_destination("x", SECRET_KEY))
                .await
        ),
        403
    );
    assert_eq!(
        api_status(ordinary.observability().get(uuid::Uuid::nil()).await),
        403
    );
}
