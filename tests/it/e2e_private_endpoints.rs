//! Private endpoints through the facade against the mock: the lifecycle (draft → validated → active ⇄ disabled),
//! create-and-activate in one call, partial updates (settings merged, a declaration cleared with `null`), the
//! deprecated `PUT` routes, replay classes, and the declared errors (401, 403, 404, 400, 409, 422).

use std::num::NonZeroU64;

use openrouter_mgmt::open_enums::{
    PrivateEndpointStatus, UpdatePrivateEndpointRequestDeclaredRegion,
};
use openrouter_mgmt::types::{PrivateEndpointActivation, UpdatePrivateEndpointSettingsRequest};
use openrouter_mgmt::{
    Error, NewPrivateEndpoint, Patch, PrivateEndpointPricing, PrivateEndpointUpdate,
};
use openrouter_mgmt_mock::{Fault, FaultRule, OperationId};
use openrouter_mgmt_tests::scenarios::{new_private_endpoint, pricing};
use uuid::Uuid;

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

/// A token limit to set.
fn tokens(n: u64) -> Patch<NonZeroU64> {
    Patch::Set(NonZeroU64::new(n).expect("a positive limit"))
}

/// The message of an `Error::Api`; panics on any other outcome.
fn api_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Api { message, .. }) => message,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_draft_is_validated_activated_disabled_enabled_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let workspace = mock.default_workspace_id();

    let draft = endpoints.create(new_private_endpoint()).await.unwrap();
    assert_eq!(draft.status, PrivateEndpointStatus::Draft);
    assert_eq!(draft.model_permaslug, "openai/gpt-4o-2024-08-06");

    // Never validated: activation is refused and nothing changes.
    assert_eq!(api_status(endpoints.activate(draft.id).await), 409);
    assert_eq!(api_status(endpoints.disable(draft.id).await), 409);
    assert_eq!(api_status(endpoints.enable(draft.id).await), 409);

    let validation = endpoints.validate(draft.id, workspace).await.unwrap();
    assert!(validation.passed);
    let probed: Vec<&str> = validation
        .parameters
        .iter()
        .map(|p| p.parameter.as_str())
        .collect();
    assert_eq!(probed, ["max_tokens", "temperature"]);
    let read = endpoints.get(draft.id).await.unwrap();
    assert_eq!(read.tested_parameters, ["max_tokens", "temperature"]);
    assert_eq!(read.pricing, pricing());
    // A second run re-probes nothing already proven.
    assert!(
        endpoints
            .validate(draft.id, workspace)
            .await
            .unwrap()
            .parameters
            .is_empty()
    );

    let active = endpoints.activate(draft.id).await.unwrap();
    assert_eq!(active.status, PrivateEndpointStatus::Active);
    assert_eq!(
        api_status(endpoints.activate(draft.id).await),
        409,
        "already active"
    );
    assert_eq!(
        api_status(endpoints.validate(draft.id, workspace).await),
        409
    );

    let disabled = endpoints.disable(draft.id).await.unwrap();
    assert_eq!(disabled.status, PrivateEndpointStatus::Disabled);
    assert_eq!(
        endpoints.disable(draft.id).await.unwrap().status,
        PrivateEndpointStatus::Disabled
    );
    assert_eq!(api_status(endpoints.activate(draft.id).await), 409);
    let enabled = endpoints.enable(draft.id).await.unwrap();
    assert_eq!(enabled.status, PrivateEndpointStatus::Active);

    let listed = endpoints.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, &listed[0].status),
        (draft.id, &PrivateEndpointStatus::Active)
    );

    // Activated: a drafts-only delete is refused; a plain one goes through.
    assert_eq!(api_status(endpoints.delete_draft(draft.id).await), 409);
    endpoints.delete(draft.id).await.unwrap();
    assert_eq!(api_status(endpoints.get(draft.id).await), 404);
    assert_eq!(api_status(endpoints.delete(draft.id).await), 404);
    assert!(endpoints.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn create_with_activate_validates_and_activates_in_one_call() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let activation = PrivateEndpointActivation {
        workspace_id: mock.default_workspace_id(),
    };
    let active = endpoints
        .create(new_private_endpoint().activate(activation))
        .await
        .unwrap();
    assert_eq!(active.status, PrivateEndpointStatus::Active);

    // Unknown workspace: 404, but the draft is kept.
    let unknown = PrivateEndpointActivation {
        workspace_id: Uuid::from_u128(7),
    };
    assert_eq!(
        api_status(
            endpoints
                .create(new_private_endpoint().activate(unknown))
                .await
        ),
        404
    );
    // No base URL for a provider that needs one: validation fails, 422, the draft is kept.
    let no_url = NewPrivateEndpoint::new("meta-llama/llama-3-70b", "together", "llama-70b")
        .activate(PrivateEndpointActivation {
            workspace_id: mock.default_workspace_id(),
        });
    assert_eq!(api_status(endpoints.create(no_url).await), 422);

    let statuses: Vec<PrivateEndpointStatus> = endpoints
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        statuses,
        [
            PrivateEndpointStatus::Active,
            PrivateEndpointStatus::Draft,
            PrivateEndpointStatus::Draft
        ]
    );
}

