//! Proves that the generated response types keep decoding when the server is newer than the spec (unknown fields,
//! unknown enum values, `null`s) and still reject values of the wrong type.

use openrouter_mgmt_gen::open_enums::{
    ContentFilterAction, ContentFilterBuiltinAction, ContentFilterBuiltinSlug, GuardrailInterval,
    PromptInjectionScanScope,
};
use openrouter_mgmt_gen::types::{
    BulkAssignKeysResponse, BulkAssignMembersResponse, BulkUnassignKeysResponse,
    BulkUnassignMembersResponse, CreateGuardrailResponse, CreateKeysResponse,
    DeleteGuardrailResponse, DeleteKeysResponse, ErrorResponse, GetCurrentKeyResponse,
    GetGuardrailResponse, GetKeyResponse, Guardrail, KeyAssignment, ListGuardrailsResponse,
    ListKeyAssignmentsResponse, ListMemberAssignmentsResponse, ListResponse, MemberAssignment,
    UpdateGuardrailResponse, UpdateKeysResponse,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The `Guardrail` of the spec's `getGuardrail` example, with the content filters of the schema examples.
fn guardrail_json() -> Value {
    json!({
        "allowed_models": null,
        "allowed_providers": ["openai", "anthropic", "google"],
        "content_filter_builtins": [
            {"action": "redact", "label": "[EMAIL]", "slug": "email"},
            {"action": "block", "slug": "regex-prompt-injection", "scan_scope": "user_only"}
        ],
        "content_filters": [
            {"action": "redact", "label": "[API_KEY]", "pattern": "\\b(sk-[a-zA-Z0-9]{48})\\b"}
        ],
        "created_at": "2025-08-24T10:30:00Z",
        "description": "Guardrail for production environment",
        "enforce_zdr": false,
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "ignored_models": null,
        "ignored_providers": null,
        "include_byok_in_budgets": false,
        "limit_usd": 100,
        "name": "Production Guardrail",
        "reset_interval": "monthly",
        "updated_at": "2025-08-24T15:45:00Z",
        "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11"
    })
}

/// The API key object of the spec's `getKey` example.
fn api_key_json() -> Value {
    json!({
        "byok_usage": 17.38,
        "byok_usage_daily": 17.38,
        "byok_usage_monthly": 17.38,
        "byok_usage_weekly": 17.38,
        "created_at": "2025-08-24T10:30:00Z",
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "disabled": false,
        "expires_at": "2027-12-31T23:59:59Z",
        "hash": "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943",
        "include_byok_in_limit": false,
        "label": "Production API Key",
        "limit": 100,
        "limit_remaining": 74.5,
        "limit_reset": "monthly",
        "name": "My Production Key",
        "updated_at": "2025-08-24T15:45:00Z",
        "usage": 25.5,
        "usage_daily": 25.5,
        "usage_monthly": 25.5,
        "usage_weekly": 25.5,
        "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11"
    })
}

/// The current-key object of the spec's `getCurrentKey` example.
fn current_key_json() -> Value {
    let budget = json!({
        "budget_id": null,
        "guardrail_id": "0df9e665-d932-5740-b2c7-b52af166bc11",
        "include_byok": false,
        "limit_usd": 50,
        "remaining_usd": 17.5,
        "reset_interval": "weekly",
        "resets_at": "2026-10-12T00:00:00.000Z",
        "scope": "member",
        "spend_usd": 32.5
    });
    json!({
        "allowed_data_regions": ["global", "europe", "us"],
        "budgets": [budget],
        "effective_budget": budget,
        "free_model_daily_requests": {"limit": 50, "remaining": 38, "used": 12},
        "byok_usage": 17.38,
        "byok_usage_daily": 17.38,
        "byok_usage_monthly": 17.38,
        "byok_usage_weekly": 17.38,
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "expires_at": "2027-12-31T23:59:59Z",
        "include_byok_in_limit": false,
        "is_free_tier": false,
        "is_management_key": false,
        "is_provisioning_key": false,
        "label": "sk-or-v1-au7...890",
        "limit": 100,
        "limit_remaining": 74.5,
        "limit_reset": "monthly",
        "rate_limit": {"interval": "1h", "note": "This field is deprecated and safe to ignore.", "requests": 1000},
        "usage": 25.5,
        "usage_daily": 25.5,
        "usage_monthly": 25.5,
        "usage_weekly": 25.5
    })
}

/// The `KeyAssignment` of the spec's `listKeyAssignments` example.
fn key_assignment_json() -> Value {
    json!({
        "assigned_by": "user_abc123",
        "created_at": "2025-08-24T10:30:00Z",
        "guardrail_id": "550e8400-e29b-41d4-a716-446655440001",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "key_hash": "c56454edb818d6b14bc0d61c46025f1450b0f4012d12304ab40aacb519fcbc93",
        "key_label": "prod-key",
        "key_name": "Production Key"
    })
}

/// The `MemberAssignment` of the spec's `listMemberAssignments` example.
fn member_assignment_json() -> Value {
    json!({
        "assigned_by": "user_abc123",
        "created_at": "2025-08-24T10:30:00Z",
        "guardrail_id": "550e8400-e29b-41d4-a716-446655440001",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "organization_id": "org_xyz789",
        "user_id": "user_abc123"
    })
}

/// Fields a newer server might add: scalars, nulls, arrays and nested objects.
fn future_fields() -> [(&'static str, Value); 4] {
    [
        ("future_scalar", json!("2099-01-01")),
        ("future_null", Value::Null),
        ("future_array", json!([1, "two", {"three": 3}])),
        (
            "future_object",
            json!({"nested": {"deeper": [true, false]}}),
        ),
    ]
}

/// Returns `value` (an object) with every field of [`future_fields`] added.
fn with_future_fields(mut value: Value) -> Value {
    let object = value.as_object_mut().expect("a JSON object");
    for (name, field) in future_fields() {
        object.insert(name.to_owned(), field);
    }
    value
}

/// Decodes `value` as `T`, naming the type and the JSON path in the panic message when it fails.
fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| {
        panic!(
            "{} failed to decode: {e}\n{value:#}",
            std::any::type_name::<T>()
        )
    })
}

