//! Compiled only in the scratch copy `scripts/spec-change-proof.sh` makes after `cargo xtask sample-change` and
//! `cargo xtask regen` (the items it uses exist only there): the sample's new fields can be set, cleared and
//! decoded, and the new operation is sent through the engine with retries, is listed as lacking behaviour in the
//! mock and as lacking a contract scenario, all with no hand-written line for any of them.

use std::time::Duration;

use openrouter_mgmt::{
    Client, Error, GuardrailUpdate, NewKey, OperationId, RetryPolicy, ops, types,
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
        "data_region_note": "eu only"
    }))
    .expect("a guardrail with the new field decodes");
    assert_eq!(guardrail.data_region_note.as_deref(), Some("eu only"));

    // The spec's maxLength on the new field is checked before anything is sent.
    let long = GuardrailUpdate::new().data_region_note("x".repeat(201));
    let invalid = openrouter_mgmt::Validate::validate(&long).unwrap_err();
    assert_eq!(invalid.argument, "data_region_note");
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