#[tokio::test]
async fn a_failed_validation_is_an_answer_and_activation_stays_refused() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let draft = endpoints
        .create(NewPrivateEndpoint::new(
            "meta-llama/llama-3-70b",
            "together",
            "llama-70b",
        ))
        .await
        .unwrap();
    let validation = endpoints
        .validate(draft.id, mock.default_workspace_id())
        .await
        .unwrap();
    assert!(!validation.passed);
    assert!(validation.checks.iter().any(|c| !c.passed));
    assert_eq!(api_status(endpoints.activate(draft.id).await), 409);
    // An unknown workspace is a 404.
    assert_eq!(
        api_status(endpoints.validate(draft.id, Uuid::from_u128(7)).await),
        404
    );

    // Pointing the draft at a base URL makes it pass.
    let update = PrivateEndpointUpdate::new().base_url("https://llama.example.com");
    endpoints.update(draft.id, update).await.unwrap();
    assert!(
        endpoints
            .validate(draft.id, mock.default_workspace_id())
            .await
            .unwrap()
            .passed
    );
    endpoints.activate(draft.id).await.unwrap();
}

#[tokio::test]
async fn updates_change_only_what_they_name_and_upstream_changes_are_drafts_only() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let workspace = mock.default_workspace_id();
    let draft = endpoints
        .create(new_private_endpoint().declared_zdr(true).declared_region(
            openrouter_mgmt::open_enums::CreatePrivateEndpointRequestDeclaredRegion::Us,
        ))
        .await
        .unwrap();
    assert_eq!(draft.declared_zdr, Some(true));

    // Settings merge field by field.
    let default_context = endpoints
        .get(draft.id)
        .await
        .unwrap()
        .settings
        .context_length;
    let settings = UpdatePrivateEndpointSettingsRequest {
        context_length: tokens(128_000),
        max_prompt_tokens: tokens(100_000),
        ..Default::default()
    };
    let updated = endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new()
                .settings(settings)
                .declared_parameters(["seed"]),
        )
        .await
        .unwrap();
    assert_eq!(updated.settings.context_length, NonZeroU64::new(128_000));
    assert_eq!(updated.settings.max_prompt_tokens, NonZeroU64::new(100_000));
    assert_eq!(updated.declared_parameters, ["seed"]);
    assert_eq!(updated.declared_zdr, Some(true), "untouched");
    let narrower = UpdatePrivateEndpointSettingsRequest {
        max_prompt_tokens: tokens(64_000),
        ..Default::default()
    };
    let updated = endpoints
        .update(draft.id, PrivateEndpointUpdate::new().settings(narrower))
        .await
        .unwrap();
    assert_eq!(
        (
            updated.settings.context_length,
            updated.settings.max_prompt_tokens
        ),
        (NonZeroU64::new(128_000), NonZeroU64::new(64_000))
    );
    // A nested `null` restores the default, and leaves the other settings alone.
    let restored = endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new().settings(UpdatePrivateEndpointSettingsRequest {
                context_length: Patch::Clear,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_ne!(default_context, NonZeroU64::new(128_000));
    assert_eq!(
        (
            restored.settings.context_length,
            restored.settings.max_prompt_tokens
        ),
        (default_context, NonZeroU64::new(64_000))
    );

    // Clearing a declaration sends null.
    let cleared = endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new()
                .clear_declared_zdr()
                .clear_declared_region(),
        )
        .await
        .unwrap();
    assert_eq!(
        (cleared.declared_zdr, cleared.declared_region),
        (None, None)
    );
    let set = endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new()
                .declared_region(UpdatePrivateEndpointRequestDeclaredRegion::Europe),
        )
        .await
        .unwrap();
    assert_eq!(
        set.declared_region
            .map(|r| r.as_str().to_owned())
            .as_deref(),
        Some("europe")
    );

    // Re-pointing the upstream makes an earlier validation stale.
    endpoints.validate(draft.id, workspace).await.unwrap();
    endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new().upstream_model_id("gpt-4o-canary"),
        )
        .await
        .unwrap();
    assert_eq!(api_status(endpoints.activate(draft.id).await), 409);
    endpoints.validate(draft.id, workspace).await.unwrap();
    endpoints.activate(draft.id).await.unwrap();

    // Active: upstream fields are refused and nothing is written; pricing and parameters still change.
    let refused = endpoints
        .update(
            draft.id,
            PrivateEndpointUpdate::new()
                .base_url("https://other.example.com")
                .declared_parameters(["stop"]),
        )
        .await;
    assert!(api_message(refused).starts_with("already_active"));
    let now = endpoints.get(draft.id).await.unwrap();
    assert_eq!(
        now.base_url.as_deref(),
        Some("https://contoso.openai.azure.com")
    );
    assert_eq!(now.declared_parameters, ["seed"]);

    let repriced = PrivateEndpointPricing {
        cache_read: Some("0.000001".to_owned()),
        cache_write: None,
        completion: "0.00002".to_owned(),
        prompt: "0.000005".to_owned(),
    };
    let after = endpoints
        .set_pricing(draft.id, repriced.clone())
        .await
        .unwrap();
    assert_eq!(after.pricing, repriced);
    let after = endpoints
        .set_parameters(draft.id, ["stop", "seed", "stop"])
        .await
        .unwrap();
    assert_eq!(after.declared_parameters, ["seed", "stop"], "read as a set");
}