#[test]
fn spec_examples_decode_with_known_values() {
    let guardrail: Guardrail = decode(guardrail_json());
    assert_eq!(guardrail.name, "Production Guardrail");
    assert_eq!(guardrail.reset_interval, Some(GuardrailInterval::Monthly));
    assert_eq!(guardrail.limit_usd, Some(100.0));
    assert_eq!(guardrail.allowed_models, None);
    assert_eq!(
        guardrail.workspace_id.as_deref(),
        Some("0df9e665-d932-5740-b2c7-b52af166bc11")
    );
    let builtins = guardrail.content_filter_builtins.expect("builtins");
    assert_eq!(builtins[0].slug, ContentFilterBuiltinSlug::Email);
    assert_eq!(builtins[0].action, ContentFilterBuiltinAction::Redact);
    assert_eq!(builtins[0].label.as_deref(), Some("[EMAIL]"));
    assert_eq!(
        builtins[1].slug,
        ContentFilterBuiltinSlug::RegexPromptInjection
    );
    assert_eq!(
        builtins[1].scan_scope,
        Some(PromptInjectionScanScope::UserOnly)
    );
    let filters = guardrail.content_filters.expect("filters");
    assert_eq!(filters[0].action, ContentFilterAction::Redact);

    let key: GetKeyResponse = decode(json!({"data": api_key_json()}));
    assert_eq!(key.data.limit_reset.as_deref(), Some("monthly"));
    assert_eq!(
        key.data.expires_at.map(|t| t.timestamp()),
        Some(1_830_297_599)
    );

    let current: GetCurrentKeyResponse = decode(json!({"data": current_key_json()}));
    assert_eq!(current.data.rate_limit.requests, 1000);

    let assignment: KeyAssignment = decode(key_assignment_json());
    assert_eq!(assignment.assigned_by.as_deref(), Some("user_abc123"));
    let member: MemberAssignment = decode(member_assignment_json());
    assert_eq!(member.organization_id, "org_xyz789");
}

