//! Deterministic, realistic payloads for the serialization benches, so every run measures the same bytes.

use serde_json::{Value, json};

/// A page of `n` guardrails with every field populated, as `GET /guardrails` returns it.
pub fn guardrail_page(n: usize) -> String {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("550e8400-e29b-41d4-a716-{:012x}", i),
                "name": format!("Guardrail {i}"),
                "description": format!("Budget and routing policy number {i} for the production fleet"),
                "limit_usd": 100.0 + i as f64,
                "reset_interval": (["daily", "weekly", "monthly"][i % 3]),
                "allowed_providers": ["openai", "anthropic", "google"],
                "allowed_models": ["openai/gpt-5.2-20251211", "anthropic/claude-4.5-opus-20251124"],
                "ignored_providers": ["azure"],
                "ignored_models": ["openai/gpt-4o-mini-2024-07-18"],
                "enforce_zdr": null,
                "enforce_zdr_anthropic": true,
                "enforce_zdr_openai": i % 2 == 0,
                "enforce_zdr_google": false,
                "enforce_zdr_xai": false,
                "enforce_zdr_other": false,
                "content_filters": [{"action": "redact", "label": "[API_KEY]", "pattern": "\\b(sk-[a-zA-Z0-9]{48})\\b"}],
                "content_filter_builtins": [{"action": "redact", "label": "[EMAIL]", "slug": "email"}],
                "include_byok_in_budgets": false,
                "enable_free_model_publication": false,
                "enable_free_model_training": true,
                "enable_paid_model_training": true,
                "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11",
                "created_at": "2025-08-24T10:30:00Z",
                "updated_at": "2025-08-24T15:45:00Z"
            })
        })
        .collect();
    json!({ "data": data, "total_count": n }).to_string()
}

/// The hash of the `i`th API key: 64 lowercase hex digits, like a SHA-256 (deterministic, not random).
pub fn key_hash(i: usize) -> String {
    // A cheap mix (splitmix64) so neighbouring hashes differ in every digit, as real ones do.
    let word = |salt: u64| {
        let mut z = (i as u64)
            .wrapping_mul(4)
            .wrapping_add(salt)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    format!(
        "{:016x}{:016x}{:016x}{:016x}",
        word(0),
        word(1),
        word(2),
        word(3)
    )
}

/// One key assignment, as the items of `GET /guardrails/assignments/keys` look.
pub fn key_assignment(i: usize) -> Value {
    json!({
        "id": format!("7c9e6679-7425-40de-944b-{:012x}", i),
        "key_hash": key_hash(i),
        "guardrail_id": format!("550e8400-e29b-41d4-a716-{:012x}", i % 7),
        "key_name": format!("Production key {i}"),
        "key_label": format!("sk-or-v1-{}...{:03}", &key_hash(i)[..3], i % 1000),
        "assigned_by": "user_2dHFtVWx2n56w6HkM0000000000",
        "created_at": "2025-08-24T10:30:00Z"
    })
}

/// A page of `n` key assignments with every field populated, as `GET /guardrails/assignments/keys` returns it.
pub fn key_assignment_page(n: usize) -> String {
    let data: Vec<Value> = (0..n).map(key_assignment).collect();
    json!({ "data": data, "total_count": n }).to_string()
}

/// A page of `n` API keys with every field populated, as `GET /keys` returns it.
pub fn key_page(n: usize) -> String {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            let usage = (i as f64) * 0.25 + 0.125;
            json!({
                "hash": key_hash(i),
                "name": format!("Production key {i}"),
                "label": format!("sk-or-v1-{}...{:03}", &key_hash(i)[..3], i % 1000),
                "disabled": i % 10 == 9,
                "limit": 100.0 + i as f64,
                "limit_remaining": 100.0 + i as f64 - usage,
                "limit_reset": (["daily", "weekly", "monthly"][i % 3]),
                "include_byok_in_limit": i % 2 == 0,
                "usage": usage,
                "usage_daily": usage / 30.0,
                "usage_weekly": usage / 4.0,
                "usage_monthly": usage,
                "byok_usage": 17.5,
                "byok_usage_daily": 0.5,
                "byok_usage_weekly": 3.75,
                "byok_usage_monthly": 17.5,
                "created_at": "2025-08-24T10:30:00Z",
                "updated_at": "2025-08-24T15:45:00Z",
                "expires_at": "2026-08-24T00:00:00Z",
                "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
                "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11"
            })
        })
        .collect();
    json!({ "data": data }).to_string()
}

/// The body of `POST /guardrails/{id}/assignments/keys` assigning `n` keys.
pub fn bulk_assign_body(n: usize) -> String {
    let hashes: Vec<String> = (0..n).map(key_hash).collect();
    json!({ "key_hashes": hashes }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use openrouter_mgmt_gen::types;

    #[test]
    fn payloads_decode_into_the_generated_types() {
        let g: types::ListGuardrailsResponse = serde_json::from_str(&guardrail_page(3)).unwrap();
        assert_eq!(g.data.len(), 3);
        let a: types::ListKeyAssignmentsResponse =
            serde_json::from_str(&key_assignment_page(3)).unwrap();
        assert_eq!(a.data[2].key_hash.as_str(), key_hash(2));
        let k: types::ListResponse = serde_json::from_str(&key_page(3)).unwrap();
        assert!(k.data[0].expires_at.is_some());
        let b: types::BulkAssignKeysRequest = serde_json::from_str(&bulk_assign_body(3)).unwrap();
        assert_eq!(b.key_hashes.len(), 3);
    }

    #[test]
    fn key_hashes_are_64_hex_digits_and_distinct() {
        let a = key_hash(0);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, key_hash(1));
    }
}
