//! A spec-valid API key body, taken from the examples in `openapi.merged.yaml`, for the loopback tests.

use serde_json::{Value, json};
use uuid::Uuid;

/// The workspace id of the spec's examples.
const WORKSPACE_ID: Uuid = Uuid::from_u128(0x0df9e665_d932_5740_b2c7_b52af166bc11);
/// The API key hash of the spec's examples.
const KEY_HASH: &str = "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943";

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