#[test]
fn unknown_fields_in_a_guardrail_are_ignored() {
    let mut value = with_future_fields(guardrail_json());
    for entry in ["content_filter_builtins", "content_filters"] {
        for item in value[entry].as_array_mut().expect("array") {
            *item = with_future_fields(item.take());
        }
    }
    let expected: Guardrail = decode(guardrail_json());
    let with_extras: Guardrail = decode(value.clone());
    assert_eq!(with_extras, expected);

    for wrapped in [
        json!({"data": value.clone()}),
        with_future_fields(json!({"data": value.clone()})),
    ] {
        assert_eq!(
            decode::<GetGuardrailResponse>(wrapped.clone()).data,
            expected
        );
        assert_eq!(
            decode::<CreateGuardrailResponse>(wrapped.clone()).data,
            expected
        );
        assert_eq!(decode::<UpdateGuardrailResponse>(wrapped).data, expected);
    }
}

#[test]
fn unknown_fields_in_api_keys_are_ignored() {
    let value = with_future_fields(api_key_json());
    let wrapped = with_future_fields(json!({"data": value.clone()}));

    let key = decode::<GetKeyResponse>(wrapped.clone()).data;
    assert_eq!(
        key.hash,
        "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943"
    );
    assert_eq!(key.usage_weekly, 25.5);
    assert_eq!(
        decode::<UpdateKeysResponse>(wrapped).data.name,
        "My Production Key"
    );

    let mut created = with_future_fields(json!({"data": value.clone()}));
    created["key"] =
        json!("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");
    let created: CreateKeysResponse = decode(created);
    assert!(created.key.expose_secret().starts_with("sk-or-v1-"));
    assert_eq!(format!("{:?}", created.key), "SecretString(<redacted>)");
    assert_eq!(created.data.limit, Some(100.0));

    let mut current = with_future_fields(current_key_json());
    current["rate_limit"] = with_future_fields(current["rate_limit"].take());
    let current: GetCurrentKeyResponse = decode(with_future_fields(json!({"data": current})));
    assert_eq!(current.data.limit_remaining, Some(74.5));
    assert_eq!(current.data.rate_limit.interval, "1h");
}

#[test]
fn unknown_fields_in_assignments_are_ignored() {
    let key: KeyAssignment = decode(with_future_fields(key_assignment_json()));
    assert_eq!(key, decode::<KeyAssignment>(key_assignment_json()));
    assert_eq!(key.key_label, "prod-key");

    let member: MemberAssignment = decode(with_future_fields(member_assignment_json()));
    assert_eq!(member, decode::<MemberAssignment>(member_assignment_json()));
    assert_eq!(member.user_id, "user_abc123");
}

#[test]
fn unknown_fields_in_list_responses_are_ignored() {
    let guardrails: ListGuardrailsResponse = decode(with_future_fields(json!({
        "data": [with_future_fields(guardrail_json())],
        "total_count": 1,
        "next_offset": 1
    })));
    assert_eq!(guardrails.total_count, 1);
    assert_eq!(guardrails.data[0].name, "Production Guardrail");

    // `GET /keys` has no `total_count` today; a server that starts sending one must not break decoding.
    let keys: ListResponse = decode(with_future_fields(json!({
        "data": [with_future_fields(api_key_json())],
        "total_count": 1
    })));
    assert_eq!(keys.data.len(), 1);
    assert_eq!(keys.data[0].label, "Production API Key");

    let key_assignments: ListKeyAssignmentsResponse = decode(with_future_fields(json!({
        "data": [with_future_fields(key_assignment_json())],
        "total_count": 1
    })));
    assert_eq!(key_assignments.data[0].key_name, "Production Key");

    let member_assignments: ListMemberAssignmentsResponse = decode(with_future_fields(json!({
        "data": [with_future_fields(member_assignment_json())],
        "total_count": 1
    })));
    assert_eq!(member_assignments.total_count, 1);

    let empty: ListGuardrailsResponse = decode(json!({"data": [], "total_count": 0}));
    assert!(empty.data.is_empty());
}