#[tokio::test]
async fn bodies_the_api_refuses_are_400s() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let with_tool_choice = new_private_endpoint().declared_parameters(["tool_choice"]);
    assert!(
        api_message(endpoints.create(with_tool_choice).await).starts_with("parameters_invalid")
    );
    let plain_http = new_private_endpoint().base_url("http://contoso.example.com");
    assert_eq!(api_status(endpoints.create(plain_http).await), 400);

    let draft = endpoints.create(new_private_endpoint()).await.unwrap();
    let too_long = UpdatePrivateEndpointSettingsRequest {
        context_length: tokens(1_000),
        max_prompt_tokens: tokens(2_000),
        ..Default::default()
    };
    let refused = endpoints
        .update(draft.id, PrivateEndpointUpdate::new().settings(too_long))
        .await;
    assert!(api_message(refused).starts_with("settings_invalid"));
    assert_eq!(
        api_status(endpoints.set_parameters(draft.id, ["tool_choice"]).await),
        400
    );
    // tools declared alongside makes tool_choice acceptable.
    endpoints
        .set_parameters(draft.id, ["tool_choice", "tools"])
        .await
        .unwrap();
    // Nothing of the refused updates was written.
    let read = endpoints.get(draft.id).await.unwrap();
    assert_eq!(read.settings.context_length, None);
}

#[tokio::test]
async fn unknown_ids_are_404_and_keys_without_rights_401_or_403() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let nobody = Uuid::from_u128(42);
    assert_eq!(api_status(endpoints.get(nobody).await), 404);
    assert_eq!(
        api_status(endpoints.update(nobody, PrivateEndpointUpdate::new()).await),
        404
    );
    assert_eq!(api_status(endpoints.activate(nobody).await), 404);
    assert_eq!(api_status(endpoints.disable(nobody).await), 404);
    assert_eq!(api_status(endpoints.enable(nobody).await), 404);
    assert_eq!(
        api_status(endpoints.set_pricing(nobody, pricing()).await),
        404
    );
    assert_eq!(
        api_status(
            endpoints
                .validate(nobody, mock.default_workspace_id())
                .await
        ),
        404
    );
    assert_eq!(api_status(endpoints.delete(nobody).await), 404);

    let unknown = client_with_key(&mock, "sk-or-v1-unknown");
    assert_eq!(api_status(unknown.private_endpoints().list().await), 401);
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(api_status(ordinary.private_endpoints().list().await), 403);
    assert_eq!(
        api_status(
            ordinary
                .private_endpoints()
                .create(new_private_endpoint())
                .await
        ),
        403
    );
}

