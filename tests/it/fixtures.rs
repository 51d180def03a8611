//! Spec-valid response bodies for every operation, taken from the examples in `openapi.merged.yaml` (timestamps
//! written the way the server sends them), shared by the loopback tests.

use serde_json::{Value, json};
use uuid::Uuid;

/// The guardrail id of the spec's examples.
pub(crate) const GUARDRAIL_ID: Uuid = Uuid::from_u128(0x550e8400_e29b_41d4_a716_446655440000);
/// The workspace id of the spec's examples.
pub(crate) const WORKSPACE_ID: Uuid = Uuid::from_u128(0x0df9e665_d932_5740_b2c7_b52af166bc11);
/// The API key hash of the spec's examples.
pub(crate) const KEY_HASH: &str =
    "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943";
/// The assigned key hash of the spec's assignment examples.
pub(crate) const ASSIGNED_KEY_HASH: &str =
    "c56454edb818d6b14bc0d61c46025f1450b0f4012d12304ab40aacb519fcbc93";

/// A guardrail as `getGuardrail` returns it.
pub(crate) fn guardrail() -> Value {
    json!({
        "allowed_models": null,
        "allowed_providers": ["openai", "anthropic", "google"],
        "created_at": "2025-08-24T10:30:00Z",
        "description": "Guardrail for production environment",
        "enforce_zdr": false,
        "id": GUARDRAIL_ID,
        "ignored_models": null,
        "ignored_providers": null,
        "include_byok_in_budgets": false,
        "limit_usd": 100,
        "name": "Production Guardrail",
        "reset_interval": "monthly",
        "updated_at": "2025-08-24T15:45:00Z",
        "workspace_id": WORKSPACE_ID
    })
}

/// An API key as `getKey` and `list` return it.
pub(crate) fn api_key() -> Value {
    json!({
        "byok_usage": 17.38,
        "byok_usage_daily": 17.38,
        "byok_usage_monthly": 17.38,
        "byok_usage_weekly": 17.38,
        "created_at": "2025-08-24T10:30:00Z",
        "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
        "disabled": false,
        "expires_at": "2027-12-31T23:59:59Z",
        "hash": KEY_HASH,
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
        "workspace_id": WORKSPACE_ID
    })
}

/// The `getCurrentKey` response.
pub(crate) fn current_key_response() -> Value {
    json!({"data": {
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
    }})
}

/// The `createKeys` 201 response: the new key and its plaintext secret.
pub(crate) fn created_key_response() -> Value {
    let mut data = api_key();
    for usage in [
        "byok_usage",
        "byok_usage_daily",
        "byok_usage_monthly",
        "byok_usage_weekly",
        "usage",
        "usage_daily",
        "usage_monthly",
        "usage_weekly",
    ] {
        data[usage] = json!(0);
    }
    data["include_byok_in_limit"] = json!(true);
    data["label"] = json!("My New API Key");
    data["name"] = json!("My New API Key");
    data["limit"] = json!(50);
    data["limit_remaining"] = json!(50);
    data["updated_at"] = Value::Null;
    json!({
        "data": data,
        "key": "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"
    })
}

/// A key assignment as the assignment lists return it.
pub(crate) fn key_assignment() -> Value {
    json!({
        "assigned_by": "user_abc123",
        "created_at": "2025-08-24T10:30:00Z",
        "guardrail_id": "550e8400-e29b-41d4-a716-446655440001",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "key_hash": ASSIGNED_KEY_HASH,
        "key_label": "prod-key",
        "key_name": "Production Key"
    })
}

/// A member assignment as the assignment lists return it.
pub(crate) fn member_assignment() -> Value {
    json!({
        "assigned_by": "user_abc123",
        "created_at": "2025-08-24T10:30:00Z",
        "guardrail_id": "550e8400-e29b-41d4-a716-446655440001",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "organization_id": "org_xyz789",
        "user_id": "user_abc123"
    })
}

/// The error envelope OpenRouter sends with every 4xx/5xx.
pub(crate) fn error_envelope(code: u16, message: &str) -> Value {
    json!({"error": {"code": code, "message": message}})
}