#[test]
fn unknown_fields_in_small_responses_are_ignored() {
    assert!(
        decode::<DeleteGuardrailResponse>(with_future_fields(json!({"deleted": true}))).deleted
    );
    assert!(decode::<DeleteKeysResponse>(with_future_fields(json!({"deleted": true}))).deleted);
    assert_eq!(
        decode::<BulkAssignKeysResponse>(with_future_fields(json!({"assigned_count": 3})))
            .assigned_count,
        3
    );
    assert_eq!(
        decode::<BulkUnassignKeysResponse>(with_future_fields(json!({"unassigned_count": 3})))
            .unassigned_count,
        3
    );
    assert_eq!(
        decode::<BulkAssignMembersResponse>(with_future_fields(json!({"assigned_count": 2})))
            .assigned_count,
        2
    );
    assert_eq!(
        decode::<BulkUnassignMembersResponse>(with_future_fields(json!({"unassigned_count": 2})))
            .unassigned_count,
        2
    );
}

#[test]
fn known_reset_intervals_decode_to_their_variants() {
    for (wire, variant) in [
        ("daily", GuardrailInterval::Daily),
        ("weekly", GuardrailInterval::Weekly),
        ("monthly", GuardrailInterval::Monthly),
    ] {
        let mut value = guardrail_json();
        value["reset_interval"] = json!(wire);
        let guardrail: Guardrail = decode(value);
        assert_eq!(guardrail.reset_interval, Some(variant));
        assert!(
            guardrail
                .reset_interval
                .as_ref()
                .is_some_and(GuardrailInterval::is_known)
        );
    }
    assert_eq!(GuardrailInterval::KNOWN, ["daily", "weekly", "monthly"]);
}

#[test]
fn unknown_reset_interval_is_kept_and_reserialized_verbatim() {
    let mut value = guardrail_json();
    value["reset_interval"] = json!("hourly");
    let guardrail: Guardrail = decode(value);
    let interval = guardrail.reset_interval.clone().expect("reset_interval");
    assert_eq!(interval, GuardrailInterval::Unknown("hourly".to_owned()));
    assert!(!interval.is_known());
    assert_eq!(interval.as_str(), "hourly");
    assert_eq!(interval.to_string(), "hourly");

    let reserialized = serde_json::to_value(&guardrail).expect("serialize");
    assert_eq!(reserialized["reset_interval"], json!("hourly"));
    assert_eq!(decode::<Guardrail>(reserialized), guardrail);

    // Case matters: the server's values are lower case, so "Monthly" is not the known variant.
    assert_eq!(
        serde_json::from_value::<GuardrailInterval>(json!("Monthly")).expect("decode"),
        GuardrailInterval::Unknown("Monthly".to_owned())
    );
}

#[test]
fn unknown_content_filter_values_decode_as_unknown_and_stay_visible() {
    let mut value = guardrail_json();
    value["content_filter_builtins"] = json!([
        {"action": "quarantine", "label": "[TOXIC]", "slug": "toxicity"},
        {"action": "block", "slug": "regex-prompt-injection", "scan_scope": "system_only"},
        {"action": "redact", "label": "[EMAIL]", "slug": "email"}
    ]);
    value["content_filters"] = json!([
        {"action": "escalate", "label": null, "pattern": "secret-[0-9]+"}
    ]);
    let guardrail: Guardrail = decode(value);

    let builtins = guardrail
        .content_filter_builtins
        .as_ref()
        .expect("builtins");
    assert_eq!(builtins.len(), 3, "no entry may be dropped");
    assert_eq!(
        builtins[0].slug,
        ContentFilterBuiltinSlug::Unknown("toxicity".to_owned())
    );
    assert_eq!(
        builtins[0].action,
        ContentFilterBuiltinAction::Unknown("quarantine".to_owned())
    );
    assert_eq!(
        builtins[1].scan_scope,
        Some(PromptInjectionScanScope::Unknown("system_only".to_owned()))
    );
    assert_eq!(builtins[1].action, ContentFilterBuiltinAction::Block);
    assert_eq!(builtins[2].slug, ContentFilterBuiltinSlug::Email);
    let filters = guardrail.content_filters.as_ref().expect("filters");
    assert_eq!(
        filters[0].action,
        ContentFilterAction::Unknown("escalate".to_owned())
    );
    assert_eq!(filters[0].label, None);

    let reserialized = serde_json::to_value(&guardrail).expect("serialize");
    assert_eq!(
        reserialized["content_filter_builtins"][0]["slug"],
        json!("toxicity")
    );
    assert_eq!(
        reserialized["content_filter_builtins"][0]["action"],
        json!("quarantine")
    );
    assert_eq!(
        reserialized["content_filter_builtins"][1]["scan_scope"],
        json!("system_only")
    );
    assert_eq!(
        reserialized["content_filters"][0]["action"],
        json!("escalate")
    );
}