#[tokio::test]
async fn a_create_is_retried_under_one_idempotency_key_and_never_duplicated() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let draft = endpoints.create(new_private_endpoint()).await.unwrap();

    // The create is applied but its answer lost (a 502, then a dropped connection): each retry carries the key of
    // the first attempt, and the server answers it with the endpoint that attempt created.
    let mut call_keys = Vec::new();
    for fault in [Fault::ApplyThenStatus(502), Fault::ApplyThenClose] {
        mock.clear_requests();
        mock.faults()
            .add(FaultRule::new(OperationId::CreatePrivateEndpoint, fault));
        let created = endpoints.create(new_private_endpoint()).await.unwrap();
        let requests = mock.requests_to(OperationId::CreatePrivateEndpoint);
        assert_eq!(requests.len(), 2);
        let keys: Vec<&str> = requests
            .iter()
            .map(|r| {
                r.header("idempotency-key")
                    .expect("every attempt carries the key")
            })
            .collect();
        assert_eq!(
            keys[0], keys[1],
            "one key per call, the same on every attempt"
        );
        assert!(Uuid::parse_str(keys[0]).is_ok(), "{}", keys[0]);
        assert_ne!(created.id, draft.id);
        call_keys.push(keys[0].to_owned());
    }
    // One draft from the first call and one from each retried call: none twice.
    assert_eq!(endpoints.list().await.unwrap().len(), 3);
    assert_ne!(call_keys[0], call_keys[1], "each call has a key of its own");

    // A caller's own key is sent as it is and holds across calls; reused with other fields it is refused.
    mock.clear_requests();
    let first = endpoints
        .create_with_idempotency_key(new_private_endpoint(), "deploy-2026-12-04")
        .await
        .unwrap();
    let again = endpoints
        .create_with_idempotency_key(new_private_endpoint(), "deploy-2026-12-04")
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(
        mock.requests_to(OperationId::CreatePrivateEndpoint)[0].header("idempotency-key"),
        Some("deploy-2026-12-04")
    );
    assert_eq!(endpoints.list().await.unwrap().len(), 4);
    let other = NewPrivateEndpoint::new("openai/gpt-4o-2024-08-06", "azure", "gpt-4o-other")
        .base_url("https://contoso.openai.azure.com")
        .pricing(pricing());
    assert_eq!(
        api_status(
            endpoints
                .create_with_idempotency_key(other, "deploy-2026-12-04")
                .await
        ),
        422
    );

    // A key that cannot be sent is refused before anything is: empty, too long, or not a header value.
    mock.clear_requests();
    for key in [String::new(), "k".repeat(256), "two\nlines".to_owned()] {
        assert_eq!(
            invalid_argument(
                endpoints
                    .create_with_idempotency_key(new_private_endpoint(), key)
                    .await
            ),
            "idempotency-key"
        );
    }
    assert!(
        mock.requests_to(OperationId::CreatePrivateEndpoint)
            .is_empty()
    );

    // Activation is safe to replay: the retry after a 503 goes through.
    endpoints
        .validate(draft.id, mock.default_workspace_id())
        .await
        .unwrap();
    mock.faults().add(FaultRule::new(
        OperationId::ActivatePrivateEndpoint,
        Fault::Status(503),
    ));
    let active = endpoints.activate(draft.id).await.unwrap();
    assert_eq!(active.status, PrivateEndpointStatus::Active);
    assert_eq!(
        mock.requests_to(OperationId::ActivatePrivateEndpoint).len(),
        2
    );
}

#[tokio::test]
async fn a_replayed_activation_after_an_applied_attempt_is_refused_but_the_endpoint_is_active() {
    let mock = mock().await;
    let client = client(&mock);
    let endpoints = client.private_endpoints();
    let draft = endpoints.create(new_private_endpoint()).await.unwrap();
    endpoints
        .validate(draft.id, mock.default_workspace_id())
        .await
        .unwrap();

    // The first attempt is applied but its answer lost (a 502); the replay finds the endpoint active: 409. The
    // activation happened exactly once, and a caller reads the state back to tell this 409 from a refusal.
    mock.faults().add(FaultRule::new(
        OperationId::ActivatePrivateEndpoint,
        Fault::ApplyThenStatus(502),
    ));
    assert_eq!(api_status(endpoints.activate(draft.id).await), 409);
    assert_eq!(
        mock.requests_to(OperationId::ActivatePrivateEndpoint).len(),
        2
    );
    assert_eq!(
        endpoints.get(draft.id).await.unwrap().status,
        PrivateEndpointStatus::Active
    );
}
