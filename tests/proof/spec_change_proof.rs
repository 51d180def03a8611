//! Compiled only in the scratch copy `scripts/spec-change-proof.sh` makes after `cargo xtask sample-change` and
//! `cargo xtask regen` (the items it uses exist only there): the sample's new fields can be set, cleared and
//! decoded, and the new operation is sent through the engine with retries, is listed as lacking behaviour in the
//! mock and as lacking a contract scenario, and a key's `expires_at` (create-only before, in the update body now)
//! is updated in place by the declarative engine instead of replacing the key, all with no hand-written line for
//! any of them.

use std::time::Duration;

use openrouter_mgmt::{
    Client, Error, GuardrailUpdate, NewGuardrail, NewKey, OperationId, RetryPolicy, ops, types,
};
use openrouter_mgmt_mock::{Fault, MockServer};
use serde_json::json;

#[test]
fn the_new_fields_can_be_set_cleared_and_decoded() {
    let set = GuardrailUpdate::new().data_region_note("eu only");
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"data_region_note": "eu only"})
    );
    let cleared = GuardrailUpdate::new().clear_data_region_note();
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        json!({"data_region_note": null})
    );
    assert_eq!(
        serde_json::to_value(GuardrailUpdate::new()).unwrap(),
        json!({})
    );

    let key = NewKey::new("k").project_tag("alpha");
    assert_eq!(
        serde_json::to_value(&key).unwrap(),
        json!({"name": "k", "project_tag": "alpha"})
    );

    let guardrail: types::Guardrail = serde_json::from_value(json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "g",
        "created_at": "2025-01-01T00:00:00Z",
        "include_byok_in_budgets": false,
        "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11",
        "data_region_note": "eu only"
    }))
    .expect("a guardrail with the new field decodes");
    assert_eq!(guardrail.data_region_note.as_deref(), Some("eu only"));

    // The spec's maxLength on the new field is checked before anything is sent.
    let long = GuardrailUpdate::new().data_region_note("x".repeat(201));
    let invalid = openrouter_mgmt::Validate::validate(&long).unwrap_err();
    assert_eq!(invalid.argument, "data_region_note");
}

/// Through the facade and the mock, which stores what the spec's fields carry without naming them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_field_round_trips_through_the_mock() {
    let mock = MockServer::start().await.expect("mock");
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .build()
        .expect("client");
    let g = client.guardrails();
    let created = g.create(NewGuardrail::new("g")).await.expect("create");
    let set = g
        .update(
            created.id,
            GuardrailUpdate::new().data_region_note("eu only"),
        )
        .await
        .expect("set");
    assert_eq!(set.data_region_note.as_deref(), Some("eu only"));
    assert_eq!(
        g.get(created.id)
            .await
            .expect("get")
            .data_region_note
            .as_deref(),
        Some("eu only")
    );
    let cleared = g
        .update(created.id, GuardrailUpdate::new().clear_data_region_note())
        .await
        .expect("clear");
    assert_eq!(cleared.data_region_note, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_operation_goes_through_the_engine_and_is_listed_as_missing() {
    let mock = MockServer::start().await.expect("mock");
    mock.faults()
        .once(OperationId::GetWidgetStats, Fault::Status(503));
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let error = client
        .send(&ops::GetWidgetStats::new("w1"))
        .await
        .expect_err("the mock has no behaviour for it");
    assert!(
        matches!(
            error,
            Error::Api {
                operation: "get_widget_stats",
                status: 501,
                attempts: 2,
                ..
            }
        ),
        "retried once after the 503, then the mock's 501: {error:?}"
    );
    assert!(
        openrouter_mgmt_mock::operations_without_behaviour().contains(&OperationId::GetWidgetStats)
    );
    assert!(
        openrouter_mgmt_tests::scenarios::operations_without_scenario()
            .contains(&OperationId::GetWidgetStats)
    );
}

#[tokio::test]
async fn a_field_the_update_body_gained_is_updated_in_place_not_replaced() {
    use openrouter_mgmt_declare::{Allow, ApplyOptions, Op, apply, check, parse, plan, read_live};
    assert!(
        !openrouter_mgmt_declare::kind("key")
            .and_then(|k| k.field("expires_at"))
            .expect("a managed field")
            .create_only()
    );
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = |at: &str| {
        parse(
            &dir.path().join("stack.toml"),
            &format!(
                "version = 1\n[stack]\nname = \"s\"\nsecrets = {{ sink = {{ dir = \"out\" }} }}\n[keys.ci]\nexpires_at = {at}\n"
            ),
        )
        .unwrap()
    };
    let options = ApplyOptions {
        parallelism: 2,
        base: dir.path().to_path_buf(),
        discard_secrets: false,
    };
    for at in ["2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z"] {
        let desired = file(at);
        let live = read_live(&client, &desired).await.unwrap();
        let planned = plan(&desired, &live).unwrap();
        assert_eq!(planned.count(Op::Replace), 0, "{}", openrouter_mgmt_declare::text(&planned));
        check(&planned, &Allow::default(), 0).unwrap();
        let report = apply(&client, &desired, &live, &planned, &options, &|_, _| {}).await;
        assert_eq!(report.exit_code(), 0, "{report:?}");
    }
    assert_eq!(mock.key_count(), 1, "updated in place, never replaced");
}