#[test]
fn known_content_filter_values_decode_to_their_variants() {
    let slugs = [
        ContentFilterBuiltinSlug::Email,
        ContentFilterBuiltinSlug::Phone,
        ContentFilterBuiltinSlug::Ssn,
        ContentFilterBuiltinSlug::CreditCard,
        ContentFilterBuiltinSlug::IpAddress,
        ContentFilterBuiltinSlug::Secrets,
        ContentFilterBuiltinSlug::PersonName,
        ContentFilterBuiltinSlug::Address,
        ContentFilterBuiltinSlug::RegexPromptInjection,
    ];
    assert_eq!(ContentFilterBuiltinSlug::KNOWN.len(), slugs.len());
    let actions = [
        ContentFilterBuiltinAction::Redact,
        ContentFilterBuiltinAction::Block,
        ContentFilterBuiltinAction::Flag,
    ];
    assert_eq!(ContentFilterBuiltinAction::KNOWN.len(), actions.len());
    for (wire_slug, slug) in ContentFilterBuiltinSlug::KNOWN.iter().zip(&slugs) {
        for (wire_action, action) in ContentFilterBuiltinAction::KNOWN.iter().zip(&actions) {
            let mut value = guardrail_json();
            value["content_filter_builtins"] = json!([{"action": wire_action, "slug": wire_slug}]);
            let guardrail: Guardrail = decode(value);
            let entry = &guardrail.content_filter_builtins.expect("builtins")[0];
            assert_eq!(&entry.slug, slug);
            assert_eq!(&entry.action, action);
            assert!(entry.slug.is_known() && entry.action.is_known());
        }
    }
    for (wire, action) in [
        ("redact", ContentFilterAction::Redact),
        ("block", ContentFilterAction::Block),
        ("flag", ContentFilterAction::Flag),
    ] {
        let mut value = guardrail_json();
        value["content_filters"] = json!([{"action": wire, "pattern": "x"}]);
        let guardrail: Guardrail = decode(value);
        assert_eq!(
            guardrail.content_filters.expect("filters")[0].action,
            action
        );
    }
    for (wire, scope) in [
        ("user_only", PromptInjectionScanScope::UserOnly),
        ("all_messages", PromptInjectionScanScope::AllMessages),
    ] {
        let decoded: PromptInjectionScanScope =
            serde_json::from_value(json!(wire)).expect("decode");
        assert_eq!(decoded, scope);
    }
}

#[test]
fn null_decodes_for_nullable_guardrail_fields() {
    let mut value = guardrail_json();
    let nullable = [
        "allowed_models",
        "allowed_providers",
        "content_filter_builtins",
        "content_filters",
        "description",
        "enable_free_model_publication",
        "enable_free_model_training",
        "enable_paid_model_training",
        "enforce_zdr",
        "enforce_zdr_anthropic",
        "enforce_zdr_google",
        "enforce_zdr_openai",
        "enforce_zdr_other",
        "enforce_zdr_xai",
        "ignored_models",
        "ignored_providers",
        "limit_usd",
        "reset_interval",
        "updated_at",
        "workspace_id",
    ];
    for field in nullable {
        value[field] = Value::Null;
    }
    let guardrail: Guardrail = decode(value);
    assert_eq!(guardrail.description, None);
    assert_eq!(guardrail.limit_usd, None);
    assert_eq!(guardrail.reset_interval, None);
    assert_eq!(guardrail.content_filter_builtins, None);
    assert_eq!(guardrail.enforce_zdr_xai, None);
    assert_eq!(guardrail.updated_at, None);
    assert_eq!(
        guardrail.workspace_id, None,
        "legacy guardrails have no workspace"
    );

    let mut value = guardrail_json();
    value["content_filter_builtins"] =
        json!([{"action": "flag", "label": null, "slug": "ssn", "scan_scope": null}]);
    let entry = &decode::<Guardrail>(value)
        .content_filter_builtins
        .expect("builtins")[0];
    assert_eq!(
        (entry.label.as_ref(), entry.scan_scope.as_ref()),
        (None, None)
    );
}

#[test]
fn null_decodes_for_nullable_key_and_assignment_fields() {
    let mut key = api_key_json();
    for field in [
        "creator_user_id",
        "expires_at",
        "limit",
        "limit_remaining",
        "limit_reset",
        "updated_at",
    ] {
        key[field] = Value::Null;
    }
    let decoded = decode::<GetKeyResponse>(json!({"data": key.clone()})).data;
    assert_eq!(
        (decoded.limit, decoded.limit_remaining, decoded.expires_at),
        (None, None, None)
    );
    assert_eq!(decoded.limit_reset, None);
    assert_eq!(decoded.creator_user_id, None);
    assert_eq!(decoded.updated_at, None);
    assert_eq!(
        decode::<ListResponse>(json!({"data": [key.clone()]})).data[0].limit,
        None
    );

    let mut current = current_key_json();
    for field in [
        "creator_user_id",
        "expires_at",
        "limit",
        "limit_remaining",
        "limit_reset",
    ] {
        current[field] = Value::Null;
    }
    let current = decode::<GetCurrentKeyResponse>(json!({"data": current})).data;
    assert_eq!((current.limit, current.limit_reset), (None, None));

    let mut assignment = key_assignment_json();
    assignment["assigned_by"] = Value::Null;
    assert_eq!(decode::<KeyAssignment>(assignment).assigned_by, None);
    let mut member = member_assignment_json();
    member["assigned_by"] = Value::Null;
    assert_eq!(decode::<MemberAssignment>(member).assigned_by, None);
}

#[test]
fn error_envelope_decodes_with_and_without_optional_fields() {
    let minimal: ErrorResponse = decode(json!({
        "error": {"code": 429, "message": "Rate limit exceeded", "metadata": {"error_type": "rate_limit_exceeded"}}
    }));
    assert_eq!(minimal.error.code, 429);
    assert_eq!(minimal.error.message, "Rate limit exceeded");
    assert_eq!(
        minimal
            .error
            .metadata
            .as_ref()
            .and_then(|m| m.get("error_type")),
        Some(&json!("rate_limit_exceeded"))
    );
    assert_eq!(
        (
            minimal.user_id.as_ref(),
            minimal.openrouter_metadata.as_ref()
        ),
        (None, None)
    );

    let full: ErrorResponse = decode(json!({
        "error": {"code": 429, "message": "Rate limit exceeded", "metadata": {"error_type": "rate_limit_exceeded"}},
        "user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "openrouter_metadata": {"region": "iad", "trace": ["a", "b"]}
    }));
    assert_eq!(full.error, minimal.error);
    assert_eq!(
        full.user_id.as_ref().map(|u| u.as_str()),
        Some("user_2dHFtVWx2n56w6HkM0000000000")
    );
    assert_eq!(
        full.openrouter_metadata
            .as_ref()
            .and_then(|m| m.get("region")),
        Some(&json!("iad"))
    );

    let nulls: ErrorResponse = decode(json!({
        "error": {"code": 401, "message": "No auth credentials found", "metadata": null},
        "user_id": null,
        "openrouter_metadata": null
    }));
    assert_eq!(nulls.error.code, 401);
    assert_eq!(nulls.error.metadata, None);
    assert_eq!((nulls.user_id, nulls.openrouter_metadata), (None, None));

    let bare: ErrorResponse =
        decode(json!({"error": {"code": 500, "message": "Internal Server Error"}}));
    assert_eq!(bare.error.metadata, None);

    let extras: ErrorResponse = decode(with_future_fields(json!({
        "error": with_future_fields(json!({"code": 403, "message": "Forbidden"}))
    })));
    assert_eq!(extras.error.code, 403);
}

/// Asserts that decoding `value` as `T` fails and that the error message contains `needle`.
fn assert_rejected<T: DeserializeOwned + std::fmt::Debug>(value: Value, needle: &str) {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(decoded) => panic!(
            "{} accepted a malformed payload: {decoded:?}\n{value:#}",
            std::any::type_name::<T>()
        ),
        Err(e) => assert!(
            e.to_string().contains(needle),
            "error {e:?} does not mention {needle:?}"
        ),
    }
}

#[test]
fn malformed_values_still_fail_to_decode() {
    let mut value = guardrail_json();
    value["reset_interval"] = json!(3);
    assert_rejected::<Guardrail>(value, "GuardrailInterval");

    let mut value = guardrail_json();
    value["content_filter_builtins"] = json!([{"action": true, "slug": "email"}]);
    assert_rejected::<Guardrail>(value, "ContentFilterBuiltinAction");

    let mut value = guardrail_json();
    value["content_filter_builtins"] = json!([{"action": "block", "slug": ["email"]}]);
    assert_rejected::<Guardrail>(value, "ContentFilterBuiltinSlug");

    let mut value = guardrail_json();
    value["id"] = json!("not-a-uuid");
    assert_rejected::<Guardrail>(value, "UUID");

    let mut value = guardrail_json();
    value.as_object_mut().expect("object").remove("id");
    assert_rejected::<Guardrail>(value, "missing field `id`");

    // An integer takes any integral spelling (see `counts_in_any_integral_spelling_decode`), but not these.
    for total in [json!("many"), json!(2.5), json!(1e300), json!(null)] {
        assert_rejected::<ListGuardrailsResponse>(json!({"data": [], "total_count": total}), "");
    }
    assert_rejected::<ListGuardrailsResponse>(
        json!({"data": [], "total_count": [1]}),
        "invalid type",
    );
    assert_rejected::<ErrorResponse>(
        json!({"error": {"code": "too many", "message": "x"}}),
        "invalid value",
    );
    assert_rejected::<ErrorResponse>(
        json!({"message": "Rate limit exceeded"}),
        "missing field `error`",
    );

    let mut key = api_key_json();
    key["expires_at"] = json!("next tuesday");
    assert_rejected::<GetKeyResponse>(json!({"data": key}), "");
}

#[test]
fn counts_in_any_integral_spelling_decode() {
    // The spec typed counts as `number` before February 2026, and servers are not always on the spec.
    for spelling in [
        json!(3),
        json!(3.0),
        json!(3e0),
        json!("3"),
        json!("3.0"),
        json!("3e0"),
    ] {
        let page: ListGuardrailsResponse =
            serde_json::from_value(json!({"data": [], "total_count": spelling.clone()}))
                .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(page.total_count, 3, "{spelling}");
        let error: ErrorResponse =
            serde_json::from_value(json!({"error": {"code": spelling.clone(), "message": "x"}}))
                .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(error.error.code, 3, "{spelling}");
    }
    // Serialization is unchanged: an integer is written as one.
    let page: ListGuardrailsResponse =
        serde_json::from_value(json!({"data": [], "total_count": "3"})).unwrap();
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        json!({"data": [], "total_count": 3})
    );
}

#[test]
fn an_answer_without_a_nullable_field_or_a_list_keeps_its_other_data() {
    // A server behind the spec leaves out fields added since: absence means what `null` or `[]` means.
    let mut value = guardrail_json();
    let object = value.as_object_mut().expect("object");
    object.remove("workspace_id");
    object.remove("description");
    let guardrail: Guardrail = decode(value);
    assert_eq!(guardrail.name, "Production Guardrail");
    assert_eq!(
        (guardrail.workspace_id, guardrail.description),
        (None, None)
    );

    let mut key = api_key_json();
    key.as_object_mut().expect("object").remove("external_user");
    let decoded: GetKeyResponse = decode(json!({ "data": key }));
    assert_eq!(decoded.data.external_user, None);
    assert_eq!(decoded.data.name, "My Production Key");

    let mut current = current_key_json();
    let object = current.as_object_mut().expect("object");
    object.remove("allowed_data_regions");
    object.remove("budgets");
    let decoded: GetCurrentKeyResponse = decode(json!({ "data": current }));
    assert!(decoded.data.allowed_data_regions.is_empty());
    assert!(decoded.data.budgets.is_empty());
    assert_eq!(decoded.data.free_model_daily_requests.limit, 50);

    // A required non-nullable value is still required: without it the answer is not what the spec describes.
    let mut current = current_key_json();
    current
        .as_object_mut()
        .expect("object")
        .remove("free_model_daily_requests");
    assert_rejected::<GetCurrentKeyResponse>(
        json!({ "data": current }),
        "missing field `free_model_daily_requests`",
    );
}
